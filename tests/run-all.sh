#!/bin/sh
# Every test against one build directory (build or build/asan): unit tests,
# transcripts, the examples, and the check that the man page documents every
# command. Prints a closing "N passed, N failed" line.
#   usage: run-all.sh BUILDDIR
set -u
b=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
pass=0 fail=0 skip=0
note() { printf '%s\n' "$*"; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); note "FAIL: $*"; }

note "== unit tests ($b)"
for t in "$b"/unit/test_*; do
	[ -x "$t" ] || continue
	if "$t" > "$b/unit.log" 2>&1; then ok; else bad "$t"; cat "$b/unit.log"; fi
	grep -E '^\[  (PASSED|FAILED)' "$b/unit.log" | sed "s#^#  $(basename "$t"): #"
done

note "== transcripts ($b)"
if sh tests/run-transcripts.sh "$b/vecsh" tests/*.test > "$b/transcripts.log" 2>&1; then ok; else bad transcripts; fi
cat "$b/transcripts.log"

note "== interactive ($b)"
if sh tests/interactive.sh "$b/vecsh"; then ok; else bad interactive; fi
if sh tests/browse.sh "$b/vecsh"; then ok; else bad browse; fi
if sh tests/plot.sh "$b/vecsh"; then ok; else bad plot; fi
if sh tests/images.sh "$b/vecsh"; then ok; else bad images; fi
if sh tests/faults.sh "$b/vecsh"; then ok; else bad faults; fi
if sh tests/fasttext.sh "$b/vecsh"; then ok; else bad fasttext; fi
if sh tests/stream.sh "$b/vecsh"; then ok; else bad stream; fi
if sh tests/pgvector.sh "$b/vecsh"; then ok; else bad pgvector; fi

note "== examples ($b)"
# run from the project's folder: a script's relative paths are its own folder's
for ex in examples/*.vsh; do
	need=$(sed -n 's/^# needs: //p' "$ex")
	if [ -n "$need" ] && [ ! -e "$need" ]; then
		note "SKIP $ex (needs $need, absent)"
		skip=$((skip + 1))
		continue
	fi
	if "$b/vecsh" -q --bail -f "$ex" > "$b/example.out" 2> "$b/example.err" && [ ! -s "$b/example.err" ]; then
		ok
		note "ok   $ex ($(wc -l < "$b/example.out") lines of output)"
	else
		bad "$ex"
		cat "$b/example.err"
	fi
done

note "== fuzz reproducers ($b)"
# every input fuzzing ever found, through its harness (the transcripts run the
# same files through the commands)
for d in tests/fuzz/crashes/*/; do
	h=$(basename "$d")
	if [ -x "$b/replay/$h" ] && "$b/replay/$h" "$d"* > "$b/replay.log" 2>&1; then
		ok
		note "ok   $h: $(ls "$d" | wc -l) reproducers"
	else
		bad "fuzz reproducers of $h"
		cat "$b/replay.log"
	fi
done
# and through the commands a user would type: refused with a message (status
# 1), never a crash or a sanitizer report
for f in tests/fuzz/crashes/vectors/* tests/fuzz/crashes/index/* tests/fuzz/crashes/npy/* \
	tests/fuzz/crashes/eval/* tests/fuzz/crashes/script/* tests/fuzz/crashes/image/*; do
	[ -f "$f" ] || continue
	case "$f" in
	*/vectors/* | */index/*) cmd="load $f" ;;
	*/npy/*) cmd="load $f --labels tests/data/labels-none" ;;
	*/eval/*) cmd="eval pairs $f" ;;
	*/image/*) cmd="images add $(dirname "$f")" ;;
	*/script/*) cmd="" ;;
	esac
	if [ -n "$cmd" ]; then
		"$b/vecsh" -q tests/data/tiny.txt -c "$cmd" > "$b/replay.log" 2>&1
	else
		"$b/vecsh" -q -f "$f" > "$b/replay.log" 2>&1
	fi
	st=$?
	if [ $st -le 1 ] && ! grep -q "Sanitizer\|runtime error" "$b/replay.log"; then
		ok
	else
		bad "the command on $f (exit $st)"
		cat "$b/replay.log"
	fi
done

note "== layers ($b)"
if python3 tests/check-layers.py "$b"; then ok; else bad layers; fi

note "== man page ($b)"
if sh tests/check-man.sh "$b/vecsh"; then ok; else bad "man page"; fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
