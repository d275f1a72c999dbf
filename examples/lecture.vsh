# A lecture you can run: from a bag of words to word vectors, each step with
# its working shown. Run from this folder:  vecsh -f lecture.vsh
# (It prints each command before its output, so it reads as a transcript.)
set echo on

# 1. A sentence becomes a bag of words: counts, no order (CountVectorizer).
bow the cat sat on the mat and the dog sat on the cat
bow the dog bit the man
bow the man bit the dog

# 2. A large vocabulary folded into 2^bits buckets: the hashing trick
#    (HashingVectorizer). Words that share a bucket collide; their signs keep
#    collisions from only ever adding up.
bow the cat sat on the mat and the dog sat on the cat --hash 3
hash cat dog mat --bits 3

# 3. TF-IDF: a term weighs more the rarer it is across the documents.
index toy --text "the cat sat on the mat" "the dog sat on the log" "cats and dogs are pets" "the bird sat on the cat"
bow --matrix
keywords d1 --explain
search cat pets --explain
search cat pets --bm25 --explain -k 2

# 4. word2vec learns from windows: each word predicts its neighbours
#    (skip-gram), or the neighbours predict the word (CBOW); frequent words
#    are kept less often (subsampling).
windows the quick brown fox jumps over the lazy dog --window 2
windows the quick brown fox jumps --model cbow --window 2
windows the cat sat on the mat --window 1 --sample 0.01 --counts toy

# 5. Training: word2vec on 4,000 short sentences (one thread and a seed, so
#    the vectors are the same every run). What did it learn?
train small data/sentences.txt --dims 30 --epochs 10 --min-count 3 --threads 1 --seed 1
nn king -k 3
analogy man king woman -k 1

# 6. What vectors learned from billions of words know: similarity and
#    analogies (GloVe's vectors; a 25,000-word sample of GloVe 6B 100d).
load data/glove-demo.txt.gz as glove
sim cat dog --explain
nn frog -k 5
analogy man king woman -k 3 --explain

# 7. CLIP puts images and texts in one space, and prompts help. With a CLIP
#    model downloaded (for example openai/clip-vit-base-patch32):
#      clip load clip-vit-base-patch32
#      clip classify cat.jpg cat dog bird --template "a photo of a {}." --template "a drawing of a {}." --explain

# 8. Later vision-language models judge a pair more sharply: BLIP reads the text
#    with attention to every patch of the image and says whether they match
#    (ITM), beside CLIP's cosine (ITC). With Salesforce/blip-itm-base-coco
#    downloaded:
#      model load blip-itm-base-coco as blip
#      clip sim cat.jpg "a cat on a sofa" "a dog in the snow" --itm
#      clip tokens "Café au lait, [MASK]!"
