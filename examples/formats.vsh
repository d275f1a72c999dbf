# Saving a set in vecsh's mapped .vecs format and in the export formats,
# then loading each back. Run from this folder:  vecsh -f formats.vsh
load data/glove-demo.txt.gz --limit 2000 as small
save small /tmp/vecsh-example.vecs
save small /tmp/vecsh-example.bin --format word2vec-bin
load /tmp/vecsh-example.vecs as mapped
load /tmp/vecsh-example.bin as binary
sets
nn music -k 3
