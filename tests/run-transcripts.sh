#!/bin/sh
# Run transcript tests (tests/*.test), in the manner of jq's tests/jq.test:
# every command is followed by its own expected output.
#
# A file holds cases separated by blank lines; each case is one vecsh run.
#   % ARGS        extra command-line arguments (default: -q --format tsv)
#   $ COMMAND     a line fed to vecsh on standard input; the lines after it
#                 are what that command prints
#   < COMMAND     a line fed to standard input that is never run (after quit,
#                 or after a failure with --bail)
#   ! TEXT        a line expected on standard error, where it comes
#   | TEXT        a line TEXT expected on standard output ("|" alone: a blank
#                 line; "| vecsh> CMD" for a command echoed from -c or -f)
#   ? N           the expected exit status (default 0)
#   ~ TOL         numbers in the output (in tables or JSON) may differ by TOL
#                 (floating point that depends on the BLAS kernels of the
#                 processor: float32 scores to 2e-6 turn their sixth decimal)
#   anything else a line expected on standard output
# Lines starting with # between cases are comments.
#
# vecsh runs with --echo, so its output holds "vecsh> COMMAND" before each
# command's output, and the check is made twice: standard output and standard
# error each as expected, and both merged in the expected order. A failure
# names the case and the command whose output differs.
#
# Cases run in a scratch directory holding tests/data and the fixtures made by
# tests/make-fixtures.sh, with $DEMO naming the demo vectors and $SHARED
# pointing to ../shared/data (cases naming it are skipped when it is absent),
# and $PGQ the PostgreSQL test server's URI ready for "table=..." (set by
# tests/pgvector.sh, which runs tests/pg/*.test; cases naming it are skipped
# without it), $PGSERVER the server as errors name it (the URI up to '?').
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
pgq_sed=$(printf '%s' "${PGQ:-}" | sed 's/[&#\\]/\\&/g') # (& and # are sed's own in a replacement)
pgq=${PGQ:-}
pgs_sed=$(printf '%s' "${pgq%%\?*}" | sed 's/[&#\\]/\\&/g')  # the server, as errors name it

# Split a .test file into cases: N.in (stdin), N.out (stdout, with echoes),
# N.err (stderr), N.all (both, merged), N.map (for each line of N.all, the
# test file's line of the command it belongs to), N.args, N.status, N.tol,
# N.line (where the case starts).
split_cases() {
	awk -v dir="$work/cases" '
		function start() {
			n++; incase = 1; cmdline = NR
			for (k in f) { printf "" > (dir "/" n "." f[k]); close(dir "/" n "." f[k]) }
			printf "-q --format tsv" > (dir "/" n ".args"); close(dir "/" n ".args")
			printf "0" > (dir "/" n ".status"); close(dir "/" n ".status")
			printf "0" > (dir "/" n ".tol"); close(dir "/" n ".tol")
			printf "%d", NR > (dir "/" n ".line"); close(dir "/" n ".line")
		}
		function put(file, text) { print text >> (dir "/" n "." file) }
		function both(file, text) { put(file, text); put("all", text); put("map", cmdline) }
		BEGIN { n = 0; incase = 0; split("in out err all map", f, " "); system("mkdir -p " dir) }
		/^$/ { incase = 0; next }
		!incase && /^#/ { next }
		{
			if (!incase) start()
			tag = substr($0, 1, 2); rest = substr($0, 3)
			if (tag == "$ ") {
				put("in", rest); cmdline = NR
				c = rest; sub(/^[ \t]+/, "", c)
				if (c != "" && substr(c, 1, 1) != "#") both("out", "vecsh> " rest)
			}
			else if (tag == "< ") put("in", rest)
			else if (tag == "% ") { printf "%s", rest > (dir "/" n ".args"); close(dir "/" n ".args") }
			else if (tag == "! ") both("err", rest)
			else if (tag == "? ") { printf "%s", rest > (dir "/" n ".status"); close(dir "/" n ".status") }
			else if (tag == "~ ") { printf "%s", rest > (dir "/" n ".tol"); close(dir "/" n ".tol") }
			else if ($0 == "|") both("out", "")
			else if (tag == "| ") { if (substr(rest, 1, 7) == "vecsh> ") cmdline = NR; both("out", rest) }
			else both("out", $0)
		}
		END { print n > (dir "/count") }
	' "$1"
}

