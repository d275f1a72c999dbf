#!/bin/sh
# vecsh against a real PostgreSQL wire-protocol server with the real pgvector
# extension: PGlite (installed from npm into build/pglite, started here on a
# free port, stopped at the end), or the server $VECSH_TEST_PG names.
#  - the transcripts of tests/pg/*.test (PGlite: they name its version)
#  - nn, analogy and rank on a table equal to the same set in memory (exact),
#    and the HNSW index's recall@10 (at least 0.95), reported
#  - a filter, real[] and halfvec columns against the server's own SQL; rows
#    of another length; a table with no vector column
#  - the password never shown; libpq's key=value words; wrong credentials;
#    a server that is not there
#  - a dropped connection: made again once; when it cannot be, that command
#    fails and the session goes on
#  - completion of labels and browse at a terminal (tmux)
#   usage: pgvector.sh VECSH
name=pgvector
. "$(dirname "$0")/tmux-lib.sh"
. "$top/tests/pg/lib.sh"
proxy_pid=
trap 'pg_stop; [ -n "$proxy_pid" ] && kill $proxy_pid 2>/dev/null; tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
bad() { echo "FAIL pgvector: $*"; fail=1; }
demo=$top/examples/data/glove-demo.txt.gz
pg_start
case $? in 0) ;; 2) exit 0 ;; *) exit 1 ;; esac
cd "$top/tests/data" || exit 1
v() { "$vecsh" -q --format tsv "$@"; }

