# Pictures of embedding space: the analogy every word2vec lecture shows, and
# the neighbourhood of a word, in the plane of their first two principal
# components. Run from this folder:  vecsh -f pictures.vsh  (then open the files)
load data/glove-demo.txt.gz as demo
plot --analogy man king woman queen --out /tmp/vecsh-analogy.svg
plot --analogy france paris italy rome --out /tmp/vecsh-capitals.png
nn frog -k 15
plot --out /tmp/vecsh-frog.svg
project king queen man woman prince princess boy girl
