#!/bin/sh
# Install the Debian packages vecsh needs to build and test, if any are
# missing: with apt-get when we are root (or have sudo), otherwise print the
# exact command to run.
set -u
# extra package names on the command line are installed too (bench: npm)
pkgs="build-essential pkg-config libreadline-dev libncurses-dev libopenblas-dev zlib1g-dev
libutf8proc-dev libcjson-dev libcmocka-dev libcairo2-dev libpng-dev libjpeg62-turbo-dev libstb-dev libpq-dev postgresql-client nodejs npm tmux groff-base libxml2-utils python3-numpy python3-pil $*"
missing=""
for p in $pkgs; do
	# node and npm may come from elsewhere (NodeSource's nodejs carries npm)
	case $p in nodejs | npm) command -v "${p%js}" >/dev/null 2>&1 && continue ;; esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "vecsh: installing missing build dependencies:$missing"
if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "vecsh: please run:  sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q $missing >/dev/null 2>&1 || {
	$sudo apt-get update -q >/dev/null 2>&1
	$sudo apt-get install -y -q $missing || {
		echo "vecsh: apt-get failed; run:  sudo apt-get install -y$missing" >&2
		exit 1
	}
}
