#!/bin/sh
# make bench-shape: t-SNE, UMAP and k-means of the demo set's words, vecsh
# against scikit-learn and umap-learn in the same run on the same unit
# vectors (vecsh's times are whole processes; the references' their fits
# only), with the trustworthiness (scikit-learn's, 10 neighbours) of every
# layout. BENCH_SHAPE_N=10000 words by default.
set -eu
cd "$(dirname "$0")/.."
. bench/blas-env.sh
n=${BENCH_SHAPE_N:-10000}
make --no-print-directory build/vecsh >/dev/null
sh scripts/setup-deps.sh python3-sklearn umap-learn
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp build/vecsh "$tmp/vecsh" # a rebuild during the run does not change what is timed
demo=examples/data/glove-demo.txt.gz
echo "$n words of $demo (unit vectors), $(nproc) cores"
t() { /usr/bin/time -f "%e" -o "$tmp/t" "$@" > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }; cat "$tmp/t"; }
s=$(t "$tmp/vecsh" -q --format tsv -c "load $demo as d" -c "project --method tsne --top $n --out $tmp/tsne.tsv")
kl=$(sed -n 's/^\([0-9.]*\)\t.*/\1/p' "$tmp/out" | head -1)
echo "vecsh  t-SNE (Barnes-Hut)   $s s   KL divergence $kl"
s=$(t "$tmp/vecsh" -q --format tsv -c "load $demo as d" -c "project --method umap --top $n --out $tmp/umap.tsv")
echo "vecsh  UMAP                 $s s"
s=$(t "$tmp/vecsh" -q --format tsv -c "load $demo as d" -c "cluster --top $n --k 50 --n-init 10")
echo "vecsh  k-means k=50, 10 runs $s s   inertia $(sed -n '2s/\t.*//p' "$tmp/out")"
/usr/bin/python3 - "$demo" "$n" "$tmp" <<'PY'
import gzip, sys, time, warnings, numpy as np
from sklearn.manifold import TSNE, trustworthiness
from sklearn.cluster import KMeans
warnings.filterwarnings('ignore')
rows = []
with gzip.open(sys.argv[1], 'rt', encoding='utf-8') as f:
    for i, line in enumerate(f):
        if i == int(sys.argv[2]):
            break
        rows.append(np.array(line.rstrip('\n').split(' ')[1:], dtype=np.float32))
X = np.vstack(rows)
X /= np.linalg.norm(X, axis=1)[:, None]
def layout(path):
    lines = open(path).read().splitlines()
    cols = lines[0].split('\t')
    return np.array([[float(r.split('\t')[cols.index('x')]), float(r.split('\t')[cols.index('y')])] for r in lines[1:]])
t = time.time(); ts = TSNE(init='pca', learning_rate='auto', random_state=0); Y = ts.fit_transform(X)
print("sklearn t-SNE (Barnes-Hut)   %.2f s   KL divergence %.6f" % (time.time() - t, ts.kl_divergence_))
print("trustworthiness: t-SNE vecsh %.4f, scikit-learn %.4f" % (trustworthiness(X, layout(sys.argv[3] + '/tsne.tsv')),
                                                             trustworthiness(X, Y)))
try:
    import umap
    t = time.time(); E = umap.UMAP(random_state=0).fit_transform(X)
    print("umap-learn %s UMAP       %.2f s (its first run compiles with numba)" % (umap.__version__, time.time() - t))
    print("trustworthiness: UMAP vecsh %.4f, umap-learn %.4f" % (trustworthiness(X, layout(sys.argv[3] + '/umap.tsv')),
                                                              trustworthiness(X, E)))
except ImportError:
    print("umap-learn is not installed: no UMAP reference")
t = time.time(); km = KMeans(n_clusters=50, n_init=10, random_state=0).fit(X)
print("sklearn k-means k=50, 10 runs %.2f s   inertia %.6f" % (time.time() - t, km.inertia_))
PY
