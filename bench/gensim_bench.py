#!/usr/bin/env python3
"""The same measurements with gensim, for ratios within one run.
usage: gensim_bench.py GLOVE_TXT WORD2VEC_BIN QUESTIONS [--full]
--full also times evaluate_word_analogies (minutes)."""
import sys, time, random, statistics, logging
from gensim.models import KeyedVectors
logging.disable(logging.CRITICAL)
txt, binf, questions = sys.argv[1:4]
t = time.perf_counter(); KeyedVectors.load_word2vec_format(txt, no_header=True)
print(f"gensim: load GloVe text                                   {time.perf_counter() - t:7.3f} s")
t = time.perf_counter(); kv = KeyedVectors.load_word2vec_format(binf, binary=True)
print(f"gensim: load word2vec binary                              {time.perf_counter() - t:7.3f} s")
kv.fill_norms()
random.seed(1)
times = []
for _ in range(200):
    w = kv.index_to_key[random.randrange(50000)]
    t = time.perf_counter(); kv.most_similar(w, topn=10); times.append(time.perf_counter() - t)
print(f"gensim: most_similar                        median of 200: {statistics.median(times) * 1e3:7.2f} ms")
if '--full' in sys.argv:
    t = time.perf_counter(); kv.evaluate_word_analogies(questions)
    print(f"gensim: evaluate_word_analogies (restrict 300000)         {time.perf_counter() - t:7.2f} s")
