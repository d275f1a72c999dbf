#!/usr/bin/env python3
"""scikit-learn's TfidfVectorizer.fit_transform on the same corpus, reading
the files itself as vecsh does. usage: sklearn_bench.py CORPUS_DIR"""
import os, sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
root = sys.argv[1]
files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
files = [os.path.join(root, f) for f in files]
times = []
for _ in range(3):
    t = time.perf_counter()
    X = TfidfVectorizer(input='filename', decode_error='replace').fit_transform(files)
    times.append(time.perf_counter() - t)
times.sort()
print(f"scikit-learn: TfidfVectorizer.fit_transform  median of 3: {times[1]:7.3f} s  ({X.shape[0]} documents, {X.shape[1]} terms)")
