#!/usr/bin/env python3
"""Compare vecsh's TF-IDF weights with scikit-learn's TfidfVectorizer on the
same documents and options: every non-zero weight of every document.

usage: sklearn_compare.py VECSH PATH [vecsh index options...]

PATH is a folder (one document per file) or, with --lines, a file. Prints the
largest absolute difference and the number of weights compared; exits 1 when
the vocabularies differ or a weight differs by more than 1e-6."""
import subprocess, sys, os
from sklearn.feature_extraction.text import TfidfVectorizer

vecsh, path, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
kw = {}
lines = '--lines' in opts
i = 0
while i < len(opts):
    o = opts[i]
    v = opts[i + 1] if i + 1 < len(opts) else None
    if o == '--ngram':
        a, b = v.split('-'); kw['ngram_range'] = (int(a), int(b)); i += 1
    elif o in ('--min-df', '--max-df'):
        kw[o[2:].replace('-', '_')] = float(v) if '.' in v else int(v); i += 1
    elif o == '--max-features':
        kw['max_features'] = int(v); i += 1
    elif o == '--stopwords':
        kw['stop_words'] = None if v == 'none' else v if v == 'english' else [w.strip() for w in open(v) if w.strip()]; i += 1
    elif o == '--sublinear':
        kw['sublinear_tf'] = True
    elif o == '--no-smooth':
        kw['smooth_idf'] = False
    elif o == '--norm':
        kw['norm'] = None if v == 'none' else v; i += 1
    elif o == '--lines':
        pass
    else:
        sys.exit(f"unsupported option {o}")
    i += 1

def run(cmds):
    p = subprocess.run([vecsh, '-q', '--format', 'tsv'], input='\n'.join(cmds) + '\n',
                       capture_output=True, text=True)
    if p.returncode:
        sys.exit(p.stderr)
    return p.stdout

idx = 'index c ' + ' '.join([f"'{path}'"] + [f"'{o}'" for o in opts])
docs = [l.split('\t') for l in run([idx, 'docs']).splitlines()[1:]]
names = [d[1] for d in docs]
if lines:
    text = open(path, encoding='utf-8', errors='replace').read().split('\n')
    corpus = [text[int(n.rsplit(':', 1)[1]) - 1] for n in names]
else:
    import gzip
    def read(p):
        with (gzip.open(p, 'rb') if p.endswith('.gz') else open(p, 'rb')) as f:
            return f.read().decode('utf-8', errors='replace')
    corpus = [read(os.path.join(path, n)) for n in names]
vec = TfidfVectorizer(**kw)
X = vec.fit_transform(corpus).tocsr()
terms = vec.get_feature_names_out()
out = run([idx] + [f'keywords {d[0]} -k 100000000' for d in docs])
mine = {}
doc = -1
cols = {}
for line in out.splitlines():
    f = line.split('\t')
    if f[:2] == ['doc', 'rank'] or f[:2] == ['rank', 'term']:  # a header (the document's column first)
        doc += 1
        cols = {name: i for i, name in enumerate(f)}
        continue
    mine[(doc, f[cols['term']])] = float(f[cols['weight']])
vocab = run([idx, 'terms']).splitlines()[1:]
mine_terms = [l.split('\t')[0] for l in vocab]
if list(terms) != mine_terms:
    a, b = set(terms), set(mine_terms)
    print(f"vocabularies differ: {len(terms)} vs {len(mine_terms)}; only sklearn: {sorted(a - b)[:10]} only vecsh: {sorted(b - a)[:10]}")
    sys.exit(1)
worst, n = 0.0, 0
ref = {}
for d in range(X.shape[0]):
    row = X.getrow(d)
    for j, w in zip(row.indices, row.data):
        ref[(d, terms[j])] = w
for key in set(ref) | set(mine):
    diff = abs(ref.get(key, 0.0) - mine.get(key, 0.0))
    worst = max(worst, diff)
    n += 1
print(f"{len(corpus)} documents, {len(terms)} terms, {n} weights compared, largest difference {worst:.2e}")
sys.exit(0 if worst <= 1e-6 else 1)
