# Nearest neighbours on the demo vectors (GloVe 6B 100d, 25,000 words).
# Run from this folder:  vecsh -f neighbours.vsh
load data/glove-demo.txt.gz as demo

# the words nearest to a word, by cosine similarity
nn king -k 5
nn frog -k 5

# an expression: the unit vectors are added and subtracted, then normalised
nn king - man + woman -k 5
nn paris - france + italy -k 3

# how similar two words are, and where one ranks among the other's neighbours
sim cat dog
sim cat car
rank king queen

# which word does not belong
odd breakfast cereal dinner lunch
odd python java ruby snake
