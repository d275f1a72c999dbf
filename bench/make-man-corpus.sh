#!/bin/sh
# The TF-IDF benchmark corpus: the rendered text of the section-1 manual
# pages (man -l PAGE | col -b), one file per page, in OUTDIR. When there are
# too few manual pages, the licence texts and the README files under
# /usr/share/doc are used instead.
#   usage: make-man-corpus.sh OUTDIR
set -eu
out=${1:?usage: make-man-corpus.sh OUTDIR}
mkdir -p "$out"
n=$(ls /usr/share/man/man1 2>/dev/null | wc -l)
if [ "$n" -lt 200 ] || ! command -v man >/dev/null; then
	echo "make-man-corpus: only $n manual pages; using /usr/share/doc and the licences" >&2
	find /usr/share/doc /usr/share/common-licenses -type f \( -name '*.gz' -o -name 'README*' -o -name 'copyright' \) |
		head -5000 | while read -r f; do
			name=$(printf '%s' "$f" | tr '/' '_')
			zcat -f "$f" > "$out/$name.txt" 2>/dev/null || true
		done
	exit 0
fi
ls /usr/share/man/man1 | xargs -P "$(nproc)" -I{} sh -c \
	'MANWIDTH=80 man -l "/usr/share/man/man1/{}" 2>/dev/null | col -b > "'"$out"'/{}.txt" 2>/dev/null || true'
find "$out" -size 0 -delete
echo "make-man-corpus: $(ls "$out" | wc -l) pages, $(du -sh "$out" | cut -f1)"
