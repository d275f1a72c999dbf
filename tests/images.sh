#!/bin/sh
# images add: the cache re-embeds only new or changed files; unreadable
# images are skipped and listed; search and like rank the set. Uses the random
# checkpoint and images the fixtures make (skips without numpy, PIL or ../shared).
#   usage: images.sh VECSH
set -u
vecsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$top/tests/data/." "$work/"
sh "$top/tests/make-fixtures.sh" "$work" "$vecsh" >/dev/null 2>&1
if [ ! -d "$work/clipmodel" ] || [ ! -d "$work/images" ]; then
	echo "SKIP images (needs python3 with numpy and PIL, and ../shared/data/clip)"
	exit 0
fi
cd "$work"
export VECSH_CACHE="$work/cache"
mkdir -p pics/sub
cp images/noise.png images/smooth.jpg images/grey.png pics/
cp images/small.bmp pics/sub/
printf 'not an image' > pics/broken.png
fail=0
run() { "$vecsh" -c "clip load clipmodel" -c "images add pics" "$@" 2>&1; }
out=$(run)
echo "$out" | grep -q "4 images (4 embedded, 0 from the cache)" || { echo "FAIL images: first add: $out"; fail=1; }
echo "$out" | grep -q "skipped 1 unreadable images: broken.png" || { echo "FAIL images: the broken image is not listed: $out"; fail=1; }
out=$(run)
echo "$out" | grep -q "4 images (0 embedded, 4 from the cache)" || { echo "FAIL images: second add: $out"; fail=1; }
sleep 1
cp images/alpha.png pics/grey.png   # a changed file
cp images/exact.png pics/new.png    # a new one
out=$(run)
echo "$out" | grep -q "5 images (2 embedded, 3 from the cache)" || { echo "FAIL images: after changes: $out"; fail=1; }
# the cached embeddings are the embeddings: like finds the image itself first
out=$("$vecsh" -q --format tsv -c "clip load clipmodel" -c "images add pics" -c "images like pics/sub/small.bmp -k 1" 2>&1)
echo "$out" | grep -q "^1	sub/small.bmp	1.000000" || { echo "FAIL images: like: $out"; fail=1; }
[ $fail -eq 0 ] && echo "images: add, the cache (new, changed, unchanged files), skipped images, like"
exit $fail
