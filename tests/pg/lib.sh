# The PostgreSQL server with pgvector that the tests and the bench run
# against (sourced). pg_start sets PG (a URI of the server) and PGQ (the same,
# ready for vecsh's ?table=... or &table=...), PGKIND (pglite or server) and
# PGCONN (the same server for psql). $VECSH_TEST_PG names a real server;
# otherwise PGlite (PostgreSQL compiled to WebAssembly, with pgvector 0.8) is
# installed from npm into build/pglite once and started on a free port.
# Returns 2 (after saying why) when npm cannot be reached.
PGLITE_VERSIONS="@electric-sql/pglite@0.3.16 @electric-sql/pglite-socket@0.0.22"

free_port() {
	node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# wait_for FILE TEXT: until the file holds the text (30 s at most)
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -gt 300 ] && return 1
		sleep 0.1
	done
}

pg_start() {
	export PGPASSWORD=${PGPASSWORD:-vecsh-test}
	if [ -n "${VECSH_TEST_PG:-}" ]; then
		PG=$VECSH_TEST_PG PGKIND=server
	else
		pgl=$top/build/pglite
		if [ ! -f "$pgl/node_modules/@electric-sql/pglite-socket/dist/scripts/server.js" ]; then
			mkdir -p "$pgl"
			# shellcheck disable=SC2086
			if ! (cd "$pgl" && npm install --no-audit --no-fund $PGLITE_VERSIONS > npm.log 2>&1); then
				echo "SKIP PostgreSQL tests: npm cannot install PGlite ($(tail -1 "$pgl/npm.log"))"
				return 2
			fi
		fi
		port=$(free_port)
		node "$pgl/node_modules/@electric-sql/pglite-socket/dist/scripts/server.js" -p "$port" -e vector \
			> "$work/pglite.log" 2>&1 &
		pg_pid=$!
		wait_for "$work/pglite.log" "listening" || { echo "PGlite did not start:"; cat "$work/pglite.log"; return 1; }
		PG="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable&gssencmode=disable" PGKIND=pglite
	fi
	case $PG in *\?*) PGQ="$PG&" ;; *) PGQ="$PG?" ;; esac
	PGCONN=$PG
	export PG PGQ PGKIND PGCONN
}

pg_stop() {
	[ -n "${pg_pid:-}" ] && kill "$pg_pid" 2>/dev/null && wait "$pg_pid" 2>/dev/null
	pg_pid=
}

# psql against the test server: quiet, no notices, tried again while a
# server that serves one connection at a time is still closing the last
pg_sql() {
	i=0
	while :; do
		psql "$PGCONN" -X -q -v ON_ERROR_STOP=1 -At -c "SET client_min_messages = warning" "$@" > "$work/psql.out" 2>&1
		st=$?
		i=$((i + 1))
		grep -q "closed the connection unexpectedly" "$work/psql.out" && [ "$i" -lt 30 ] && { sleep 0.1; continue; }
		grep -v '^DEBUG:' "$work/psql.out"
		return $st
	done
}