if [ "$PGKIND" = pglite ]; then
	PGQ=$PGQ sh "$top/tests/run-transcripts.sh" "$vecsh" "$top"/tests/pg/*.test || fail=1
else
	echo "pgvector: transcripts skipped (they name PGlite's version; \$VECSH_TEST_PG is another server)"
fi

# ---- equal to the set in memory
v -c "load $demo as demo --limit 2000" -c "save demo ${PGQ}table=vecsh_test_demo --replace --index hnsw" ||
	bad "save demo"
zcat "$demo" | head -2000 | awk 'NR % 20 == 1 { print $1 }' > "$work/words"
awk '{ print "nn " $1 " -k 10" }' "$work/words" > "$work/nn.vsh"
awk '{ w[NR] = $1 } END { for (i = 1; i + 2 <= NR && i < 60; i += 3) print "analogy " w[i] " " w[i + 1] " " w[i + 2] " -k 5" }' \
	"$work/words" > "$work/analogy.vsh"
awk '{ w[NR] = $1 } END { for (i = 1; i + 1 <= NR && i < 60; i += 2) print "rank " w[i] " " w[i + 1] }' \
	"$work/words" > "$work/rank.vsh"
cat "$work/nn.vsh" "$work/analogy.vsh" "$work/rank.vsh" > "$work/all.vsh"
v -c "load $demo as demo --limit 2000" -f "$work/all.vsh" > "$work/local.out" 2>&1 || bad "the local queries failed"
v -c "load ${PGQ}table=vecsh_test_demo --exact" -f "$work/all.vsh" > "$work/exact.out" 2>&1 || bad "the table's queries failed"
v -c "load ${PGQ}table=vecsh_test_demo" -f "$work/nn.vsh" > "$work/hnsw.out" 2>&1 || bad "the HNSW queries failed"
# same words in the same order, scores within 1e-6 (2e-6 as printed: the last digit may round the other
# way; notes about the table set aside)
grep -v "PostgreSQL" "$work/exact.out" > "$work/exact.rows"
awk 'function abs(x) { return x < 0 ? -x : x }
	NR == FNR { want[FNR] = $0; n = FNR; next }
	{ split(want[FNR], a, "\t"); split($0, b, "\t")
	  if (a[1] != b[1] || a[2] != b[2] || (a[3] != b[3] && abs(a[3] - b[3]) > 2e-6)) { print "line " FNR ": " want[FNR] " | " $0; bad++ } }
	END { if (FNR != n) { print "lines: " n " vs " FNR; bad++ }; exit bad > 0 }' "$work/local.out" "$work/exact.rows" ||
	bad "a table's answers (exact) differ from the set's in memory"
queries=$(wc -l < "$work/nn.vsh")
recall=$(grep -v PostgreSQL "$work/hnsw.out" | awk -v n="$queries" '
	NR == FNR { if ($1 == "rank") q++; else if (q <= n) want[q, $2] = 1; next }
	{ if ($1 == "rank") q++; else if (want[q, $2]) hit++ }
	END { printf "%.4f", hit / (n * 10) }' q=0 "$work/local.out" q=0 -)
echo "pgvector: $queries nn, $(wc -l < "$work/analogy.vsh") analogy and $(wc -l < "$work/rank.vsh") rank queries on a table equal to the set in memory (exact); HNSW recall@10 $recall"
awk -v r="$recall" 'BEGIN { exit !(r >= 0.95) }' || bad "HNSW recall@10 $recall is under 0.95"

# compare WORD: the set and its table side by side, the same; --moved (every row) refused
v -c "load $demo as demo --limit 2000" -c "load ${PGQ}table=vecsh_test_demo as t --exact" -c "compare demo t king -k 5" \
	-c "compare demo t --moved" > "$work/cmp.out" 2> "$work/cmp.err"
awk -F'\t' '$1 != "rank" && ($2 != $4 || $3 != $5) { bad = 1 } END { exit bad || NR != 6 }' "$work/cmp.out" ||
	bad "compare of a set and its table differs: $(cat "$work/cmp.out")"
grep -q "aligning reads every row here, and t is a table in PostgreSQL" "$work/cmp.err" ||
	bad "compare --moved on a table: $(cat "$work/cmp.err")"

# ---- a filter, real[] and halfvec columns, against the server's own SQL
pg_sql -c "DROP TABLE IF EXISTS vecsh_test_items, vecsh_test_ragged, vecsh_test_novec, vecsh_test_zero" \
	-c "CREATE TABLE vecsh_test_zero (id int PRIMARY KEY, name text, v vector(3))" \
	-c "INSERT INTO vecsh_test_zero VALUES (1, 'a', '[1,0,0]'), (2, 'b', '[1,1,0]'), (3, 'z', '[0,0,0]')" \
	-c "CREATE TABLE vecsh_test_items AS SELECT id AS item_id, label AS title, embedding, CASE WHEN id % 2 = 0 THEN 'even' ELSE 'odd' END AS parity, embedding::real[] AS arr, embedding::halfvec(100) AS half FROM vecsh_test_demo" \
	-c "CREATE TABLE vecsh_test_ragged (label text, v real[])" \
	-c "INSERT INTO vecsh_test_ragged VALUES ('a', '{1,2,3}'), ('b', '{1,2}')" \
	-c "CREATE TABLE vecsh_test_novec (label text, n int)" > "$work/psql.log" || { bad "psql set-up"; cat "$work/psql.log"; }
# server SQL: the k nearest to a row (itself left out), by a column
server_nn() { # COLUMN CAST WHERE WORD K
	pg_sql -c "SELECT title FROM vecsh_test_items WHERE title <> '$4' $3 ORDER BY $1 <=> (SELECT $1 FROM vecsh_test_items WHERE title = '$4')$2 LIMIT $5"
}
vecsh_nn() { # URI-KEYS WORD K
	v -c "load ${PGQ}table=vecsh_test_items&label=title$1 --exact" -c "nn $2 -k $3" | awk -F'\t' '$1 != "rank" && !/PostgreSQL/ { print $2 }'
}
even=$(pg_sql -c "SELECT title FROM vecsh_test_items WHERE parity = 'even' ORDER BY item_id LIMIT 1 OFFSET 20")
[ "$(vecsh_nn "&vector=embedding&where=parity%3Deven" "$even" 10)" = "$(server_nn embedding "" "AND parity = 'even'" "$even" 10)" ] ||
	bad "nn with where=parity=even differs from the server's SQL"
[ "$(vecsh_nn "&vector=arr" queen 10)" = "$(server_nn "arr::vector" "::vector" "" queen 10)" ] ||
	bad "nn on a real[] column differs from the server's SQL"
[ "$(vecsh_nn "&vector=half" paris 10)" = "$(server_nn half "" "" paris 10)" ] ||
	bad "nn on a halfvec column differs from the server's SQL"
# a row named by its id column (id=item_id: the table has no primary key)
third=$(pg_sql -c "SELECT title FROM vecsh_test_items WHERE item_id = 3")
[ "$(v -c "load ${PGQ}table=vecsh_test_items&label=title&vector=embedding&id=item_id --exact" -c "nn item_id:3 -k 5" -c "nn id:3 -k 5")" = \
  "$(v -c "load ${PGQ}table=vecsh_test_items&label=title&vector=embedding --exact" -c "nn '$third' -k 5" -c "nn '$third' -k 5")" ] ||
	bad "nn item_id:3 differs from nn of row 3's label ($third)"
v -c "load ${PGQ}table=vecsh_test_items&label=title" > /dev/null 2> "$work/err"
grep -q "more than one vector column: say which with vector=COLUMN" "$work/err" || bad "several vector columns: $(cat "$work/err")"
v -c "load ${PGQ}table=vecsh_test_items&label=title&vector=embedding&where=nope%3Dx" > /dev/null 2> "$work/err"
grep -q "vecsh_test_items has no column nope (its columns: item_id (bigint), title (text)" "$work/err" ||
	bad "a filter on a column that is not there: $(cat "$work/err")"
v -c "load ${PGQ}table=vecsh_test_ragged" -c "vec a" -c "vec b" > /dev/null 2> "$work/err"
grep -q "row '[ab]' of vecsh_test_ragged has [23] dims, the set [23]" "$work/err" || bad "rows of another length: $(cat "$work/err")"
# a zero row is never in an answer (as in a set in memory)
[ "$(v -c "load ${PGQ}table=vecsh_test_zero" -c "nn a -k 5" | grep -v PostgreSQL | cut -f2 | tr '\n' ' ')" = "word b " ] ||
	bad "a zero row in an answer: $(v -c "load ${PGQ}table=vecsh_test_zero" -c "nn a -k 5")"
v -c "load ${PGQ}table=vecsh_test_novec" > /dev/null 2> "$work/err"
grep -q "vecsh_test_novec has no vector column" "$work/err" || bad "no vector column: $(cat "$work/err")"
echo "pgvector: a filter, real[] and halfvec columns answer as the server's SQL; a row by its id column; other lengths and no vector column refused"

# ---- connection strings, passwords, credentials, servers not there
if [ "$PGKIND" = pglite ]; then
	host_port=${PG#postgres://postgres@}
	host_port=${host_port%%/*}
	secret_uri="postgres://postgres:s3cret-pw@$host_port/postgres?sslmode=disable&gssencmode=disable&table=vecsh_test_demo"
	v -c "load $secret_uri" -c "info" -c "sets" -c "load $secret_uri&vector=nope" > "$work/out" 2>&1
	grep -q "s3cret-pw" "$work/out" && bad "the password was shown: $(grep s3cret-pw "$work/out")"
	grep -q "postgres:\*\*\*@" "$work/out" || bad "the source does not hide the password"
	v -c "load 'host=${host_port%:*} port=${host_port#*:} user=postgres password=s3cret-pw dbname=postgres sslmode=disable gssencmode=disable table=vecsh_test_demo' as kv" \
		-c "nn king -k 1" -c "info" > "$work/out" 2>&1 || bad "libpq's key=value words: $(cat "$work/out")"
	grep -q "s3cret-pw" "$work/out" && bad "the password was shown (key=value)"
	grep -q "prince" "$work/out" || bad "key=value: no answer"
fi
port=$(free_port)
node "$top/tests/pg/proxy.js" "$port" auth-fail > "$work/auth.log" 2>&1 &
auth_pid=$!
wait_for "$work/auth.log" listening
PGPASSWORD=wrong-pw v -c "load postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable&gssencmode=disable&table=t" > "$work/out" 2>&1 &&
	bad "wrong credentials were taken"
kill $auth_pid
grep -q 'password authentication failed for user "postgres"' "$work/out" || bad "wrong credentials: $(cat "$work/out")"
grep -q "wrong-pw" "$work/out" && bad "the wrong password was shown"
v -c "load postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable&gssencmode=disable&table=t" > "$work/out" 2>&1 &&
	bad "a server that is not there answered"
grep -q "cannot connect: connection to server at \"127.0.0.1\", port $port failed: Connection refused" "$work/out" ||
	bad "no server: $(cat "$work/out")"
echo "pgvector: passwords hidden, key=value words, wrong credentials and a server not there reported"

# ---- a dropped connection (PGlite: the proxy stands between)
if [ "$PGKIND" = pglite ]; then
	pport=$(free_port)
	node "$top/tests/pg/proxy.js" "$pport" "${host_port#*:}" > "$work/proxy.log" 2>&1 &
	proxy_pid=$!
	wait_for "$work/proxy.log" listening
	mkfifo "$work/in"
	"$vecsh" -q --format tsv --echo < "$work/in" > "$work/drop.out" 2> "$work/drop.err" &
	vpid=$!
	exec 3> "$work/in"
	send() { echo "$1" >&3; wait_for "$work/drop.out" "$2" || bad "no '$2' after '$1'"; }
	send "load postgres://postgres@127.0.0.1:$pport/postgres?sslmode=disable&gssencmode=disable&table=vecsh_test_demo as t" "vecsh> load"
	send "nn king -k 1" "prince"
	# (PGlite's socket server needs a moment after a client goes before it
	# serves the next: vecsh is made to wait here, not in its own code)
	kill -USR1 $proxy_pid # dropped: made again once, the command answers
	sleep 1
	send "nn queen -k 1" "king	0.750769"
	kill -USR2 $proxy_pid # and refused from now on
	kill -USR1 $proxy_pid
	sleep 1
	echo "nn man -k 1" >&3
	wait_for "$work/drop.err" "cannot be made again" || bad "a connection that cannot be made again: $(cat "$work/drop.err")"
	send "load $demo as local --limit 100" "vecsh> load $demo"
	send "sim the of" "the	of	"
	kill -USR2 $proxy_pid # served again: the table's next command reconnects
	sleep 1
	send "use t" "vecsh> use t"
	send "nn woman -k 1" "girl	0.847267"
	# Ctrl-C while the server does not answer: the statement is cancelled (or,
	# no answer coming, the connection made again) and the session goes on
	kill -HUP $proxy_pid
	echo "nn city -k 1" >&3
	sleep 1
	kill -INT $vpid
	wait_for "$work/drop.err" "interrupted" || bad "Ctrl-C during a statement: $(cat "$work/drop.err")"
	sleep 1
	send "nn computer -k 1" "software"
	exec 3>&-
	wait $vpid
	st=$?
	kill $proxy_pid
	proxy_pid=
	sleep 1
	[ $st = 1 ] || bad "vecsh's exit status after a failed command is $st, not 1"
	[ "$(grep -c "^vecsh: " "$work/drop.err")" = 2 ] || bad "errors: $(cat "$work/drop.err")"
	echo "pgvector: a dropped connection is made again once; when it cannot be, that command fails and the session goes on; Ctrl-C cancels a statement"

fi

# ---- completion of labels and browse, at a terminal
tmux -S "$sock" new-session -d -s t -x 100 -y 30 \
	"cd '$top/tests/data' && TERM=xterm-256color LANG=C.UTF-8 VECSH_HISTORY= PGPASSWORD='$PGPASSWORD' ASAN_OPTIONS='${ASAN_OPTIONS:-}' '$vecsh' -q; echo vecsh-exited; sleep 30"
expect "vecsh>"
keys "load '${PGQ}table=vecsh_test_demo' as t" Enter
expect "vecsh:t>"
keys "nn kingd" Tab
expect "nn kingdom"
keys C-u "browse nn king -k 6" Enter
expect "   1  prince"
expect "a row of t (a table in PostgreSQL)"
keys q
keys "quit" Enter
expect "vecsh-exited"
[ $fail -eq 0 ] && echo "pgvector: labels complete from the table; browse lists a table's neighbours"
exit $fail
