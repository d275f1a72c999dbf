# fastText's character n-grams: a vector for every word, even one never seen.
# The model was trained by the fasttext tool on the King James Bible (see
# data/README.md). Run from this folder:  vecsh -f subwords.vsh
load data/kjv-fasttext.bin as kjv
info kjv

# a word in the dictionary, and a misspelling of it made from its n-grams
nn kingdom -k 5
nn kingdum -k 5
sim kingdom kingdum

# the pieces: each n-gram's bucket and how much it pulls the word's vector
subwords kingdum

# any word at all, in any script
nn shepherdd -k 3
odd king queen prophet kingdum
