# Two sets compared: a word's neighbours in news text (the GloVe demo) and in
# the King James Bible (a fastText model), side by side; then two trainings
# of one corpus with different seeds, aligned, and the words whose vectors
# agree least between them (the rare ones: word2vec's noise, which histwords
# must tell apart from real change between decades).
# Run from this folder:  vecsh -f compare.vsh
load data/glove-demo.txt.gz as news
load data/kjv-fasttext.bin as bible
compare news bible lord -k 8
compare news bible water -k 8

train one data/sentences.txt --dims 30 --epochs 10 --min-count 3 --seed 1 --threads 1
train two data/sentences.txt --dims 30 --epochs 10 --min-count 3 --seed 2 --threads 1
align one two
compare one two --moved -k 8
compare one-aligned two king -k 5
