#!/usr/bin/python3
# References for vecsh's k-means (tests/unit/test_viz.c): scikit-learn's
# KMeans (algorithm "lloyd", n_init 1) from given initial centres, on the
# unit vectors (gensim's get_normed_vectors) of the demo set's first words.
#   usage: /usr/bin/python3 tests/reference/make-kmeans.py   (needs sklearn)
# Writes tests/data/kmeans/CASE.tsv: "init" (the rows whose vectors are the
# initial centres), "inertia", "iterations", then "label WORD LABEL" and
# "center J V1 V2 ..." lines.
import gzip, os
import numpy as np
from sklearn.cluster import KMeans

top = os.path.dirname(os.path.abspath(__file__)) + '/../..'
words, rows = [], []
with gzip.open(top + '/examples/data/glove-demo.txt.gz', 'rt', encoding='utf-8') as f:
    for i, line in enumerate(f):
        if i == 1000:
            break
        p = line.rstrip('\n').split(' ')
        words.append(p[0])
        rows.append(np.array(p[1:], dtype=np.float32))
vectors = np.vstack(rows)
normed = vectors / np.linalg.norm(vectors, axis=1)[:, None]
# (case, points, initial centres as rows): the first k rows; and a repeated
# row, so that a cluster is empty at once and takes the farthest point
cases = [('first-10', 1000, list(range(10))), ('empty', 300, [0, 0, 1, 2, 3, 4, 5, 6])]
for name, n, init in cases:
    X = normed[:n]
    km = KMeans(n_clusters=len(init), init=X[init], n_init=1, algorithm='lloyd').fit(X)
    with open('%s/tests/data/kmeans/%s.tsv' % (top, name), 'w') as out:
        out.write('points\t%d\n' % n)
        out.write('init\t%s\n' % ' '.join(map(str, init)))
        out.write('inertia\t%.9g\n' % km.inertia_)
        out.write('iterations\t%d\n' % km.n_iter_)
        for w, l in zip(words[:n], km.labels_):
            out.write('label\t%s\t%d\n' % (w, l))
        for j, c in enumerate(km.cluster_centers_):
            out.write('center\t%d\t%s\n' % (j, ' '.join('%.9g' % v for v in c)))
