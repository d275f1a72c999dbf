#!/bin/sh
# plot: the SVG parses as XML and holds one labelled point per word (and two
# arrows for an analogy); the PNG is a PNG; a failed plot leaves no file.
#   usage: plot.sh VECSH
set -u
vecsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail=0
"$vecsh" -q "$top/tests/data/tiny.txt" -c "plot king queen man woman apple car --out words.svg" \
	-c "plot --analogy man king woman queen --out analogy.svg" -c "plot --analogy man king woman queen --out a.png" \
	-c "nn apple -k 3" -c "plot" >/dev/null || fail=1
for f in words.svg analogy.svg vecsh-plot.svg; do
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$f" || { echo "FAIL plot: $f does not parse as XML"; fail=1; }
	fi
done
points=$(grep -c 'class="point"' words.svg)
[ "$points" = 6 ] || { echo "FAIL plot: words.svg has $points points, not 6"; fail=1; }
for w in king queen man woman apple car; do
	grep -q ">$w</text>" words.svg || { echo "FAIL plot: no label $w in words.svg"; fail=1; }
done
[ "$(grep -c 'class="arrow"' analogy.svg)" = 2 ] || { echo "FAIL plot: analogy.svg has no two arrows"; fail=1; }
[ "$(grep -c 'class="point"' vecsh-plot.svg)" = 4 ] || { echo "FAIL plot: the last result (apple and 3 neighbours) is not 4 points"; fail=1; }
[ "$(head -c 8 a.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "FAIL plot: a.png is not a PNG"; fail=1; }
# a title longer than the picture is wide (a legend of many values) wraps into lines that fit
{ printf 'word\tcolour\n'; for w in king queen man woman prince princess apple banana; do printf '%s\tvalue-of-%s\n' "$w" "$w"; done; } > many.tsv
"$vecsh" -q -c "load $top/tests/data/tiny.txt --meta many.tsv" \
	-c "plot king queen man woman prince princess apple banana --color colour --out legend.svg" > /dev/null || fail=1
sed -n 's/.*class="title"[^>]*>\([^<]*\)<.*/\1/p' legend.svg > title.txt
[ "$(wc -l < title.txt)" -ge 2 ] || { echo "FAIL plot: a long title is not wrapped: $(cat title.txt)"; fail=1; }
awk 'length($0) > 78 { bad = 1 } END { exit bad }' title.txt || { echo "FAIL plot: a title line is wider than the picture"; fail=1; }
grep -q "value-of-banana))" title.txt || { echo "FAIL plot: the wrapped title lost its end"; fail=1; }
"$vecsh" -q "$top/tests/data/tiny.txt" -c "plot king nosuch --out gone.svg" 2>/dev/null && fail=1
[ ! -e gone.svg ] && [ -z "$(ls | grep tmp)" ] || { echo "FAIL plot: a failed plot left a file"; ls; fail=1; }
# after cluster, points take their cluster's colour (two clusters, two colours
# of matplotlib's tab10), and cluster --out lists every word with its cluster
"$vecsh" -q "$top/tests/data/tiny.txt" -c "cluster king queen prince princess apple banana car --k 2 --out labels.tsv" \
	-c "plot king queen prince princess apple banana car --out clusters.svg" >/dev/null || fail=1
colours=$(grep 'class="point"' clusters.svg | sed 's/.*circle[^>]*fill="\(#[0-9a-f]*\)".*/\1/' | sort -u | tr '\n' ' ')
[ "$colours" = "#1f77b4 #ff7f0e " ] || { echo "FAIL plot: cluster colours are '$colours', not tab10's first two"; fail=1; }
[ "$(wc -l < labels.tsv)" = 8 ] && head -1 labels.tsv | grep -q '^word	cluster$' ||
	{ echo "FAIL plot: labels.tsv is not a header and 7 words"; cat labels.tsv; fail=1; }
# project --out and export projector: the files hold every word (and cluster)
"$vecsh" -q "$top/tests/data/tiny.txt" -c "cluster king queen prince princess apple banana car --k 2" \
	-c "project king queen prince princess apple banana car --out coords.tsv" \
	-c "export projector proj king queen prince princess apple banana car" >/dev/null || fail=1
[ "$(head -1 coords.tsv)" = "word	x	y	cluster" ] && [ "$(wc -l < coords.tsv)" = 8 ] ||
	{ echo "FAIL plot: coords.tsv is not a header and 7 rows"; cat coords.tsv; fail=1; }
[ "$(wc -l < proj/tensors.tsv)" = 7 ] && [ "$(awk -F'\t' '{ print NF }' proj/tensors.tsv | sort -u)" = 4 ] ||
	{ echo "FAIL plot: proj/tensors.tsv is not 7 rows of 4 values"; fail=1; }
[ "$(sed -n 2p proj/metadata.tsv | cut -f1)" = king ] && [ "$(wc -l < proj/metadata.tsv)" = 8 ] ||
	{ echo "FAIL plot: proj/metadata.tsv is not a header and 7 words"; fail=1; }
/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); e=c["embeddings"][0]; assert e["tensorShape"]==[7,4] and e["metadataPath"]=="metadata.tsv"' proj/projector_config.json 2>/dev/null ||
	grep -q '"tensorShape":	\[7, 4\]' proj/projector_config.json || { echo "FAIL plot: projector_config.json"; fail=1; }
# t-SNE: a point a word
"$vecsh" -q "$top/examples/data/glove-demo.txt.gz" -c "plot --method tsne --top 40 --perplexity 10 --out tsne.svg" >/dev/null || fail=1
[ "$(grep -c 'class="point"' tsne.svg)" = 40 ] || { echo "FAIL plot: tsne.svg has not 40 points"; fail=1; }
[ $fail -eq 0 ] && echo "plot: SVG (parsed by xmllint) and PNG written whole; points coloured by cluster; t-SNE"
exit $fail
