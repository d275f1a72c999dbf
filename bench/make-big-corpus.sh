#!/bin/sh
# A corpus of about SIZE_MB megabytes for make bench-tfidf: copies of the
# manual-page corpus, each in a folder of its own with its own word changes
# (in copy k, every word that starts with the k-th letter of a cycle gets the
# suffix "k"), so the copies' vocabularies differ as real collections do.
#   usage: make-big-corpus.sh MAN_CORPUS OUTDIR [SIZE_MB]
set -eu
src=${1:?usage: make-big-corpus.sh MAN_CORPUS OUTDIR [SIZE_MB]}
out=${2:?usage: make-big-corpus.sh MAN_CORPUS OUTDIR [SIZE_MB]}
size=${3:-300}
per=$(du -sm --apparent-size "$src" | cut -f1)
copies=$(( (size + per - 1) / per ))
mkdir -p "$out"
letters=etaoinshrdlucmfwyp
k=0
while [ $k -lt "$copies" ]; do
	l=$(printf '%s' "$letters" | cut -c$(( k % ${#letters} + 1 )))
	mkdir -p "$out/copy$k"
	( cd "$src" && ls ) | xargs -P "$(nproc)" -n 200 sh -c '
		l=$1 k=$2 src=$3 dst=$4; shift 4
		for f; do sed -E "s/\b($l[a-z]+)/\1$k/g" "$src/$f" > "$dst/$f"; done' sh "$l" "$k" "$src" "$out/copy$k"
	k=$((k + 1))
done
echo "make-big-corpus: $copies copies, $(du -sh --apparent-size "$out" | cut -f1)"
