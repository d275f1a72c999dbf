# Shared by the tests that drive vecsh in a terminal through tmux. Set
# `name` (the test's name) and call with the vecsh binary as $1; defines
# vecsh, top, work, sock, fail and screen, keys, expect, absent, new_server.
set -u
vecsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP $name (tmux is not installed)"
	exit 0
fi
work=$(mktemp -d)
sock="$work/tmux.sock"
servers=0
trap 'for s in "$work"/tmux*.sock; do tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$work"' EXIT
# new_server: end the running tmux server and use a new socket for the next
# session. kill-server returns before the old server has gone, and a session
# started on the same socket in between would die with it.
new_server() {
	tmux -S "$sock" kill-server 2>/dev/null
	servers=$((servers + 1))
	sock="$work/tmux$servers.sock"
}
fail=0
screen() { tmux -S "$sock" capture-pane -t t -p; }
keys() { tmux -S "$sock" send-keys -t t "$@"; sleep 0.4; }
# wait_screen shows|gone TEXT: until the screen shows TEXT, or stops showing it (up to 20 s)
wait_screen() {
	i=0
	while [ $i -lt 100 ]; do
		if screen | grep -qF -- "$2"; then [ "$1" = shows ] && return 0; else [ "$1" = gone ] && return 0; fi
		sleep 0.2
		i=$((i + 1))
	done
	if [ "$1" = shows ]; then echo "FAIL $name: the screen does not show: $2"; else echo "FAIL $name: the screen still shows: $2"; fi
	screen | sed 's/^/    | /' | grep -v '^    | *$'
	fail=1
}
expect() { wait_screen shows "$1"; } # the screen shows TEXT (waits up to 20 s)
gone() { wait_screen gone "$1"; }     # the screen stops showing TEXT (waits up to 20 s)
absent() { # absent TEXT: the screen does not show TEXT
	if screen | grep -qF -- "$1"; then
		echo "FAIL $name: the screen still shows: $1"
		screen | sed 's/^/    | /' | grep -v '^    | *$'
		fail=1
	fi
}
