# Directions in the space of words: a gender axis from three pairs, words
# placed along it and on two axes, and neighbours with the direction removed
# (the neutralising step of Bolukbasi et al.'s hard debiasing).
# Run from this folder:  vecsh -f directions.vsh
load data/glove-demo.txt.gz as demo
axis gender he:she man:woman king:queen
axis age young:old boy:man girl:woman
rank-on gender doctor nurse engineer teacher dancer soldier surgeon secretary
project king queen boy girl man woman grandmother grandfather --x gender --y age
plot king queen boy girl man woman grandmother grandfather --x gender --y age --out /tmp/vecsh-axes.svg
nn nurse -k 5
nn nurse --minus gender -k 5
