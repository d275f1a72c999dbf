#!/usr/bin/python3
# A reference for vecsh's UMAP (tests/unit/test_project.c): umap-learn (the
# implementation that defines UMAP; Debian's umap-learn package) on the unit
# vectors of the demo set's first 1,000 words with its defaults (15
# neighbours, min_dist 0.1, spectral start), for five seeds, and the
# trustworthiness (scikit-learn's, 10 neighbours) of each layout: vecsh's,
# with its own random numbers, must fall in their range.
#   usage: /usr/bin/python3 tests/reference/make-umap.py   (needs umap-learn and sklearn)
import gzip, os, warnings
import numpy as np
from sklearn.manifold import trustworthiness
import umap

warnings.filterwarnings('ignore')
top = os.path.dirname(os.path.abspath(__file__)) + '/../..'
rows = []
with gzip.open(top + '/examples/data/glove-demo.txt.gz', 'rt', encoding='utf-8') as f:
    for i, line in enumerate(f):
        if i == 1000:
            break
        rows.append(np.array(line.rstrip('\n').split(' ')[1:], dtype=np.float32))
X = np.vstack(rows)
X /= np.linalg.norm(X, axis=1)[:, None]
with open(top + '/tests/data/umap/trust.tsv', 'w') as f:
    f.write('# umap-learn %s, first 1000 words of glove-demo (unit vectors): seed, trustworthiness (10 neighbours)\n'
            % umap.__version__)
    for seed in range(5):
        E = umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=seed).fit_transform(X)
        f.write('%d\t%.6f\n' % (seed, trustworthiness(X, E, n_neighbors=10)))
