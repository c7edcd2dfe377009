// Package ardm defines and runs Upscale ARDMs (Hoogeboom et al.,
// "Autoregressive Diffusion Models", ICLR 2022) over 16-bit audio: the
// network's config, weights and checkpoints, its input features, the
// deterministic forward pass (Forwarder), the heads and the Predictor that
// package coder codes with, the L_t budget policy, and sampling. It is the
// inference side and imports no gorgonia; package ardm/train trains the
// same network, and ardm/internal/kernels holds the numeric kernels both
// use.
//
// # Data and stages
//
// A channel of 16-bit PCM is shifted to unsigned x in 0..65535. With
// branching factor b the value has S = 16/log2(b) base-b digits, most
// significant first; x^(s) is x with its lowest S-s digits zeroed, and
// stage s generates digit s given x^(s-1) (package stages does the digit
// arithmetic).
//
// # Network (the one definition; training graph and inference kernels
// both implement exactly this)
//
// Input: Features (features.go) gives Config.NumFeatures() values per
// position from the stage, the values and the mask (feature set 0: six
// level-normalised values; set 1 adds seven interpolation features, set 2
// two more from a per-block AR model, features_lpc.go, set 3 three more
// from the positions revealed in the stage, features_fine.go);
// Embedding gives the revealed-fraction embedding emb (EmbedDim) for t
// revealed of n positions. With C channels:
//
//	e   = tanh(emb·EmbW + EmbB)                      (C)
//	h_0 = feat·InW + InB                             (n, C) no activation
//	for block l = 0..Layers-1, dilation d = Config.Dilation(l):
//	    y  = h_l + e·CondW_l                         (bias broadcast over positions)
//	    z  = ConvB_l + sum_k y[i+(k-(K-1)/2)*d]·ConvW_l[k]   (n, 2C), zero padding
//	    g  = tanh(z[:, :C]) * sigmoid(z[:, C:])
//	    h_{l+1} = (h_l + g·ResW_l + ResB_l) * float32(1/sqrt(2))
//	    skip   += g·SkipW_l + SkipB_l
//	o1 = kernels.Relu(skip * float32(1/sqrt(Layers)))
//	o2 = kernels.Relu(o1·Out1W + Out1B)
//	logits = o2·OutW + OutB                          (n, Stages*b)
//
// With the softmax head, stage s's b-way distribution at position i is the
// softmax of logits[i, (s-1)*b : s*b].
//
// # Objective
//
// Per example: draw a stage s, t ~ U{0..n-1} and a permutation sigma of the
// n positions; mask = sigma < t. sigma is uniformly random (the paper), or
// with TrainOptions.MaskOrder the coder's stratified order
// (stages.DrawOrder) randomly rotated, the masks the coder shows the
// model. Loss = -(n/(n-t)) * sum over unrevealed i
// of log p(digit_s(x_i) | input), which divided by n ln 2 is an unbiased
// estimate of stage s's bound in bits per sample; the total bound is the sum
// over stages.
//
// # Mixture head (data parametrization)
//
// With Head == HeadMixture the output layer has 3*Mixtures channels per
// position (stage independent), in the order w_0..w_{K-1}, mu_0..mu_{K-1},
// l_0..l_{K-1}: for component k, a weight logit w_k, a location mu_k and a
// log scale l_k. They describe one continuous distribution over the full
// value, centred on the middle c_i of the position's known bin (a_i of
// Features for an unrevealed position), in units of
//
//	s_i = min(g_i, W)
//
// where g_i is the local level that Features computes (Levels exposes it)
// and W = 2^(16-(s-1)log2 b) is the width of the known bin at stage s:
//
//	value v  <->  u = (v - 32768 - c_i) / s_i
//	F(u) = sum_k softmax(w)_k * sigmoid((u - mu_k) / exp(max(l_k, -9)))
//
// In coarse stages (and OA-ARDM) the bin is wider than the signal, so the
// unit is the level g_i. In fine stages the bin is far narrower than g_i
// (stage 4 of b = 16: W = 16 against g of hundreds or thousands), and in
// units of g_i the net would have to learn log scales near log(W/g_i) and
// locations of order W/g_i from their initial 0; in units of W the bin
// always spans about [-1/2, 1/2] and the initial scales (l = 0) and
// locations (spread over [-1/2, 1/2], initHeadBias) already fit it.
//
// Stage s splits the known bin [lo, lo+W) into b sub-bins of width w = W/b;
// digit j covers [lo + j*w, lo + (j+1)*w). Its probability is
// F(upper_j) - F(lower_j) with the edges at lo + j*w - 1/2 (in u units),
// except that the outermost edges are -inf and +inf: the first and last
// sub-bins absorb the tails, as the discretized logistic of PixelCNN++ does
// at 0 and 65535, instead of renormalising by the bin's mass (better
// conditioned: no division by a tiny mass). Finally p = (1-Eps)*p + Eps/b
// with Eps = MixtureEps, so that no digit has probability zero.
// OA-ARDM is the one-stage case: Branching 65536, S = 1, w = 1.
//
// Package ardm/internal/mixture holds this arithmetic once, for the
// training loss (ardm/train, graph_mixture.go) and the inference path
// (predict_mixture.go). For
// OA-ARDM no 65536-entry tables are built: Predictor.TargetBits scores the
// true values, generation inverts the mixture's CDF, and the coder codes
// through the closed-form CDF of Predictor.PredictCDF (coder.CDFPredictor).
package ardm
