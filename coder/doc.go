// Package coder codes integer PCM losslessly into .ardm streams with the
// probabilities of a learned Upscale ARDM (the Predictor interface; package
// ardm implements it) and rANS, falling back per frame to model-free
// coders whenever they are smaller.
//
// # Coding with a model
//
// A channel of a frame (n <= FrameLen samples) is coded as the top 16
// bits of every sample, unsigned (x = v + 32768), followed by the bits
// below them (24- and 32-bit input). With branching factor b the 16 bits
// are S = 16/log2(b) base-b digits. For each stage s = 1..S:
//
//   - the order sigma is a permutation of 0..n-1 from PCG-DXSM seeded with
//     (order seed, frame<<16 | channel<<8 | stage) and Lemire's bounded
//     draw (order.go): in version 3 the bit-reversed order of the
//     positions rotated by one draw in [0, n) (StratifiedOrder: every
//     prefix is spread evenly over the frame, which costs fewer bits at
//     small budgets), in version 2 a Fisher-Yates shuffle;
//   - Predictor.Policy(budget, n)[s-1] gives steps t_0=0 < ... < t_K=n; for
//     each step one Predictor.Predict(s, t_k, values, mask, pos, probs) runs on
//     the state values = x^(s) at revealed positions and x^(s-1)
//     elsewhere, mask = revealed, pos = sigma[t_k:t_k+1] (the positions
//     revealed in this step, in that order);
//   - each position's b probabilities become integer cumulative
//     frequencies out of 2^31 (quant.go: cum(v) = floor(F(v) (2^31 -
//     2b)) + 2v with F(v) the sum of the probabilities below v over
//     their total, so every symbol has at least 2) and its digit is coded with
//     rANS (64-bit state, 32-bit words, as ryg_rans's rans64).
//
// With b = 65536 (OA-ARDM: one stage, the whole value) the model must be
// a CDFPredictor: instead of Predict's tables, PredictCDF gives each
// position's distribution function F(v) = P(value < v), the same cum(v)
// is computed from it at the value and the next one to encode, and the
// decoder finds the value by binary search over v (16 evaluations of F).
// The same function, cumFreq, turns floats into frequencies on both paths
// and on both sides; it is the only float-to-integer step.
//
// 8-bit input has its low 8 of 16 bits known zero: stages whose digits lie
// entirely below the top 8 bits are not coded (log2(b) divides 8 for every
// b <= 256, so these are whole stages). With b = 65536 the one stage codes
// y = x>>8 as one of 256 symbols with cum computed from F(y<<8) (b = 256 in
// the formula). The last frame of a stream is simply
// shorter: Predict is called with len(values) = n < FrameLen; no padding
// is coded.
//
// The low bits of 24- and 32-bit input (8 or 16 bits) are coded after all
// stages, sample by sample, in 8-bit chunks most significant first; each
// chunk is a bit tree of 255 adaptive binary models (probability of a zero
// in 2^-16 units, starting at 1/2, moved 1/32 of the way toward each coded
// bit) coded in the same rANS stream.
//
// Symbols are encoded in reverse and decoded forward; no bits-back. The
// decoder checks that the stream ends with every word read and the state
// back at its initial 2^31.
//
// Predictor.Predict and CDFPredictor.PredictCDF are called concurrently from
// several goroutines (one per worker) and must be safe for that and
// deterministic.
//
// # Model gating
//
// Before any network call the Writer decides whether a model can win on
// the input at all: a model that names the sample rate of its training
// audio (RatedPredictor; every ardm model: 16 kHz) is tried only on input
// at that rate. On other input (44.1 kHz music, 8 kHz telephone speech) it
// costs nothing: the stream is written as a model-free one (all-zero model
// hash), which decodes without the model, and Stats.ModelSkipped says
// why. The channel layout does not gate: each channel is coded as the
// mono signal the model was trained on. WithModelOnly overrides the gate.
// Decoding is unaffected: each frame's kind says which coder stored it.
//
// # Fallback coders
//
// Every channel of every frame is also coded without the model; the
// smallest coding is stored, so no frame is ever bigger than raw PCM:
//
//   - constant: all samples equal (digital silence, DC);
//   - verbatim: raw PCM;
//   - fixed-rice: FLAC's fixed polynomial predictors (order 0..4, chosen
//     by the sum of absolute residuals) with partitioned Rice codes;
//   - lpc: linear prediction (orders up to 32, integer coefficients per
//     block of the frame) with the residuals coded by an adaptive,
//     integer-only model in rANS. The encoder picks the blocks, windows,
//     orders and precisions by estimated cost (floating point); the
//     decoder uses only integers;
//   - cascade (version 4 on): backward-adaptive prediction that the
//     decoder repeats sample by sample (today one stage: least squares
//     over the last 32 samples, re-solved every 8), with the residuals
//     coded by the lpc coder's model with coarser contexts. Nothing is transmitted but a
//     variant number; the arithmetic is float64 with every operation
//     rounded on its own, so every machine computes the same bits.
//
// # Stream format (version 4; version 3 lacks the cascade coder, version 2 also differs in the coding order)
//
// All integers are little-endian. The header (73 bytes):
//
//	offset size field
//	0      4    magic "ARDM"
//	4      1    version (4; readers also accept 2 and 3)
//	5      32   model content hash (Predictor.Hash); all zero: no model
//	37     4    sample rate, Hz (1..2^30)
//	41     1    channels (1..8)
//	42     1    original bit depth (8, 16, 24 or 32)
//	43     8    samples per channel (int64), or -1 if unknown when written
//	51     4    frame length, samples per channel (1..2^20)
//	55     2    log2 of the branching factor b (1, 2, 4, 8 or 16 for b =
//	            2, 4, 16, 256 or 65536; 0 without a model)
//	57     4    budget: network calls per frame and channel (0: one per position)
//	61     8    order seed
//	69     4    CRC-32C (Castagnoli) of bytes 0..68
//
// Then frame records, one per frame (every channel), in order, and one
// end record. A frame record for C channels:
//
//	1      'F' (0x46)
//	4      n, samples per channel in this frame (1..frame length; only the
//	       last frame may be shorter)
//	5*C    per channel: coder (1 byte: 0 constant, 1 verbatim,
//	       2 fixed-rice, 3 model, 4 lpc, 5 cascade (not in versions 2
//	       and 3)), payload length (4 bytes, at most
//	       2*n*ceil(depth/8)+64)
//	4      CRC-32C of the frame's decoded PCM (see below)
//	4      CRC-32C of this record's bytes so far
//	...    the C payloads, channel 0 first
//
// The end record:
//
//	1      'E' (0x45)
//	8      samples per channel in the whole stream
//	16     MD5 of the whole decoded PCM
//	4      CRC-32C of this record's bytes so far
//
// The end record ends the stream: a byte after it is corruption (a stream
// appended to, or overwritten in place by a shorter one), unless the
// reader is told to leave such bytes unread (WithTrailingData).
//
// The checksums cover the PCM interleaved (sample i of channel 0, of
// channel 1, ..., then sample i+1), each sample as a two's-complement
// little-endian integer of ceil(depth/8) bytes, 8-bit samples signed
// (-128..127), which is what FLAC's MD5 covers. Frames decode
// independently, so a reader decodes them in parallel; every frame's CRC
// is checked as it is decoded and the MD5 at the end.
//
// Payloads:
//
//   - constant: the sample as a zig-zag varint (encoding/binary Uvarint).
//   - verbatim: n samples of ceil(depth/8) bytes, two's complement,
//     little-endian.
//   - fixed-rice: a bit stream, most significant bit first, zero-padded to
//     a byte: order (3 bits, 0..4), wasted bits w (5 bits: every sample is
//     a multiple of 2^w and is coded shifted right by w), order warm-up
//     samples (depth-w bits each, two's complement), partition order p
//     (4 bits, 0..8), then 2^p partitions of the n-order residuals
//     (partition j holds residuals j*m/2^p up to (j+1)*m/2^p, m = n-order),
//     each a Rice parameter k (6 bits, at most depth+5) and its residuals
//     zig-zag mapped, each a unary quotient (q zero bits, then a one) and
//     k low bits.
//   - model: the rANS stream: the final encoder state (8 bytes) followed by
//     the 32-bit words in the order the decoder reads them.
//   - lpc: a rANS stream laid out as the model's. Its symbols, in the
//     order the decoder reads them, are raw fields (k bits, each value of
//     probability 2^-k, coded in chunks of at most 16 bits, most
//     significant first: value v of a c-bit chunk is the range
//     [v<<(31-c), (v+1)<<(31-c)) of 2^31) and adaptive bits (below):
//     wasted bits w (5 bits, w < depth: every sample is a multiple of
//     2^w and y = x>>w is coded), lb (3 bits, 0..5: the frame is split
//     into B = 2^lb blocks, block j holding samples j*n/B up to
//     (j+1)*n/B, B <= n), then per block its order o (6 bits, 0..32) and
//     if o > 0 the precision p-1 (4 bits, p = 1..16), the shift s (5 bits)
//     and o coefficients q_1..q_o (p bits each, two's complement). Then
//     the n residuals e_i = y_i - pred_i in order: with the block's
//     predictor, pred_i = 0 if o = 0 or i = 0; y_(i-1) if i < o; else
//     (sum_j q_j*y_(i-j)) >> s (64-bit sum, arithmetic shift; the history
//     crosses block boundaries) clamped to the range of (depth-w)-bit
//     samples. Each residual is its class c = bits.Len(|e|) (at most
//     depth-w), the c-1 bits of |e| below its leading one, and if c > 0
//     the sign (1 raw bit, 1 = negative). The class is 6 adaptive bits,
//     most significant first, down a binary tree (node 1, then 2*node+bit)
//     chosen by the context min(bits.Len(M), 38), where M is a running
//     mean of |e| over the frame (M starts at 0 and after every residual
//     M += |e| - M>>3). Of the c-1 mantissa bits the first min(2, c-1) are
//     adaptive bits down a 3-node tree per class; the rest are raw.
//     An adaptive bit has two 16-bit estimates F and S of the probability
//     of a zero (2^-16 units, both starting at 2^15) and an update count
//     k (starting at 0, at most 7). It is coded with the frequency of a
//     zero f0 = ((F+S+1)>>1) << 15 out of 2^31 (a zero is [0, f0), a one
//     [f0, 2^31)). Then k = min(k+1, 7) and with r = min(k, 4) for F and
//     min(k, 7) for S, an estimate E moves E += (65535-E)>>r after a zero
//     and E -= E>>r after a one. Every model starts afresh in each frame.
//   - cascade: a rANS stream laid out as lpc's, with the same raw fields
//     and adaptive bits: wasted bits w (5 bits, w < depth; y = x>>w),
//     the variant v (3 bits; only v = 0 exists, larger is corrupt), then
//     the n residuals e_i = y_i - pred_i, each coded as an lpc residual
//     (the same model, starting afresh in each frame) except that the
//     class context is min(bits.Len(M), 38) >> 3: eight octaves of the
//     running mean share a tree, which a frame learns sooner. Variant 0
//     predicts by least squares with order N = 32, forgetting factor
//     l = 0.994, ridge r = 1e-7 and a solve every K = 8 samples, in IEEE
//     754 binary64 arithmetic with every operation rounded (no fused
//     multiply-add), in this order. The state, all zero at the frame's
//     start: weights w_1..w_N, a covariance R (N x N, upper triangle),
//     a vector b and the history h_j = y_(i-j) (0 before the frame).
//     pred_i is p = sum_j w_j*h_j, summed as s0 = the terms of odd j and
//     s1 = those of even j, each in increasing j, then s0+s1; NaN becomes
//     0, and p is clamped to the range of (depth-w)-bit samples and
//     rounded as floor(p+0.5). After y_i, with c = 1-l and g_j = c*h_j:
//     for j <= k, R_jk = l*R_jk + g_j*h_k and b_j = l*b_j + g_j*y_i;
//     then y_i joins the history, and after every K-th sample of the
//     frame w is solved from (R + d I) w = b, d = r*trace(R)/N + 1e-9,
//     by Cholesky: for rows i = 1..N and columns j = 1..i, s = R_ji
//     (+ d if i = j) minus L_ik*L_jk for k = 1..j-1 in order; L_ii =
//     sqrt(s), and if s is not > 0 the solve stops and w is kept; L_ij =
//     s/L_jj. Then forward substitution (u_i = (b_i - sum_(k<i)
//     L_ik*u_k)/L_ii) and back substitution (w_i = (u_i - sum_(k>i)
//     L_ki*w_k)/L_ii, i = N..1), sums in increasing k.
//
// # Errors
//
// A stream that does not start with the magic gives ErrMagic, another
// version an UnsupportedVersionError, a model with another hash a
// *WrongModelError naming the hash needed. Damage is a *CorruptInputError
// with the byte offset (matching io.ErrUnexpectedEOF when the stream is
// truncated), and decoded PCM that does not match its checksum a
// *ChecksumError (matching ErrChecksum). Every length is checked against
// the limits above before anything is allocated.
package coder
