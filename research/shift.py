import numpy as np, glob, wave, os, sys
k = int(sys.argv[1]); out = sys.argv[2]
for f in sorted(glob.glob('../shared/data/sc09-real-dev/*/*.wav')):
    w = wave.open(f); x = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2').astype(np.int32)
    y = (x >> k).astype('<i2')
    d = os.path.join(out, os.path.relpath(f, '../shared/data/sc09-real-dev'))
    os.makedirs(os.path.dirname(d), exist_ok=True)
    o = wave.open(d, 'wb'); o.setnchannels(1); o.setsampwidth(2); o.setframerate(16000); o.writeframes(y.tobytes()); o.close()
