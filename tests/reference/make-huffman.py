#!/usr/bin/python3
# References for vecsh's Huffman tree with gensim's ties (tests/unit/test_train.c):
# gensim's _assign_binary_codes over a list of counts in descending order with
# many ties (a Zipf list whose tail repeats counts), as hierarchical softmax
# builds it from a vocabulary.
#   usage: /usr/bin/python3 tests/reference/make-huffman.py   (needs gensim)
# Writes tests/data/huffman/zipf-600.tsv: a line a word, "COUNT CODE POINT..."
# (CODE the bits from the root; the points, the inner nodes from the root).
import os
from gensim.models import KeyedVectors
from gensim.models import word2vec

top = os.path.dirname(os.path.abspath(__file__)) + '/../..'
counts = [int(60000 / (i + 1)) // 3 + 5 for i in range(600)]
kv = KeyedVectors(1)
for i in range(len(counts)):
    kv.key_to_index['w%d' % i] = i
    kv.index_to_key.append('w%d' % i)
kv.allocate_vecattrs()
for i, c in enumerate(counts):
    kv.set_vecattr(i, 'count', c)
word2vec._assign_binary_codes(kv)
with open(top + '/tests/data/huffman/zipf-600.tsv', 'w') as f:
    for i, c in enumerate(counts):
        code = ''.join(str(int(b)) for b in kv.get_vecattr(i, 'code'))
        points = ' '.join(str(int(p)) for p in kv.get_vecattr(i, 'point'))
        f.write('%d %s %s\n' % (c, code, points))
