#!/usr/bin/python3
# Two small sets for align and compare (tests/data/align/): a.txt, the first
# 300 words of the demo set cut to 16 dimensions; b.txt, the same words
# turned by a random rotation with a little noise, except five words given
# other words' vectors (the ones that "moved"), and 20 words of its own
# instead of a's last 20. And the answers: r.tsv, scipy's
# orthogonal_procrustes on the shared words' unit vectors (a onto b), and
# moved.tsv, the shared words by cosine distance after the alignment.
#   usage: /usr/bin/python3 tests/reference/make-align.py   (needs scipy)
import gzip, os
import numpy as np
from scipy.linalg import orthogonal_procrustes

top = os.path.dirname(os.path.abspath(__file__)) + '/../..'
out = top + '/tests/data/align/'
words, rows = [], []
with gzip.open(top + '/examples/data/glove-demo.txt.gz', 'rt', encoding='utf-8') as f:
    for i, line in enumerate(f):
        if i == 320:
            break
        p = line.rstrip('\n').split(' ')
        words.append(p[0])
        rows.append(np.array(p[1:17], dtype=np.float32))
a = np.vstack(rows[:300])
rng = np.random.default_rng(42)
q, _ = np.linalg.qr(rng.standard_normal((16, 16)))
b = (a @ q + 0.05 * rng.standard_normal(a.shape)).astype(np.float32)
for w, other in ((10, 200), (50, 201), (120, 202), (180, 203), (250, 204)):
    b[w] = b[other][::-1]  # a vector unlike its own
bwords = words[:280] + words[300:320]
b[280:300] = (np.vstack(rows[300:320]) @ q).astype(np.float32)

def save(path, ws, m):
    with open(path, 'w') as f:
        for w, v in zip(ws, m):
            f.write(w + ' ' + ' '.join('%.6f' % x for x in v) + '\n')
save(out + 'a.txt', words[:300], a)
save(out + 'b.txt', bwords, b)
# read back as vecsh reads them (float32 of the decimals written)
def load(path):
    ws, vs = [], []
    for line in open(path):
        p = line.split()
        ws.append(p[0]); vs.append(np.array(p[1:], dtype=np.float32))
    return ws, np.vstack(vs)
aw, av = load(out + 'a.txt')
bw, bv = load(out + 'b.txt')
bidx = {w: i for i, w in enumerate(bw)}
shared = [w for w in aw if w in bidx]
unit = lambda m: m / np.linalg.norm(m, axis=1)[:, None]
A = unit(av[[aw.index(w) for w in shared]].astype(np.float64))
B = unit(bv[[bidx[w] for w in shared]].astype(np.float64))
r, _ = orthogonal_procrustes(A, B)
with open(out + 'r.tsv', 'w') as f:
    for row in r:
        f.write('\t'.join('%.12g' % x for x in row) + '\n')
dist = 1 - np.sum(unit(A @ r) * B, axis=1)
order = np.argsort(-dist, kind='stable')
with open(out + 'moved.tsv', 'w') as f:
    for i in order[:10]:
        f.write('%s\t%.6f\n' % (shared[i], dist[i]))
