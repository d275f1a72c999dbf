#!/bin/sh
# fastText models: opening a .bin and answering from it, vecsh against the
# fasttext tool (Debian's 0.9.2) on the same file, in the same run. The model
# is trained here by fasttext on the word2vec benchmark corpus with
# cc.en.300.bin's layout (300 dimensions, 2,000,000 buckets, n-grams 3 to 6):
# its input matrix is 2.4 GB (cc.en.300.bin's is 7.2 GB: 2 M words more).
#   usage: bench/fasttext.sh   (make bench-fasttext; BENCH_FT_DIM=100 for a smaller model)
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-deps.sh fasttext
dim=${BENCH_FT_DIM:-300}
corpus=bench/data/train-corpus.txt
[ -f "$corpus" ] || sh bench/make-train-corpus.sh "$corpus"
model=bench/data/ft-cbow-$dim.bin
if [ ! -f "$model" ]; then
	echo "bench-fasttext: training $model with fasttext (cbow, one epoch; minutes)"
	fasttext cbow -input "$corpus" -output "${model%.bin}" -dim "$dim" -epoch 1 -thread "$(nproc)" -verbose 0
	rm -f "${model%.bin}.vec"
fi
make --no-print-directory build/vecsh >/dev/null
vecsh=build/vecsh
cat "$model" > /dev/null # in the page cache for both
secs() { /usr/bin/time -f %e -o "$tmp/t" "$@" > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }; cat "$tmp/t"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
best() { # best of three runs: best CMD...
	b=""
	for i in 1 2 3; do
		t=$(secs "$@")
		b=$(echo "$b $t" | awk '{ m = $1; for (i = 2; i <= NF; i++) if ($i < m) m = $i; print m }')
	done
	echo "$b"
}
echo "model: $model, $(du -h "$model" | cut -f1), $(nproc) cores"
v_load=$(best $vecsh -q -c "load $model as m")
f_load=$(best sh -c "fasttext print-word-vectors $model < /dev/null")
echo "open the model (whole process)      vecsh $v_load s   fasttext $f_load s   ($(echo "$f_load $v_load" | awk '{ printf "%.1fx", $1 / $2 }'))"
v_oov=$(best $vecsh -q -c "load $model as m" -c "vec kingdum")
f_oov=$(best sh -c "echo kingdum | fasttext print-word-vectors $model")
echo "open + an unseen word's vector       vecsh $v_oov s   fasttext $f_oov s   ($(echo "$f_oov $v_oov" | awk '{ printf "%.1fx", $1 / $2 }'))"
v_nn=$(best $vecsh -q -c "load $model as m" -c "nn king -k 10" -c "nn kingdum -k 10")
f_nn=$(best sh -c "printf 'king\nkingdum\n' | fasttext nn $model 10")
echo "open + nn of two words               vecsh $v_nn s   fasttext $f_nn s   ($(echo "$f_nn $v_nn" | awk '{ printf "%.1fx", $1 / $2 }'))"
# the answers agree
$vecsh -q --format tsv -c "load $model as m" -c "nn kingdum -k 5" | sed 1d | cut -f2 > "$tmp/v.nn"
printf 'kingdum\n' | fasttext nn "$model" 5 | sed 's/Query word? //g' | sed '/^$/d' | cut -d' ' -f1 > "$tmp/f.nn"
if cmp -s "$tmp/v.nn" "$tmp/f.nn"; then echo "nn kingdum: the same 5 neighbours in the same order"; else
	echo "nn kingdum differs:"; paste "$tmp/v.nn" "$tmp/f.nn"; fi
$vecsh -q -c "load $model as m" -c "info m" | grep -E "^(memory|input rows|words) "
