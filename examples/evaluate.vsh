# Scoring the demo vectors on the standard benchmarks, with gensim's rules.
# The benchmark files live outside the project, in ../../shared/data.
# Run from this folder:  vecsh -f evaluate.vsh
load data/glove-demo.txt.gz as demo

# WordSim353: Pearson and Spearman correlation with human similarity scores
eval pairs ../../shared/data/wordsim353.tsv

# the Google analogy set, over the 10,000 most frequent words
eval analogies ../../shared/data/questions-words.txt --restrict 10000
