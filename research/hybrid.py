# Prices the top 4, 8, 12 and 16 bits of every dev sample under resid.py's
# causal LPC + Laplace model, given the full-precision past: the mass of
# the Laplace over the sample's bin at each precision.
import numpy as np
from resid import files, load, lpc_pred, causal_scale

def cdf(v, b):
    with np.errstate(over='ignore'):
        return np.where(v < 0, 0.5*np.exp(v/b), 1-0.5*np.exp(-v/b))

tot = {}; N = 0
for f in files:
    x = load(f); p = lpc_pred(x)
    b = np.maximum(causal_scale(np.abs(x - p)), 0.3)
    for k in (4, 8, 12, 16):
        w = 2**(16-k)
        lo = np.floor(x / w) * w
        hi = lo + w - 1
        pr = cdf(hi - p + 0.5, b) - cdf(lo - p - 0.5, b)
        tot[k] = tot.get(k, 0) + (-np.log2(np.maximum(pr, 1e-12))).sum()
    N += len(x)
for k in sorted(tot): print('top %2d bits given full past: %.3f' % (k, tot[k]/N))
