#!/bin/sh
# make bench-tfidf: index throughput at corpus scale, vecsh and scikit-learn's
# TfidfVectorizer.fit_transform in the same run on the same files: the
# rendered manual pages (bench/make-man-corpus.sh) and about 300 MB of them
# copied with per-copy word changes (bench/make-big-corpus.sh). vecsh is timed
# over the whole command (a process that starts, reads, builds and exits);
# scikit-learn over its fit_transform. Then queries on the big index; then a
# gigabyte (BENCH_TFIDF_HUGE_MB=1000), in memory and straight into its file
# (--to, two memory sizes), and the same as one file of one document a line.
#   BENCH_TFIDF_MB=300 sets the big corpus's size.
set -eu
cd "$(dirname "$0")/.."
. bench/blas-env.sh
make --no-print-directory build/vecsh build/libvecsh.a >/dev/null
sh scripts/setup-deps.sh python3-sklearn
man=${MAN_CORPUS:-bench/data/man}
big=bench/data/man${BENCH_TFIDF_MB:-300}
[ -d "$man" ] && [ -n "$(ls "$man")" ] || sh bench/make-man-corpus.sh "$man"
[ -d "$big" ] || sh bench/make-big-corpus.sh "$man" "$big" "${BENCH_TFIDF_MB:-300}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp build/vecsh "$tmp/vecsh" # a rebuild during the run does not change what is timed
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc -o "$tmp/bench_tfidf" bench/bench_tfidf.c build/libvecsh.a -Wl,--undefined=vs_blas_choose_kernels \
	$(pkg-config --libs openblas zlib libutf8proc libcjson cairo fontconfig libpng libjpeg stb) -lm $(test -f /usr/lib/x86_64-linux-gnu/libmvec.so && echo -lmvec) -pthread
echo "vecsh $(git describe --always --dirty 2>/dev/null || echo) on $(nproc) cores"
for corpus in "$man" "$big"; do
	cat "$corpus"/* "$corpus"/*/* > /dev/null 2>&1 || true # into the page cache
	for r in 1 2 3; do
		"$tmp/vecsh" -c "index m $corpus" 2>&1 | sed -n 's/^indexed m: //p'
	done | sort -t'(' -k2 -n | sed -n 2p | sed "s|^|vecsh  $corpus (median of 3): |"
	/usr/bin/python3 - "$corpus" <<'PY'
import os, sys, time, resource
from sklearn.feature_extraction.text import TfidfVectorizer
root = sys.argv[1]
files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
files = [os.path.join(root, f) for f in files]
mb = sum(os.path.getsize(f) for f in files) / 1e6
reps = 3 if mb < 100 else 1
times = []
for _ in range(reps):
    t = time.perf_counter()
    X = TfidfVectorizer(input='filename', decode_error='replace').fit_transform(files)
    times.append(time.perf_counter() - t)
times.sort()
s = times[len(times) // 2]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
print(f"scikit-learn {root} (median of {reps}): {X.shape[0]} documents, {X.shape[1]} terms, {mb:.1f} MB in {s:.2f} s "
      f"({mb / s:.0f} MB/s), peak memory {peak:.0f} MB")
PY
done
BENCH_ONCE=1 "$tmp/bench_tfidf" "$big" "$tmp"

# A corpus of a gigabyte (BENCH_TFIDF_HUGE_MB), built in memory and with --to
# (postings on disk, the inverted ones 256 MB and 64 MB at a time): time and
# peak memory as vecsh reports them (the build's) and as the kernel counts
# them for the whole process (/usr/bin/time's maximum resident set).
huge=bench/data/man${BENCH_TFIDF_HUGE_MB:-1000}
[ -d "$huge" ] || sh bench/make-big-corpus.sh "$man" "$huge" "${BENCH_TFIDF_HUGE_MB:-1000}"
find "$huge" -type f -exec cat {} + > /dev/null
for how in "" "--to $tmp/huge.vsix" "--to $tmp/huge.vsix --memory 64M"; do
	/usr/bin/time -f "whole process: %e s, maximum resident %M KB" "$tmp/vecsh" -c "index m $huge $how" 2>&1 |
		sed 's/^indexed m[^:]*: //' | paste -sd' ' | sed "s|^|vecsh  $huge ${how:-(in memory)}: |"
done
/usr/bin/time -f "whole process: %e s, maximum resident %M KB" "$tmp/vecsh" -c "load $tmp/huge.vsix" \
	-c "search patent license -k 1" 2>&1 | grep -E "loaded|whole" | paste -sd' ' | sed 's|^|vecsh  load and search: |'

# The same gigabyte as one file of one document a line (a dump of one article
# a line): read in pieces by every thread, with --lines.
/usr/bin/python3 - "$huge" "$tmp/lines.txt" <<'PY'
import os, sys
with open(sys.argv[2], 'wb') as out:
    for d, _, fs in sorted(os.walk(sys.argv[1])):
        for f in sorted(fs):
            out.write(open(os.path.join(d, f), 'rb').read().replace(b'\n', b' ').replace(b'\r', b' ') + b'\n')
PY
for how in "" "--to $tmp/lines.vsix --memory 64M"; do
	/usr/bin/time -f "whole process: %e s, maximum resident %M KB" "$tmp/vecsh" -c "index m $tmp/lines.txt --lines $how" 2>&1 |
		sed 's/^indexed m[^:]*: //' | paste -sd' ' | sed "s|^|vecsh  one file, one document a line ${how:-(in memory)}: |"
done
