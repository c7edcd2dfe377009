"""Writes music-like test input for the classic coders (BENCHMARKS.md,
"Classic floor"): NUM clips (default 4) of 3 s, 44.1 kHz 16-bit stereo,
under OUT: three decaying harmonic tones with vibrato (a chord drawn per
clip) and a noisy percussive layer four times a second; the right channel
is 0.8 of the left plus a little noise. Seeded: the same files every run.

    python3 research/music_like.py OUT [NUM]
"""
import math
import os
import random
import struct
import sys
import wave


def clip(k, path):
    rnd = random.Random(k)
    sr = 44100
    n = 3 * sr
    notes = [rnd.choice([220, 247, 262, 294, 330, 349, 392, 440]) * rnd.choice([0.5, 1, 2]) for _ in range(3)]
    frames = bytearray()
    for i in range(n):
        t = i / sr
        v = 0.0
        for j, f in enumerate(notes):
            env = math.exp(-((t * 2 + j * 0.3) % 1.5) * 2)
            for h in range(1, 6):
                v += env * 0.15 / h * math.sin(2 * math.pi * f * h * t + 0.3 * math.sin(2 * math.pi * 5 * t))
        beat = (t * 4) % 1
        v += (rnd.random() - 0.5) * 0.3 * math.exp(-beat * 30)
        left = int(max(-32768, min(32767, v * 12000)))
        right = int(max(-32768, min(32767, (0.8 * v + (rnd.random() - 0.5) * 0.002) * 12000)))
        frames += struct.pack('<hh', left, right)
    with wave.open(path, 'wb') as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(bytes(frames))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    num = int(sys.argv[2]) if len(sys.argv) == 3 else 4
    os.makedirs(out, exist_ok=True)
    for k in range(num):
        clip(k, os.path.join(out, f'm{k}.wav'))


if __name__ == '__main__':
    main()
