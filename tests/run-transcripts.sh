#!/bin/sh
# Run transcript tests (tests/*.test), in the manner of jq's tests/jq.test.
#
# A file holds cases separated by blank lines. In a case:
#   $ COMMAND     a line fed to vecsh on standard input
#   % ARGS        extra command-line arguments (default: -q --format tsv)
#   ! TEXT        a line expected on standard error
#   ? N           the expected exit status (default 0)
#   | TEXT        a line TEXT expected on standard output ("|" alone: a blank line)
#   anything else a line expected on standard output
# Lines starting with # between cases are comments. Cases run in a scratch
# directory holding tests/data and the fixtures made by tests/make-fixtures.sh,
# with $DEMO naming the demo vectors and $SHARED pointing to ../shared/data (cases naming it are skipped when it
# is absent).
#
#   usage: run-transcripts.sh VECSH FILE.test...
set -u
vecsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$top/tests/data/." "$work/"
export VECSH_CACHE="$work/cache" # images add keeps its caches there, not in the user's
sh "$top/tests/make-fixtures.sh" "$work" "$vecsh" || { echo "fixtures failed"; exit 1; }
shared="$top/../shared/data"
pass=0 fail=0 skip=0
for file in "$@"; do
	name=$(basename "$file")
	awk -v dir="$work/cases" '
		function flush() { if (n) close(dir "/" n ".in"); }
		BEGIN { n = 0; incase = 0; system("mkdir -p " dir) }
		/^$/ { incase = 0; next }
		!incase && /^#/ { next }
		{
			if (!incase) { n++; incase = 1; printf "" > (dir "/" n ".in"); printf "" > (dir "/" n ".out");
			               printf "" > (dir "/" n ".err"); printf "-q --format tsv" > (dir "/" n ".args");
			               printf "0" > (dir "/" n ".status"); printf "%d", NR > (dir "/" n ".line");
			               close(dir "/" n ".args"); close(dir "/" n ".status"); close(dir "/" n ".line") }
			if (substr($0, 1, 2) == "$ ") print substr($0, 3) >> (dir "/" n ".in");
			else if (substr($0, 1, 2) == "% ") { printf "%s", substr($0, 3) > (dir "/" n ".args"); close(dir "/" n ".args") }
			else if (substr($0, 1, 2) == "! ") print substr($0, 3) >> (dir "/" n ".err");
			else if (substr($0, 1, 2) == "? ") { printf "%s", substr($0, 3) > (dir "/" n ".status"); close(dir "/" n ".status") }
			else if ($0 == "|") print "" >> (dir "/" n ".out");
			else if (substr($0, 1, 2) == "| ") print substr($0, 3) >> (dir "/" n ".out");
			else print >> (dir "/" n ".out");
		}
		END { print n > (dir "/count") }
	' "$file"
	count=$(cat "$work/cases/count")
	i=1
	while [ "$i" -le "$count" ]; do
		c="$work/cases/$i"
		line=$(cat "$c.line")
		if grep -q '\$SHARED' "$c.in" "$c.args" && [ ! -d "$shared" ]; then
			echo "SKIP $name:$line (needs ../shared/data, absent)"
			skip=$((skip + 1))
			i=$((i + 1))
			continue
		fi
		subst="s#\$SHARED#$shared#g;s#\$DEMO#$top/examples/data/glove-demo.txt.gz#g"
		sed "$subst" "$c.in" > "$c.in2"
		args=$(sed "$subst" "$c.args")
		(cd "$work" && eval "\"$vecsh\" $args" < "$c.in2" > "$c.got" 2> "$c.goterr")
		status=$?
		# sanitizer reports are failures whatever the case expected
		if [ "$status" != "$(cat "$c.status")" ] || ! cmp -s "$c.got" "$c.out" || ! cmp -s "$c.goterr" "$c.err"; then
			echo "FAIL $name:$line (exit $status, expected $(cat "$c.status"))"
			sed 's/^/    in: /' "$c.in2"
			diff "$c.out" "$c.got" | sed 's/^/    stdout: /' | head -40
			diff "$c.err" "$c.goterr" | sed 's/^/    stderr: /' | head -40
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
		i=$((i + 1))
	done
	rm -rf "$work/cases"
done
echo "transcripts: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
