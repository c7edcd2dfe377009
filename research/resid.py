import numpy as np, glob, wave
from scipy.linalg import solve_toeplitz
files = sorted(glob.glob('../shared/data/sc09-real-dev/*/*.wav'))
def load(f):
    w = wave.open(f); x = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2').astype(np.float64); return x
def lpc_pred(x, order=32, blk=1024):
    # per block of blk samples: order-32 LPC fitted to the Hann-windowed
    # block (with order samples of history), prediction rounded
    P = np.zeros_like(x)
    for a in range(0, len(x), blk):
        b = min(len(x), a+blk)
        seg = x[max(0,a-order):b]
        win = seg * np.hanning(len(seg)) if len(seg) > 8 else seg
        r = np.array([np.dot(win[:len(win)-k], win[k:]) for k in range(order+1)])
        if r[0] <= 0:
            c = np.zeros(order)
        else:
            r[0] *= 1.0001; r[0] += 1e-9
            c = solve_toeplitz(r[:order], r[1:order+1])
        for i in range(a, b):
            past = x[max(0,i-order):i][::-1]
            P[i] = np.round(np.dot(c[:len(past)], past))
    return P
def lpc_resid(x, order=32, blk=1024):
    return x - lpc_pred(x, order, blk)
def causal_scale(a, rate=8):
    # causal running mean of |e| (rate 1/8), as the classic coder adapts
    m = np.zeros_like(a); mu = a[:32].mean()
    for i in range(len(a)):
        m[i] = mu; mu += (a[i]-mu)/rate
    return m
def lap_cost(e, s):
    # discretized Laplace with mean abs s: P(k) for integer k, b = s
    b = np.maximum(s, 0.3)
    # cdf of laplace
    def cdf(v):
        return np.where(v < 0, 0.5*np.exp(v/b), 1-0.5*np.exp(-v/b))
    p = cdf(e+0.5) - cdf(e-0.5)
    return -np.log2(np.maximum(p, 1e-12))
if __name__ == '__main__':
    tot = {}
    N = 0
    for f in files:
        x = load(f)
        e = lpc_resid(x)
        a = np.abs(e)
        c_causal = lap_cost(e, causal_scale(a)).sum()
        for W in (8, 32, 128):
            k = np.ones(2*W+1); k[W] = 0
            s = np.convolve(a, k, 'same') / np.convolve(np.ones_like(a), k, 'same')
            tot.setdefault('noncausal%d'%W, 0.0); tot['noncausal%d'%W] += lap_cost(e, s).sum()
        tot.setdefault('causal', 0.0); tot['causal'] += c_causal
        N += len(x)
    for k, v in tot.items(): print(k, v/N)
