#!/bin/sh
# browse, for real: tmux runs vecsh in a pseudo-terminal, keys are sent with
# send-keys and the screen read back with capture-pane. Checks the list,
# drill-down and back, the help overlay, a resize, the projection, a CJK
# result lined up, the ':' prompt, and the terminal restored after q and
# after Ctrl-C.
#   usage: browse.sh VECSH
name=browse
. "$(dirname "$0")/tmux-lib.sh"
# after vecsh, the shell reports the terminal's modes: a restored terminal echoes and is canonical
tmux -S "$sock" new-session -d -s t -x 100 -y 30 \
	"cd '$top/tests/data' && TERM=xterm-256color LANG=C.UTF-8 VECSH_HISTORY= ASAN_OPTIONS='${ASAN_OPTIONS:-}' '$vecsh' -q tiny.txt; stty -a | tr ' ' '\n' | grep -x -e '-*icanon' -e '-*echo' | tr '\n' ' '; echo vecsh-exited; sleep 30"
expect "vecsh:tiny>"
keys "browse nn king -k 6" Enter
expect "nn king -k 6   [1/1]"
expect "   1  prince"
expect "frequency rank 5 of 12"
keys j
expect "frequency rank 4 of 12"
keys Enter
expect "[2/2]"
expect "nn woman"
keys h
expect "nn king -k 6   [1/2]"
keys l
expect "[2/2]"
keys "?"
expect "vecsh browse: keys"
expect "j k choose, p or q leave."
keys x
absent "vecsh browse: keys"
# a resize redraws at once; the detail pane gives way on a narrow terminal
tmux -S "$sock" resize-window -t t -x 60 -y 16
sleep 0.6
expect "j/k move"
absent "frequency rank"
tmux -S "$sock" resize-window -t t -x 100 -y 30
sleep 0.6
expect "frequency rank"
# from the last row, shrunk to a few lines and grown again, the list fills the window
keys G
tmux -S "$sock" resize-window -t t -x 100 -y 6
sleep 0.6
tmux -S "$sock" resize-window -t t -x 100 -y 30
sleep 0.6
expect "   1  "
keys g
keys p
expect "projection (PCA)"
keys q
expect "j/k move"
# set projection: the same key lays the list out by t-SNE
keys ":" "set projection tsne" Enter
keys p
expect "projection (t-SNE)"
keys q
expect "j/k move"
# after cluster, the projection's labels take their cluster's colour
keys ":" "cluster king queen man woman prince princess apple banana cherry car --k 3" Enter
expect "central words"
keys h
keys p
expect "colours: k-means clusters"
keys q
expect "j/k move"
keys ":" "load cjk.txt" Enter
keys ":" "nn 北京" Enter
expect "nn 北京"
# wide characters are measured: the scores of CJK and Latin rows line up
line_cjk=$(screen | grep -F "上海" | head -1)
line_latin=$(screen | grep -F "paris" | head -1)
col_cjk=$(printf '%s' "$line_cjk" | sed 's/0\.[0-9]\{4\}.*//' | awk '{ print length($0) }')
col_latin=$(printf '%s' "$line_latin" | sed 's/0\.[0-9]\{4\}.*//' | awk '{ print length($0) }')
w_cjk=$(printf '%s' "$line_cjk" | sed 's/0\.[0-9]\{4\}.*//' | wc -L)
w_latin=$(printf '%s' "$line_latin" | sed 's/0\.[0-9]\{4\}.*//' | wc -L)
if [ -z "$line_cjk" ] || [ -z "$line_latin" ] || [ "$w_cjk" != "$w_latin" ]; then
	echo "FAIL browse: CJK and Latin rows do not line up ($w_cjk vs $w_latin columns; $col_cjk $col_latin chars)"
	screen | sed 's/^/    | /' | grep -v '^    | *$'
	fail=1
fi
expect "中华人民共和国首都"
keys q
expect "vecsh:cjk>"
# negative scores get bars to the left of zero, positive ones to the right
keys "use tiny" Enter
keys "browse nn king -k 11" Enter
expect "nn king -k 11"
pos=$(screen | grep -F " prince " | head -1)
neg=$(screen | grep -F " apple " | head -1)
col() { printf '%s\n' "$1" | awk '{ i = index($0, "\342\226\210"); print i }'; }
if [ -z "$pos" ] || [ -z "$neg" ] || [ "$(col "$neg")" -eq 0 ] || [ "$(col "$neg")" -ge "$(col "$pos")" ]; then
	echo "FAIL browse: a negative score's bar does not grow left of zero"
	screen | sed 's/^/    | /' | grep -v '^    | *$'
	fail=1
fi
keys q
# ranks of 100000 and more keep a blank before the word
awk 'BEGIN { for (i = 1; i <= 100002; i++) printf "w%d %d %d\n", i, i % 7 + 1, i % 5 + 1 }' > "$work/many.txt"
keys "load $work/many.txt" Enter
keys "browse nn w1 -k 100001" Enter
expect "nn w1 -k 100001"
keys G
expect "100001  w"
keys q
keys "use cjk" Enter
# Ctrl-C leaves the browser too, and the shell goes on
keys "browse nn paris" Enter
expect "nn paris"
keys C-c
expect "vecsh:cjk>"
# :quit (and :q) closes the browser only, never vecsh
keys "browse nn paris" Enter
expect "nn paris"
keys ":" "quit" Enter
expect "vecsh:cjk>"
keys "browse nn paris" Enter
expect "nn paris"
keys ":" "q" Enter
expect "vecsh:cjk>"
# Ctrl-C during a command run from the browser interrupts that command (a
# load that waits forever on a FIFO); the browser stays, nothing is loaded
mkfifo "$work/never"
keys "browse nn paris" Enter
expect "nn paris"
keys ":" "load $work/never as big2" Enter
sleep 0.5
keys C-c
expect "never: interrupted"
expect "nn paris"
keys q
expect "vecsh:cjk>"
keys "sets" Enter
absent "big2"
keys "sim paris naïve" Enter
expect "paris  naïve"
keys C-d
expect "vecsh-exited"
screen | grep -q -- "-icanon\|-echo " && { echo "FAIL browse: the terminal was not restored"; screen | tail -3; fail=1; }
[ $fail -eq 0 ] && echo "browse: list, drill-down, history, help, resize, projection, CJK, q, :quit and Ctrl-C work"
exit $fail
