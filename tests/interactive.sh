#!/bin/sh
# The interactive shell, for real: tmux runs vecsh in a pseudo-terminal, keys
# are sent with send-keys, and the screen is read back with capture-pane.
# Checks Tab completion (commands, words, options, set names), history kept
# across sessions, Ctrl-C at the prompt and during a long command, and Ctrl-D.
#   usage: interactive.sh VECSH
name=interactive
. "$(dirname "$0")/tmux-lib.sh"
start() {
	tmux -S "$sock" new-session -d -s t -x 120 -y 40 \
		"cd '$top/tests/data' && VECSH_HISTORY='$work/history' ASAN_OPTIONS='${ASAN_OPTIONS:-}' '$vecsh' tiny.txt; echo vecsh-exited-\$?; sleep 30"
	expect "vecsh:tiny>"
}

start
keys "ana" Tab
expect "vecsh:tiny> analogy"
keys "man kin" Tab
expect "analogy man king"
keys "wom" Tab "--cos" Tab "-k 1" Enter
expect "Paris  1.877021"
keys "nn prin" Tab
expect "vecsh:tiny> nn prince"
keys Tab
keys Tab
expect "princess"
keys "ss -k 1" Enter
expect "1  queen  0.998886"
keys "load tiny.txt as second" Enter
keys "use fir" C-u "use ti" Tab Enter
keys "sets" Enter
expect "*       tiny"
# documents and terms of the active index complete too
keys "index c corpus" Enter
keys "keywords animals/c" Tab
expect "keywords animals/cats.txt"
keys " -k 1" Enter
expect "1  cats"
keys "search mar" Tab
expect "search mars"
keys Enter
expect "space/mars.txt"
# the snippet is cut to the terminal's width, never wrapped
if screen | grep -q "^rs have"; then
	echo "FAIL interactive: a snippet ran past the terminal and wrapped"
	fail=1
fi
expect "a thin atmosphere. Rov…"
# names complete whatever they name (an index here), once: a second Tab adds nothing
keys "info " "c" Tab "X"
expect "vecsh:tiny> info c X"
keys BSpace Tab Tab
absent "info c c"
keys C-u
# --stopwords offers its words before files
keys "index s2 corpus --stopwords eng" Tab
expect "--stopwords english"
keys C-u
keys "some half-typed line" C-c
keys "sim king queen" Enter
expect "king  queen    0.886517"
# a command that runs until interrupted: questions trickling from a FIFO
mkfifo "$work/questions"
(echo ': endless'; while :; do echo 'man king woman queen'; sleep 0.05; done) > "$work/questions" 2>/dev/null &
writer=$!
keys "eval analogies $work/questions" Enter
sleep 1
# Ctrl-C again if the first came before the command was reading (a slow start under ASan on a busy machine)
for try in 1 2 3 4 5; do
	keys C-c
	screen | grep -qF "questions: interrupted" && break
	sleep 2
done
expect "questions: interrupted"
kill $writer 2>/dev/null
keys "sim apple banana" Enter
expect "apple  banana"
# the index built here is not saved: the first Ctrl-D (or quit) says so, the second leaves
keys C-d
expect "the index c was made in this session and not saved"
absent "vecsh-exited"
keys C-d
expect "vecsh-exited-0"
new_server
grep -q '^sim king queen$' "$work/history" || { echo "FAIL interactive: history not saved"; fail=1; }

# history comes back in the next session
start
keys Up Up
expect "vecsh:tiny> eval analogies $work/questions"
keys C-u "quit" Enter
expect "vecsh-exited-0"

# long work shows a progress line on the terminal (here at once: VECSH_PROGRESS_DELAY=0)
new_server
awk 'BEGIN { srand(3); for (i = 1; i <= 60000; i++) { printf "w%d", i; for (d = 0; d < 32; d++) printf " %.3f", rand() - 0.5; print "" } }' > "$work/big.txt"
awk 'BEGIN { srand(4); print ": generated"; for (i = 0; i < 40000; i++) printf "w%d w%d w%d w%d\n", int(rand() * 60000) + 1, int(rand() * 60000) + 1, int(rand() * 60000) + 1, int(rand() * 60000) + 1 }' > "$work/q.txt"
tmux -S "$sock" new-session -d -s t -x 120 -y 40 \
	"cd '$work' && VECSH_PROGRESS_DELAY=0 VECSH_HISTORY= ASAN_OPTIONS='${ASAN_OPTIONS:-}' '$vecsh' -q big.txt; echo vecsh-exited-\$?; sleep 30"
expect "vecsh:big>"
keys "eval analogies q.txt" Enter
expect "answering analogies ["
expect "Total accuracy"
absent "answering analogies ["
# index: files read, MB, rate; the last file a pipe held open until the line shows
mkdir -p "$work/docs"
awk -v d="$work/docs" 'BEGIN { for (i = 0; i < 1000; i++) { f = sprintf("%s/d%04d.txt", d, i); print "words of document", i, "and more words" > f; close(f) } }'
mkfifo "$work/last"
keys "index pages docs last" Enter
expect "files, "
timeout 20 sh -c "echo the last document > '$work/last'"
gone "files, "
keys "docs last" Enter
expect "1001  last"
# Ctrl-C stops a build (here while it waits on a pipe) and leaves no index
rm -f "$work/last" && mkfifo "$work/last"
keys "index stopped docs last" Enter
expect "files, "
keys C-c
timeout 20 sh -c "echo the last document > '$work/last'"
expect "index: interrupted"
keys "sets" Enter
expect "pages"
absent "stopped  index"
# training shows its progress; Ctrl-C stops it and keeps what was trained
awk 'BEGIN { for (i = 0; i < 200000; i++) { for (j = 0; j < 12; j++) printf "w%d ", (i * 7 + j * 13) % 5000; print "" } }' > "$work/corpus.txt"
keys "train t corpus.txt --epochs 100 --threads 1" Enter
expect "training: epoch"
keys C-c
expect "interrupted at"
keys "info t" Enter
expect "word2vec skip-gram, negative sampling"
keys "quit" Enter
keys "quit" Enter
expect "vecsh-exited-0"

[ $fail -eq 0 ] && echo "interactive: completion, history, Ctrl-C, Ctrl-D, progress (and training's, interrupted) and the unsaved-work warning work"
exit $fail
