# fails on line 3
load tiny.txt
nn nosuch
nn king -k 1
