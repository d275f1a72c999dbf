#!/bin/sh
# Text and word2vec binary files are read through a window (32 MiB; here a
# few KiB, so that rows, words and gzip blocks cross its edges many times),
# or mapped whole when plain and larger than the window ("map": whatever
# their size): every format, plain or gzip, gives the same set as a whole
# read would, and the errors name the same lines.
#   usage: stream.sh VECSH
set -u
vecsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
# 3,000 words of 20 values, some words long, as GloVe text
awk 'BEGIN { srand(7); for (i = 1; i <= 3000; i++) { w = "w" i; if (i % 97 == 0) for (k = 0; k < 300; k++) w = w "x";
	printf "%s", w; for (d = 0; d < 20; d++) printf " %.6f", rand() - 0.5; print "" } }' > g.txt
"$vecsh" -q -c "load g.txt as g" -c "save g w.txt --format word2vec" -c "save g w.bin --format word2vec-bin"
gzip -c g.txt > g.txt.gz
gzip -c w.bin > w.bin.gz
for f in g.txt w.txt w.bin g.txt.gz w.bin.gz; do
	for window in 0 4096 9000 map; do
		VECSH_STREAM_WINDOW=$window "$vecsh" -q --format tsv -c "load $f as s" -c "sets" -c "vec w1 w97$(printf 'x%.0s' $(seq 300)) w3000" \
			-c "nn w1500 -k 3" > "out.$window" 2>&1
	done
	if ! cmp -s out.0 out.4096 || ! cmp -s out.0 out.9000 || ! cmp -s out.0 out.map; then
		echo "FAIL stream: $f read through a small window differs"
		diff out.0 out.4096 | head -5
		fail=1
	fi
	grep -q "3000	20" out.0 || { echo "FAIL stream: $f: not 3000 words of 20"; head -3 out.0; fail=1; }
done
# a header that claims more rows than there are, and a bad value on a late line
sed '1s/^3000 /3001 /' w.txt > more.txt
awk 'NR == 2500 { $3 = "zz" } { print }' g.txt > bad.txt
for f in more.txt bad.txt; do
	"$vecsh" -q -c "load $f" > /dev/null 2> err.0
	VECSH_STREAM_WINDOW=4096 "$vecsh" -q -c "load $f" > /dev/null 2> err.4096
	VECSH_STREAM_WINDOW=map "$vecsh" -q -c "load $f" > /dev/null 2> err.map
	cmp -s err.0 err.4096 || { echo "FAIL stream: $f: the error differs through a small window"; cat err.0 err.4096; fail=1; }
	cmp -s err.0 err.map || { echo "FAIL stream: $f: the error differs when mapped"; cat err.0 err.map; fail=1; }
	[ -s err.0 ] || { echo "FAIL stream: $f loaded"; fail=1; }
done
# a line longer than the window is refused, naming it
{ printf '2 2\nshort 1 2\n'; head -c 10000 /dev/zero | tr '\0' a; printf ' 3 4\n'; } > long.txt
VECSH_STREAM_WINDOW=4096 "$vecsh" -q -c "load long.txt" > /dev/null 2> err.long
grep -q "long.txt: line 3: a line longer than 4096 bytes" err.long || { echo "FAIL stream: the long line"; cat err.long; fail=1; }
[ $fail -eq 0 ] && echo "stream: text and binary files, plain and gzip, read alike through any window"
exit $fail
