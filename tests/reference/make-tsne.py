#!/usr/bin/python3
# References for vecsh's t-SNE (tests/unit/test_project.c): scikit-learn's
# TSNE on the unit vectors of the demo set's first words, from the start
# vecsh takes (principal components with svd_flip's signs, the first scaled to
# a standard deviation of 1e-4), with its final KL divergence and the
# trustworthiness (10 neighbours) of its embedding; and, for the
# trustworthiness itself, a small embedding with scikit-learn's value.
#   usage: /usr/bin/python3 tests/reference/make-tsne.py   (needs sklearn)
import gzip, os
import numpy as np
from sklearn.manifold import TSNE, trustworthiness
from sklearn.utils.extmath import svd_flip

top = os.path.dirname(os.path.abspath(__file__)) + '/../..'
out = top + '/tests/data/tsne/'
rows = []
with gzip.open(top + '/examples/data/glove-demo.txt.gz', 'rt', encoding='utf-8') as f:
    for i, line in enumerate(f):
        if i == 2000:
            break
        rows.append(np.array(line.rstrip('\n').split(' ')[1:], dtype=np.float32))
V = np.vstack(rows)
U = V / np.linalg.norm(V, axis=1)[:, None]

def start(X):
    Xc = X.astype(np.float64) - X.mean(axis=0)
    u, s, vt = np.linalg.svd(Xc, full_matrices=False)
    u, vt = svd_flip(u, vt)
    y = (u[:, :2] * s[:2]).astype(np.float32)
    return y / np.std(y[:, 0]) * np.float32(1e-4)

with open(out + 'kl.tsv', 'w') as f:
    for n, method in ((2000, 'barnes_hut'), (300, 'exact')):
        X = U[:n]
        ts = TSNE(method=method, init=start(X), learning_rate='auto', random_state=0)
        Y = ts.fit_transform(X)
        f.write('%d\t%s\t%.6f\t%.6f\n' % (n, method, ts.kl_divergence_, trustworthiness(X, Y, n_neighbors=10)))
# trustworthiness: 200 points of the first 40 words' vectors and a rough 2-D picture of them
X = U[:200]
Y = (X[:, :2] + 0.3 * X[:, 2:4]).astype(np.float64)
with open(out + 'trust.tsv', 'w') as f:
    f.write('%.12f\n' % trustworthiness(X, Y, n_neighbors=10))
    for y in Y:
        f.write('%.17g\t%.17g\n' % (y[0], y[1]))
