# Clusters of words: k-means (scikit-learn's) of the demo set's most frequent
# words, each cluster's most central words, and a picture coloured by cluster.
# Run from this folder:  vecsh -f clusters.vsh  (then open the file)
load data/glove-demo.txt.gz as demo
cluster --top 400 --k 8
plot --top 400 --out /tmp/vecsh-clusters.svg

# the words of a query, clustered: countries and their capitals apart?
nn france -k 30
cluster --k 3
cluster --top 1000 --k 12 --out /tmp/vecsh-clusters.tsv

# the same words laid out by t-SNE (scikit-learn's), coloured by cluster
cluster --top 800 --k 8
plot --method tsne --top 800 --out /tmp/vecsh-tsne.svg
plot --method umap --top 800 --out /tmp/vecsh-umap.svg

# metadata: the words' kinds (examples/data/demo-meta.tsv), as colours and as a filter
load data/glove-demo.txt.gz as tagged --meta data/demo-meta.tsv
plot france germany italy spain paris berlin rome madrid january may june red blue --color kind --out /tmp/vecsh-kinds.svg
nn paris --where kind=city -k 5
