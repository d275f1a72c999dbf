#!/bin/sh
# The word2vec benchmark corpus (about 10 M words): the rendered section-1
# manual pages (bench/make-man-corpus.sh) and the King James Bible (Debian's
# bible-kjv), lowercased, punctuation dropped, a sentence a line -- the
# form word2vec and gensim's LineSentence read.
#   usage: make-train-corpus.sh OUT.txt
set -eu
out=${1:?usage: make-train-corpus.sh OUT.txt}
cd "$(dirname "$0")/.."
man=${MAN_CORPUS:-bench/data/man}
[ -d "$man" ] && [ -n "$(ls "$man")" ] || sh bench/make-man-corpus.sh "$man"
sh scripts/setup-deps.sh bible-kjv
{
	cat "$man"/*
	# every verse, without its reference
	bible -f "Genesis 1:1-Revelation 22:21" | sed 's/^[0-9A-Za-z]*[0-9]*:[0-9]* //'
} | tr 'A-Z' 'a-z' | sed -e 's/[.!?;:]\( \|$\)/\n/g' -e "s/[^a-z0-9' -]/ /g" | tr -s ' ' |
	sed -e 's/^ //' -e '/^ *$/d' > "$out.tmp"
mv "$out.tmp" "$out"
echo "make-train-corpus: $(wc -w < "$out") words, $(wc -l < "$out") sentences in $out"
