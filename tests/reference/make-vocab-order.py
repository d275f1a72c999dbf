#!/usr/bin/python3
# References for the order of vecsh's training vocabulary (tests/unit/test_train.c):
# gensim's Word2Vec vocabulary over a corpus with many tied counts (numpy's
# argsort of the counts, reversed, decides where ties fall).
#   usage: /usr/bin/python3 tests/reference/make-vocab-order.py   (needs gensim)
# Writes tests/data/huffman/ties-corpus.txt (the corpus, made here with a fixed
# seed) and tests/data/huffman/ties-order.txt (gensim's words, in order, min_count 2).
import os
import random
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

top = os.path.dirname(os.path.abspath(__file__)) + '/../..'
rng = random.Random(7)
vocab = ['w%d' % i for i in range(400)]
lines = []
for _ in range(900):
    lines.append(' '.join(vocab[min(int(rng.paretovariate(0.7)) - 1, 399)] for _ in range(rng.randint(1, 12))))
path = top + '/tests/data/huffman/ties-corpus.txt'
with open(path, 'w') as f:
    f.write('\n'.join(lines) + '\n')
m = Word2Vec(vector_size=4, min_count=2, workers=1)
m.build_vocab(LineSentence(path))
with open(top + '/tests/data/huffman/ties-order.txt', 'w') as f:
    f.write('\n'.join(m.wv.index_to_key) + '\n')
