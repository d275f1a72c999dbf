#!/usr/bin/env python3
"""Answer the queries of a vecsh script with gensim, printing the same TSV
vecsh prints, so the two can be compared with diff.

usage: gensim_reference.py VECTORS QUERIES

VECTORS is a word2vec text or binary file (by its .bin name) or GloVe text
(no header). QUERIES has one vecsh command a line; understood: nn, analogy
(with --cosmul), odd, sim, rank, eval pairs, eval analogies (with -k or
--restrict as vecsh takes them).
"""
import sys
import logging
from gensim.models import KeyedVectors

def load(path):
    with open(path, 'rb') as f:
        first = f.readline().split()
    header = len(first) == 2 and all(x.isdigit() for x in first)
    return KeyedVectors.load_word2vec_format(path, binary=path.endswith('.bin'), no_header=not header)

def opt(words, name, default):
    if name in words:
        i = words.index(name)
        v = words[i + 1]
        del words[i:i + 2]
        return int(v)
    return default

def flag(words, name):
    if name in words:
        words.remove(name)
        return True
    return False

def table(rows):
    print("rank\tword\tscore")
    for i, (w, s) in enumerate(rows, 1):
        print(f"{i}\t{w}\t{s:.6f}")

def main():
    logging.disable(logging.CRITICAL)
    kv = load(sys.argv[1])
    for line in open(sys.argv[2]):
        words = line.split()
        if not words or words[0].startswith('#'):
            continue
        cmd, args = words[0], words[1:]
        k = opt(args, '-k', 10)
        if cmd == 'nn':
            pos, neg, sign = [], [], 1
            for w in args:
                if w in '+-':
                    sign = -1 if w == '-' else 1
                else:
                    (pos if sign > 0 else neg).append(w)
                    sign = 1
            table(kv.most_similar(positive=pos, negative=neg, topn=k))
        elif cmd == 'analogy':
            cosmul = flag(args, '--cosmul')
            a, b, c = args
            f = kv.most_similar_cosmul if cosmul else kv.most_similar
            table(f(positive=[b, c], negative=[a], topn=k))
        elif cmd == 'odd':
            ranked = kv.rank_by_centrality(args)
            table([(w, s) for s, w in ranked])
        elif cmd == 'sim':
            print("a\tb\tsimilarity")
            print(f"{args[0]}\t{args[1]}\t{kv.similarity(*args):.6f}")
        elif cmd == 'rank':
            print("a\tb\trank")
            print(f"{args[0]}\t{args[1]}\t{kv.rank(*args)}")
        elif cmd == 'eval' and args[0] == 'pairs':
            r = opt(args, '--restrict', 300000)
            p, s, oov = kv.evaluate_word_pairs(args[1], restrict_vocab=r)
            print("pearson\tspearman\toov_ratio")
            print(f"{p[0]:.6f}\t{s[0]:.6f}\t{oov:.6f}")
        elif cmd == 'eval' and args[0] == 'analogies':
            r = opt(args, '--restrict', 300000)
            score, sections = kv.evaluate_word_analogies(args[1], restrict_vocab=r)
            print("section\tcorrect\ttotal\taccuracy")
            for s in sections:
                c, n = len(s['correct']), len(s['correct']) + len(s['incorrect'])
                acc = f"{c / n:.6f}" if n else ""
                print(f"{s['section']}\t{c}\t{n}\t{acc}")
        else:
            print(f"unsupported: {line.strip()}", file=sys.stderr)
            sys.exit(2)

main()
