import numpy as np, glob, wave, sys
from scipy.linalg import solve_toeplitz
files = sorted(glob.glob('../shared/data/sc09-real-dev/*/*.wav'))
def load(f):
    w = wave.open(f); return np.frombuffer(w.readframes(w.getnframes()), dtype='<i2').astype(np.float64)
def lpc_pred(x, order=32, blk=1024):
    P = np.zeros_like(x)
    for a in range(0, len(x), blk):
        b = min(len(x), a+blk)
        seg = x[max(0,a-order):b]
        win = seg * np.hanning(len(seg)) if len(seg) > 8 else seg
        r = np.array([np.dot(win[:len(win)-k], win[k:]) for k in range(order+1)])
        if r[0] <= 0: c = np.zeros(order)
        else:
            r[0] *= 1.0001; r[0] += 1e-9
            c = solve_toeplitz(r[:order], r[1:order+1])
        for i in range(a, b):
            past = x[max(0,i-order):i][::-1]
            P[i] = np.round(np.dot(c[:len(past)], past))
    return P
def cdf(v, b):
    return np.where(v < 0, 0.5*np.exp(v/b), 1-0.5*np.exp(-v/b))
tot = {}; N = 0
for f in files:
    x = load(f); p = lpc_pred(x); e = x - p
    a = np.abs(e); m = np.zeros_like(a); mu = a[:32].mean()
    for i in range(len(a)):
        m[i] = mu; mu += (a[i]-mu)/8
    b = np.maximum(m, 0.3)
    for k in (4, 8, 12, 16):
        w = 2**(16-k)
        lo = np.floor(x / w) * w
        hi = lo + w - 1
        pr = cdf(hi - p + 0.5, b) - cdf(lo - p - 0.5, b)
        tot[k] = tot.get(k, 0) + (-np.log2(np.maximum(pr, 1e-12))).sum()
    N += len(x)
for k in sorted(tot): print('top %2d bits given full past: %.3f' % (k, tot[k]/N))
