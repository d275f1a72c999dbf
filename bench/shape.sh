#!/bin/sh
# make bench-shape: t-SNE and k-means of the demo set's words, vecsh and
# scikit-learn in the same run on the same unit vectors (whole processes;
# scikit-learn's time is its fit only). BENCH_SHAPE_N=10000 words by default.
set -eu
cd "$(dirname "$0")/.."
n=${BENCH_SHAPE_N:-10000}
make --no-print-directory build/vecsh >/dev/null
sh scripts/setup-deps.sh python3-sklearn
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp build/vecsh "$tmp/vecsh" # a rebuild during the run does not change what is timed
demo=examples/data/glove-demo.txt.gz
echo "$n words of $demo (unit vectors), $(nproc) cores"
t() { /usr/bin/time -f "%e" -o "$tmp/t" "$@" > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }; cat "$tmp/t"; }
s=$(t "$tmp/vecsh" -q --format tsv -c "load $demo as d" -c "project --method tsne --top $n")
kl=$(sed -n 's/^\([0-9.]*\)\t.*/\1/p' "$tmp/out" | head -1)
echo "vecsh  t-SNE (Barnes-Hut)   $s s   KL divergence $kl"
s=$(t "$tmp/vecsh" -q --format tsv -c "load $demo as d" -c "cluster --top $n --k 50 --n-init 10")
echo "vecsh  k-means k=50, 10 runs $s s   inertia $(sed -n '2s/\t.*//p' "$tmp/out")"
/usr/bin/python3 - "$demo" "$n" <<'PY'
import gzip, sys, time, numpy as np
from sklearn.manifold import TSNE
from sklearn.cluster import KMeans
rows = []
with gzip.open(sys.argv[1], 'rt', encoding='utf-8') as f:
    for i, line in enumerate(f):
        if i == int(sys.argv[2]):
            break
        rows.append(np.array(line.rstrip('\n').split(' ')[1:], dtype=np.float32))
X = np.vstack(rows)
X /= np.linalg.norm(X, axis=1)[:, None]
t = time.time(); ts = TSNE(init='pca', learning_rate='auto', random_state=0); ts.fit_transform(X)
print("sklearn t-SNE (Barnes-Hut)   %.2f s   KL divergence %.6f" % (time.time() - t, ts.kl_divergence_))
t = time.time(); km = KMeans(n_clusters=50, n_init=10, random_state=0).fit(X)
print("sklearn k-means k=50, 10 runs %.2f s   inertia %.6f" % (time.time() - t, km.inertia_))
PY
