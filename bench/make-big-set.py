#!/usr/bin/python3
"""A GoogleNews-sized set for make bench-big: 2,000,000 words x 300 made from
GloVe 6B 100d's real vectors, so that neighbours are structured, not noise.
Word i is GloVe word i mod 341,479 (with "_c" for copy c > 0); its vector is
that word's 100 values three times over, turned by a random rotation of 300
dimensions chosen for its copy, plus a little noise. Written as word2vec
binary (as the original tool writes it: word, space, float32s, newline).

    /usr/bin/python3 bench/make-big-set.py GLOVE100.TXT OUT.bin [N] [DIMS]
"""
import sys

import numpy as np

src, out = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 2_000_000
dims = int(sys.argv[4]) if len(sys.argv) > 4 else 300
words, rows = [], []
with open(src, encoding="utf-8", errors="replace") as f:
    for line in f:
        parts = line.rstrip("\n").split(" ")
        words.append(parts[0])
        rows.append(np.array(parts[1:], dtype=np.float32))
base = np.stack(rows)
reps = -(-dims // base.shape[1])
rng = np.random.default_rng(1)
copies = -(-n // len(words))
with open(out + ".tmp", "wb") as f:
    f.write(b"%d %d\n" % (n, dims))
    done = 0
    for c in range(copies):
        q, _ = np.linalg.qr(rng.standard_normal((dims, dims)))
        take = min(len(words), n - done)
        tiled = np.tile(base[:take], reps)[:, :dims]
        vecs = (tiled @ q.T.astype(np.float32) + 0.05 * rng.standard_normal((take, dims))).astype("<f4")
        for i in range(take):
            w = words[i] if c == 0 else "%s_%d" % (words[i], c)
            f.write(w.encode("utf-8") + b" " + vecs[i].tobytes() + b"\n")
        done += take
import os
os.rename(out + ".tmp", out)
print("make-big-set: %d words x %d in %s" % (n, dims, out))
