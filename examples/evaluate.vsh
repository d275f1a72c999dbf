# Scoring the demo vectors on the standard benchmarks, with gensim's rules.
# The benchmark files ship in data/ (see data/README.md for their sources).
# Run from anywhere:  vecsh -f examples/evaluate.vsh
load data/glove-demo.txt.gz as demo

# WordSim353: Pearson and Spearman correlation with human similarity scores
eval pairs data/wordsim353.tsv

# the Google analogy set, over the 10,000 most frequent words
eval analogies data/questions-words.txt --restrict 10000
