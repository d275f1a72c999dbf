#!/bin/sh
# Files changed underneath a running vecsh: a loaded .vecs set, a saved index
# and a CLIP-free set truncated by another program while mapped. The session
# survives: the command that met the change fails naming the file, what came
# from it is unloaded, and the next commands work.
#   usage: faults.sh VECSH
set -u
vecsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap '' PIPE # a vecsh that died must not take this script with it
cd "$work" || exit 1
fail=0
"$vecsh" -q -c "load '$top/tests/data/tiny.txt'" -c "save tiny t.vecs" -c "index c '$top/tests/data/corpus'" \
	-c "save c c.vsix" 2>/dev/null
# the big enough set that a truncation drops pages the query reads
awk 'BEGIN { srand(1); for (i = 1; i <= 20000; i++) { printf "w%d", i; for (d = 0; d < 50; d++) printf " %.4f", rand() - 0.5; print "" } }' > big.txt
"$vecsh" -q -c "load big.txt" -c "save big big.vecs"
mkfifo in
"$vecsh" -q --format tsv < in > out.txt 2> err.txt &
pid=$!
exec 3> in
send() { printf '%s\n' "$1" >&3; sleep 0.3; }
send "load big.vecs"
send "load c.vsix"
truncate -s 4096 big.vecs
truncate -s 4096 c.vsix
send "nn w1 -k 2"
send "search cats -k 1"
send "sets"
send "load t.vecs"
send "nn king -k 1"
exec 3>&-
wait $pid
status=$?
check() { grep -qF -- "$2" "$1" || { echo "FAIL faults: $1 lacks: $2"; fail=1; }; }
check err.txt "big.vecs changed on disk while it was mapped"
check err.txt "big is unloaded"
check err.txt "c.vsix changed on disk while it was mapped"
check out.txt "1	prince	0.997652"
if grep -q "big" out.txt; then echo "FAIL faults: the damaged set is still listed"; fail=1; fi
[ "$status" = 1 ] || { echo "FAIL faults: exit status $status, expected 1"; fail=1; }
[ $fail -eq 0 ] || { sed 's/^/    out: /' out.txt; sed 's/^/    err: /' err.txt; }
# a text file rewritten and truncated by another program while it is loaded:
# each load either reads the whole file or fails naming it; the session lives
loads=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do loads="$loads -c 'load victim.txt as v$i'"; done
for how in read map; do # read through the window, and mapped (as a large file is)
	cp big.txt victim.txt
	( i=0; while [ $i -lt 40 ]; do cp big.txt victim.txt; truncate -s 3000 victim.txt; i=$((i + 1)); done ) &
	writer=$!
	[ $how = map ] && export VECSH_STREAM_WINDOW=map
	eval "\"$vecsh\" -q $loads -c sets" > victim.out 2> victim.err
	vstatus=$?
	unset VECSH_STREAM_WINDOW
	wait $writer
	[ $vstatus -le 1 ] || { echo "FAIL faults: loading a text file rewritten underneath ($how) ended with status $vstatus"; fail=1; }
	if grep -v "victim.txt" victim.err | grep -q .; then
		echo "FAIL faults: an error while loading a changing text file ($how) does not name it"; cat victim.err; fail=1
	fi
done
# a save onto a full filesystem fails and leaves the old file as it was
mkdir full
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256k tmpfs full 2>/dev/null; then
	"$vecsh" -q -c "load t.vecs" -c "save t full/s.vecs"
	before=$(cksum < full/s.vecs)
	if "$vecsh" -q -c "load big.txt" -c "save big full/s.vecs" 2> save.err; then
		echo "FAIL faults: a save onto a full filesystem succeeded"
		fail=1
	fi
	grep -q "No space left on device" save.err || { echo "FAIL faults: the full disk is not named"; cat save.err; fail=1; }
	[ "$(cksum < full/s.vecs)" = "$before" ] || { echo "FAIL faults: the old file was changed"; fail=1; }
	[ "$(ls full | wc -l)" = 1 ] || { echo "FAIL faults: a temporary file was left"; ls full; fail=1; }
	umount full
else
	echo "SKIP faults: a full filesystem needs root and a tmpfs mount"
fi
# under an address-space limit, eval analogies says it has no room for BLAS's
# buffers (OpenBLAS itself would retry its mmap for ever)
case "$vecsh" in
*/asan/*) echo "SKIP faults: ulimit -v and AddressSanitizer's shadow memory do not mix" ;;
*)
	( ulimit -v 200000; cd "$top/tests/data" && timeout 20 "$vecsh" -q -c "load tiny.txt" -c "eval analogies analogies.txt" ) \
		> ulimit.out 2>&1
	grep -q "the address-space limit (ulimit -v) leaves no room" ulimit.out ||
		{ echo "FAIL faults: under ulimit -v, eval analogies did not say so"; cat ulimit.out; fail=1; }
	;;
esac
[ $fail -eq 0 ] && echo "faults: mapped files truncated underneath are errors naming them, the session goes on; a full disk keeps the old file"
exit $fail
