#!/bin/sh
# vecsh against Debian's fasttext tool on the same models (made, with the
# tool's answers, by tests/reference/make-fasttext-models.sh): every word's
# vector (in the dictionary, misspelt, unseen, non-ASCII, CJK) to the 5
# significant digits fastText prints, the same neighbours in the same order,
# the same analogies, the same n-grams; a supervised quantized model refused,
# then read with --supervised.
#   usage: fasttext.sh VECSH
set -u
vecsh=$1
top=$(cd "$(dirname "$0")/.." && pwd)
d=$top/tests/data/fasttext
sg=$top/examples/data/kjv-fasttext.bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL fasttext: $*"; fail=1; }

# vectors MODEL REF [LOAD OPTIONS]: vec of every word, against print-word-vectors
vectors() {
	model=$1 ref=$2 opts=${3:-}
	set -- -q --format tsv -c "load $model as m $opts"
	while read -r w; do set -- "$@" -c "vec $w"; done < "$d/words.txt"
	"$vecsh" "$@" > "$work/vec.out" 2> "$work/vec.err"
	# a word vecsh refuses must be one fastText gives the zero vector
	awk -v name="$(basename "$model")" -v errs="$work/vec.err" '
		function abs(x) { return x < 0 ? -x : x }
		function tol(x, e) { if (x == 0) return 1e-6; e = int(log(abs(x)) / log(10) + 100) - 100
			if (10 ^ e > abs(x)) e--; return 0.5 * 10 ^ (e - 4) + 6e-7 }
		FNR == NR { if ($1 != "word") { got[$1] = $2; for (i = 3; i <= NF; i++) got[$1] = got[$1] " " $i } ; next }
		{
			sub(/ +$/, ""); $0 = $0 # fastText ends each line with a space
			w = $1
			if (!(w in got)) {
				for (i = 2; i <= NF; i++) if ($i != 0) { print "FAIL fasttext: " name ": " w " refused, fastText gives it a vector"; bad = 1; next }
				refused++; next
			}
			n = split(got[w], v, " ")
			if (n != NF - 1) { print "FAIL fasttext: " name ": " w ": " n " values, fastText " NF - 1; bad = 1; next }
			for (i = 2; i <= NF; i++)
				if (abs(v[i - 1] - $i) > tol($i)) { print "FAIL fasttext: " name ": " w " value " i - 1 ": " v[i - 1] ", fastText " $i; bad = 1; next }
			same++
		}
		END { printf "fasttext: %s: %d vectors equal to print-word-vectors, %d zero vectors refused\n", name, same, refused; exit bad }
	' FS='[\t ]+' "$work/vec.out" "$ref" || fail=1
}
vectors "$sg" "$d/sg.vectors"
vectors "$d/kjv-cbow.bin" "$d/cbow.vectors"
vectors "$d/kjv-books.ftz" "$d/books.vectors" --supervised

# neighbours MODEL REF K WORD...: nn of each word, against fasttext nn
neighbours() {
	model=$1 ref=$2 k=$3
	shift 3
	words=$*
	set -- -q --format tsv -c "load $model as m"
	for w in $words; do set -- "$@" -c "nn $w -k $k"; done
	"$vecsh" "$@" 2> "$work/nn.err" | grep -v "^rank" | cut -f2,3 | tr '\t' ' ' > "$work/nn.out"
	compare_ranked "$(basename "$model") nn" "$work/nn.out" "$ref"
}
compare_ranked() { # what vecsh fasttext: same words in order, scores within 1e-5
	awk -v what="$1" 'function abs(x) { return x < 0 ? -x : x }
		FNR == NR { w[FNR] = $1; s[FNR] = $2; n = FNR; next }
		{ m = FNR; if (w[FNR] != $1 || abs(s[FNR] - $2) > 1e-5) { print "FAIL fasttext: " what " line " FNR ": vecsh " w[FNR] " " s[FNR] ", fastText " $1 " " $2; bad = 1 } }
		END { if (n != m) { print "FAIL fasttext: " what ": " n " lines, fastText " m; bad = 1 }
			if (!bad) printf "fasttext: %s: %d neighbours as fasttext lists them\n", what, m; exit bad }' "$2" "$3" || fail=1
}
neighbours "$sg" "$d/sg.nn" 5 god kingdom jerusalm shepherdd königreich
neighbours "$d/kjv-cbow.bin" "$d/cbow.nn" 5 god kingdom
# fasttext analogies A B C is A - B + C: vecsh's analogy B A C
"$vecsh" -q --format tsv -c "load $sg as m" -c "analogy man king woman -k 5" -c "analogy pharaoh egypt israel -k 5" \
	-c "analogy david jerusalm solomon -k 5" 2> "$work/an.err" | grep -v "^rank" | cut -f2,3 | tr '\t' ' ' > "$work/an.out"
compare_ranked "analogies" "$work/an.out" "$d/sg.analogies"

# subwords lists print-ngrams' n-grams, in its order
for f in kingdom:sg.ngrams.kingdom 東京:sg.ngrams.tokyo; do
	w=${f%%:*}
	"$vecsh" -q --format tsv -c "load $sg as m" -c "subwords $w" | sed 1d | cut -f1 > "$work/ngrams.out"
	cut -d' ' -f1 "$d/${f#*:}" > "$work/ngrams.ref"
	cmp -s "$work/ngrams.out" "$work/ngrams.ref" || { bad "subwords $w differs from print-ngrams"; diff "$work/ngrams.out" "$work/ngrams.ref"; }
done

# a classifier is refused unless asked for, naming the file
if "$vecsh" -q -c "load $d/kjv-books.ftz" 2> "$work/sup.err"; then bad "a supervised model loaded without --supervised"; fi
grep -q "kjv-books.ftz: a supervised fastText model (a classifier with 66 labels)" "$work/sup.err" ||
	{ bad "the supervised model's refusal"; cat "$work/sup.err"; }
[ $fail -eq 0 ] && echo "fasttext: vecsh's vectors, neighbours, analogies and n-grams equal the fasttext tool's"
exit $fail
