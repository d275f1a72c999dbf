#!/bin/sh
# The fastText models (the skip-gram one is examples/data/kjv-fasttext.bin,
# the others are under tests/data/fasttext/) and the answers Debian's
# fasttext tool gives for them, which tests/fasttext.sh checks vecsh against.
# The corpus is the King James Bible (Debian's bible-kjv, public domain),
# lowercased, a verse a line; the models are small on purpose (dim 8).
#   usage: tests/reference/make-fasttext-models.sh   (needs fasttext, bible-kjv)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/data/fasttext
sh "$top/scripts/setup-deps.sh" fasttext bible-kjv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
# every verse, without its reference, lowercased, punctuation dropped
bible -f "Genesis 1:1-Revelation 22:21" | sed 's/^[0-9A-Za-z]*[0-9]*:[0-9]* //' |
	tr 'A-Z' 'a-z' | sed "s/[^a-z0-9' -]/ /g" | tr -s ' ' | sed -e 's/^ //' -e '/^ *$/d' > "$work/kjv.txt"
# and each verse labelled with its book, for a supervised model
bible -f "Genesis 1:1-Revelation 22:21" | awk '{ b = tolower($1); sub(/[0-9]*:[0-9]*$/, "", b); $1 = ""; print "__label__" b $0 }' |
	tr 'A-Z' 'a-z' | sed "s/[^a-z0-9_' -]/ /g" | tr -s ' ' > "$work/kjv-books.txt"
common="-dim 8 -epoch 5 -minCount 5 -thread 1 -seed 1 -verbose 0"
fasttext skipgram -input "$work/kjv.txt" -output "$work/sg" $common -minn 3 -maxn 6 -bucket 10000
fasttext cbow -input "$work/kjv.txt" -output "$work/cbow" $common -maxn 0
fasttext supervised -input "$work/kjv-books.txt" -output "$work/sup" $common -minn 2 -maxn 4 -bucket 5000
fasttext quantize -input "$work/kjv-books.txt" -output "$work/sup" -qnorm -cutoff 2000 -dsub 2 -retrain -epoch 1 -thread 1 -verbose 0
cp "$work/sg.bin" "$top/examples/data/kjv-fasttext.bin"
cp "$work/cbow.bin" "$out/kjv-cbow.bin"
cp "$work/sup.ftz" "$out/kjv-books.ftz"
# the words asked about: in the dictionary, misspelt, unseen, non-ASCII, CJK
cat > "$out/words.txt" <<'WORDS'
god
lord
king
kingdom
jerusalem
shepherd
</s>
kingdum
jerusalm
shepherdd
pharoah
computer
internet
kingly
königreich
naïve
café
ελπίς
東京
天国
WORDS
fasttext print-word-vectors "$top/examples/data/kjv-fasttext.bin" < "$out/words.txt" > "$out/sg.vectors"
fasttext print-word-vectors "$out/kjv-cbow.bin" < "$out/words.txt" > "$out/cbow.vectors"
fasttext print-word-vectors "$out/kjv-books.ftz" < "$out/words.txt" > "$out/books.vectors"
# neighbours (fasttext nn prompts for each word: one line per answer kept)
nnwords="god kingdom jerusalm shepherdd königreich"
printf '%s\n' $nnwords | fasttext nn "$top/examples/data/kjv-fasttext.bin" 5 | sed 's/Query word? //g' | sed '/^$/d' > "$out/sg.nn"
printf '%s\n' god kingdom | fasttext nn "$out/kjv-cbow.bin" 5 | sed 's/Query word? //g' | sed '/^$/d' > "$out/cbow.nn"
# A B C asks for A - B + C (fasttext analogies never ends at the end of its
# input: its output is cut after the answers)
printf '%s\n' "king man woman" "egypt pharaoh israel" "jerusalm david solomon" |
	{ timeout 60 fasttext analogies "$top/examples/data/kjv-fasttext.bin" 5 || true; } | head -n 16 | sed 1d |
	sed 's/Query triplet (A - B + C)? //g' > "$out/sg.analogies"
fasttext print-ngrams "$top/examples/data/kjv-fasttext.bin" kingdom > "$out/sg.ngrams.kingdom"
fasttext print-ngrams "$top/examples/data/kjv-fasttext.bin" 東京 > "$out/sg.ngrams.tokyo"
echo "make-fasttext-models: $(ls "$out" | wc -l) files in $out ($(du -sh "$out" | cut -f1))"