# same EXPECTED GOT TOL: equal, numbers within TOL of each other
same() {
	[ "$3" = 0 ] && { cmp -s "$1" "$2"; return; }
	awk -v tol="$3" '
		function num(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
		function abs(x) { return x < 0 ? -x : x }
		NR == FNR { want[FNR] = $0; nw = FNR; next }
		{
			ng = FNR
			if (!(FNR in want)) { bad = 1; exit }
			a = want[FNR]; b = $0
			if (a == b) next
			na = split(a, x, /[\t ,:{}"[\]]+/); nb = split(b, y, /[\t ,:{}"[\]]+/) # tables and JSON
			if (na != nb) { bad = 1; exit }
			for (i = 1; i <= na; i++)
				if (x[i] != y[i] && !(num(x[i]) && num(y[i]) && abs(x[i] - y[i]) <= tol)) { bad = 1; exit }
		}
		END { exit bad || ng != nw }
	' "$1" "$2"
}

# The test file's line of the command whose output first differs in N.all.
blame() {
	i=$(awk 'NR == FNR { w[FNR] = $0; n = FNR; next } $0 != w[FNR] { print FNR; found = 1; exit }
	         END { if (!found) print (FNR < n ? FNR + 1 : n) }' "$1.all" "$1.gotall")
	sed -n "${i}p" "$1.map"
}

for file in "$@"; do
	name=$(basename "$file")
	split_cases "$file"
	count=$(cat "$work/cases/count")
	i=1
	while [ "$i" -le "$count" ]; do
		c="$work/cases/$i"
		line=$(cat "$c.line")
		i=$((i + 1))
		if grep -q '\$SHARED' "$c.in" "$c.args" && [ ! -d "$shared" ]; then
			echo "SKIP $name:$line (needs ../shared/data, absent)"
			skip=$((skip + 1))
			continue
		fi
		if grep -q 'clip load clipmodel' "$c.in" "$c.args" && [ ! -d "$work/clipmodel" ]; then
			echo "SKIP $name:$line (needs the CLIP fixture: numpy and ../shared/data)"
			skip=$((skip + 1))
			continue
		fi
		if grep -q '\$PGQ' "$c.in" "$c.args" && [ -z "${PGQ:-}" ]; then
			echo "SKIP $name:$line (needs the PostgreSQL test server: tests/pgvector.sh)"
			skip=$((skip + 1))
			continue
		fi
		subst="s#\$PGQ#$pgq_sed#g;s#\$PGSERVER#$pgs_sed#g;s#\$SHARED#$shared#g;s#\$DEMO#$top/examples/data/glove-demo.txt.gz#g;s#\$EXAMPLES#$top/examples/data#g"
		for x in in out err all; do sed "$subst" "$c.$x" > "$c.$x.s" && mv "$c.$x.s" "$c.$x"; done
		args=$(sed "$subst" "$c.args")
		tol=$(cat "$c.tol")
		(cd "$work" && eval "\"$vecsh\" --echo $args" < "$c.in" > "$c.got" 2> "$c.goterr")
		status=$?
		(cd "$work" && eval "\"$vecsh\" --echo $args" < "$c.in" > "$c.gotall" 2>&1)
		# sanitizer reports are failures whatever the case expected
		if [ "$status" = "$(cat "$c.status")" ] && same "$c.out" "$c.got" "$tol" && cmp -s "$c.goterr" "$c.err" &&
		   same "$c.all" "$c.gotall" "$tol"; then
			pass=$((pass + 1))
			continue
		fi
		echo "FAIL $name:$(blame "$c") (the case at line $line; exit $status, expected $(cat "$c.status"))"
		diff "$c.out" "$c.got" | sed 's/^/    stdout: /' | head -40
		diff "$c.err" "$c.goterr" | sed 's/^/    stderr: /' | head -40
		if same "$c.out" "$c.got" "$tol" && cmp -s "$c.goterr" "$c.err"; then
			echo "    standard output and error are as expected, but not in this order:"
			diff "$c.all" "$c.gotall" | sed 's/^/    both: /' | head -40
		fi
		fail=$((fail + 1))
	done
	rm -rf "$work/cases"
done
echo "transcripts: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
