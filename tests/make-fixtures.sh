#!/bin/sh
# Make the test fixtures that are easier to build than to ship: binary and
# compressed files, and malformed variants of the small vector files.
#   usage: make-fixtures.sh DIR VECSH
set -eu
d=$1
vecsh=$2
cd "$d"
# the same small set in every format
"$vecsh" -q -c "load tiny.txt as t" -c "save t tiny.w2v.txt --format word2vec" \
	-c "save t tiny.bin --format word2vec-bin" -c "save t tiny.vecs"
gzip -9n -c tiny.txt > tiny.txt.gz
gzip -9n -c tiny.bin > tiny.bin.gz
cp tiny.w2v.txt tiny.vec
# malformed
head -c $(($(wc -c < tiny.bin) - 7)) tiny.bin > truncated.bin
head -c 200 tiny.vecs > truncated.vecs
head -c $(($(wc -c < tiny.txt.gz) / 2)) tiny.txt.gz > truncated.txt.gz
{ printf '\037\213\010\000\000\000\000\000\000\003'; printf 'garbage garbage garbage'; } > corrupt2.txt.gz
sed '1s/^12 /13 /' tiny.w2v.txt > header-more.w2v.txt
sed '1s/^12 /11 /' tiny.w2v.txt > header-fewer.w2v.txt
sed '1s/ 4$/ 0/' tiny.w2v.txt > dims-zero.w2v.txt
sed '1s/^12 4$/999999999999 4/' tiny.w2v.txt > count-huge.w2v.txt
sed '1s/^12 4$/12 99999999/' tiny.w2v.txt > dims-huge.w2v.txt
printf '999999999 300\nthe ' > count-huge.bin
# word cut in the middle of a UTF-8 sequence, as GoogleNews has
printf 'caf\303 0.1 0.2 0.3 0.4\nna\303\257ve 0.5 0.6 0.7 0.8\n\377bad 0.9 1.0 1.1 1.2\n' > badutf8.txt
# a duplicate word keeps its first vector
printf 'dup 1 0 0\nother 0 1 0\ndup 0 0 1\n' > duplicates.txt
# a vecs file with a damaged word table
cp tiny.vecs badtable.vecs
printf '\377\377\377\377' | dd of=badtable.vecs bs=1 seek=48 conv=notrunc 2>/dev/null
cp tiny.vecs badmagic.vecs
printf '\211VECX' | dd of=badmagic.vecs bs=1 seek=0 conv=notrunc 2>/dev/null
# the corpus gains a compressed page, a binary file and one that is not UTF-8
printf 'Jupiter is the largest planet, a gas giant with a great red storm and many moons.\n' |
	gzip -9n > corpus/space/jupiter.txt.gz
printf 'binary\000data\001\002' > corpus/binary.dat
printf 'na\357ve caf\351 latin-1 text about cats\n' > corpus/latin1.txt
mkdir -p emptydir
# a saved index, cut short
"$vecsh" -q -c "index c corpus" -c "save c full-index.vsix" 2>/dev/null
head -c 2000 full-index.vsix > truncated-index.vsix
rm -f full-index.vsix
