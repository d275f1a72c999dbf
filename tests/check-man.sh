#!/bin/sh
# The man page documents every command of the command table, each with an
# example, and the help text of each command shows its usage and example.
#   usage: check-man.sh VECSH
set -u
vecsh=$1
man=$(dirname "$0")/../man/vecsh.1
status=0
for cmd in $("$vecsh" --list-commands); do
	# each command has a ".SS cmd" heading followed (before the next heading) by an example
	section=$(awk -v c="$cmd" '/^\.SS /{ on = ($2 == c || $2 == "\"" c) ; next } /^\.S[HS] /{ on = 0 } on' "$man")
	if [ -z "$section" ]; then
		echo "man page: no .SS entry for command '$cmd'"
		status=1
	elif ! printf '%s\n' "$section" | grep -q '^\.EX'; then
		echo "man page: the entry for '$cmd' has no example (.EX)"
		status=1
	fi
	h=$("$vecsh" -q -c "help $cmd" 2>&1)
	printf '%s\n' "$h" | grep -q "^usage: $cmd" || { echo "help $cmd: no usage line"; status=1; }
	printf '%s\n' "$h" | grep -q "^example:" || { echo "help $cmd: no example"; status=1; }
done
if command -v groff >/dev/null 2>&1; then
	warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
	[ -z "$warn" ] || { echo "man page: groff warnings:"; echo "$warn"; status=1; }
fi
[ $status -eq 0 ] && echo "man page documents all $("$vecsh" --list-commands | wc -l) commands"
exit $status
