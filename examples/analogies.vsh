# Analogies on the demo vectors: A is to B as C is to ?
# Run from this folder:  vecsh -f analogies.vsh
load data/glove-demo.txt.gz as demo

# 3CosAdd: cos(w, B - A + C) over unit vectors (gensim's most_similar)
analogy man king woman -k 3
analogy france paris japan -k 3
analogy good better bad -k 3
analogy walk walked swim -k 3

# 3CosMul (Levy and Goldberg): a product of shifted cosines, less dominated by
# one large similarity (gensim's most_similar_cosmul)
analogy man king woman --cosmul -k 3
analogy france paris japan --cosmul -k 3
