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
expect() { # expect TEXT: the screen shows TEXT (waits up to 20 s)
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	echo "FAIL $name: the screen does not show: $1"
	screen | sed 's/^/    | /' | grep -v '^    | *$'
	fail=1
}
gone() { # gone TEXT: the screen stops showing TEXT (waits up to 20 s)
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -qF -- "$1" || return 0
		sleep 0.2
		i=$((i + 1))
	done
	echo "FAIL $name: the screen still shows: $1"
	screen | sed 's/^/    | /' | grep -v '^    | *$'
	fail=1
}
absent() { # absent TEXT: the screen does not show TEXT
	if screen | grep -qF -- "$1"; then
		echo "FAIL $name: the screen still shows: $1"
		screen | sed 's/^/    | /' | grep -v '^    | *$'
		fail=1
	fi
}
