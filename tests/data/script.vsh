# a script run with -f
load tiny.txt
nn queen -k 2
