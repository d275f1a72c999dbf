#!/usr/bin/python3
"""Write tests/references.test: vecsh commands paired with the figures
scikit-learn and gensim compute for the same input (and Lucene's BM25
formula), in vecsh's TSV layout, for the transcript runner to compare.

    /usr/bin/python3 tests/reference/make-references-test.py

Needs Debian's python3-sklearn and python3-gensim; the C tests do not."""
import math
import os
import sys

import numpy as np
import sklearn
import gensim
from gensim.models import Word2Vec
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfVectorizer
from sklearn.utils import murmurhash3_32

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = ["the cat sat on the mat", "the dog sat on the log", "cats and dogs",
        "the bird sat on the cat", "a dog and a cat and a bird", "The Mat, the LOG: the cat's!"]
TEXT = "the cat and the zebra sat"
out = []


def f6(x):
    return "%.6f" % x


def quote(s):
    return '"' + s + '"'


def index_cmd(name, opts):
    return "index %s --text %s%s" % (name, " ".join(quote(d) for d in DOCS), opts)


def explain_rows(v, X, row, names, idf, use_idf, binary, sublinear, norm):
    """tf, df, idf, tf-idf, norm, weight of each term of one row, as vecsh orders them."""
    counts = X[row].toarray().ravel()
    df = np.bincount(X.indices, minlength=X.shape[1])
    rows = []
    for j in np.nonzero(counts)[0]:
        c = counts[j]
        tf = 1.0 if binary else (1 + math.log(c) if sublinear else float(c))
        i = idf[j] if use_idf else 1.0
        rows.append([names[j], int(c), tf, int(df[j]), i, tf * i])
    tfidf = np.array([r[5] for r in rows])
    n = (np.sqrt((tfidf ** 2).sum()) if norm == "l2" else np.abs(tfidf).sum() if norm == "l1" else 1.0)
    for r in rows:
        r.append(n)
        r.append(r[5] / n if norm else r[5])
    rows.sort(key=lambda r: (-np.float32(r[7]), r[0]))
    return rows


def tfidf_case(opts, kw, title):
    """keywords --explain of every document and of a text, against TfidfVectorizer."""
    v = TfidfVectorizer(**kw)
    W = v.fit_transform(DOCS)
    cv = CountVectorizer(vocabulary=v.vocabulary_, binary=kw.get("binary", False))
    C = cv.transform(DOCS)
    names = v.get_feature_names_out()
    use_idf = kw.get("use_idf", True)
    idf = v.idf_ if use_idf else None
    binary, sublinear, norm = kw.get("binary", False), kw.get("sublinear_tf", False), kw.get("norm", "l2")
    out.append("# " + title)
    out.append("$ " + index_cmd("toy", opts))
    for d in range(len(DOCS)):
        out.append("$ keywords d%d --explain -k 100" % (d + 1))
        out.append("doc\tterm\tcount\ttf\tdf\tidf\ttfidf\tnorm\tweight")
        rows = explain_rows(v, C, d, names, idf, use_idf, binary, sublinear, norm)
        for r, want in zip(rows, [W[d, v.vocabulary_[r[0]]] for r in rows]):
            assert abs(r[7] - want) < 1e-12, (r, want)
            out.append("d%d\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s" % (d + 1, r[0], r[1], f6(r[2]), r[3],
                       f6(r[4] if use_idf else 1.0), f6(r[5]), f6(r[6]), f6(r[7])))
    # a text against the index's idf (transform), its unseen words left out
    T = v.transform([TEXT])
    Ct = cv.transform([TEXT])
    out.append("$ keywords --text %s --explain -k 100" % quote(TEXT))
    out.append("term\tcount\ttf\tdf\tidf\ttfidf\tnorm\tweight")
    df = np.bincount(C.indices, minlength=C.shape[1])
    rows = explain_rows(v, Ct, 0, names, idf, use_idf, binary, sublinear, norm)
    for r in rows:
        assert abs(r[7] - T[0, v.vocabulary_[r[0]]]) < 1e-12
        r[3] = int(df[v.vocabulary_[r[0]]])
        out.append("%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s" % (r[0], r[1], f6(r[2]), r[3], f6(r[4] if use_idf else 1.0),
                   f6(r[5]), f6(r[6]), f6(r[7])))
    out.append("")


def search_case():
    """search --explain: cosine parts from TfidfVectorizer's matrices; BM25
    from Lucene's formula (BM25Similarity: idf = ln(1 + (N - df + 0.5) /
    (df + 0.5)), tf part freq / (freq + k1 (1 - b + b dl / avgdl)))."""
    v = TfidfVectorizer()
    W = v.fit_transform(DOCS)
    C = CountVectorizer(vocabulary=v.vocabulary_).transform(DOCS)
    q = "the cat"
    Q = v.transform([q])
    scores = (W @ Q.T).toarray().ravel()
    order = sorted(range(len(DOCS)), key=lambda d: (-np.float32(scores[d]), d))[:3]
    terms = ["the", "cat"]
    out.append("# search --explain: the parts of the cosine (TfidfVectorizer), and of BM25 (Lucene's formula)")
    out.append("$ " + index_cmd("toy", ""))
    out.append("$ search %s --explain -k 3" % q)
    out.append("rank\tdoc\tscore\tterm\tqweight\tdweight\tpart")
    for rank, d in enumerate(order, 1):
        for t in terms:
            j = v.vocabulary_[t]
            out.append("%d\td%d\t%s\t%s\t%s\t%s\t%s" % (rank, d + 1, f6(scores[d]), t, f6(Q[0, j]), f6(W[d, j]),
                       f6(Q[0, j] * W[d, j])))
    # BM25 over the same tokens
    an = v.build_analyzer()
    toks = [an(d) for d in DOCS]
    N, avgdl, k1, b = len(DOCS), sum(len(t) for t in toks) / len(DOCS), 1.2, 0.75
    q = "the cat dog"
    qt = an(q)

    def part(t, d):
        df = sum(1 for x in toks if t in x)
        idf = math.log(1 + (N - df + 0.5) / (df + 0.5))
        f = toks[d].count(t)
        tfn = f / (f + k1 * (1 - b + b * len(toks[d]) / avgdl))
        return df, idf, f, tfn, idf * tfn

    bm = [sum(part(t, d)[4] for t in qt) for d in range(N)]
    order = sorted(range(N), key=lambda d: (-np.float32(bm[d]), d))[:3]
    out.append("$ search %s --bm25 --explain -k 3" % q)
    out.append("rank\tdoc\tscore\tterm\tcount\tdf\tidf\tfreq\tdl\ttfnorm\tpart")
    for rank, d in enumerate(order, 1):
        for t in qt:
            df, idf, f, tfn, p = part(t, d)
            out.append("%d\td%d\t%s\t%s\t1\t%d\t%s\t%d\t%d\t%s\t%s" % (rank, d + 1, f6(bm[d]), t, df, f6(idf), f,
                       len(toks[d]), f6(tfn), f6(p)))
    out.append("")


def bow_case():
    out.append("# bow: CountVectorizer().fit_transform([text]); --hash: HashingVectorizer(n_features=2**bits, "
               "alternate_sign=True, norm=None); hash: murmurhash3_32")
    for text, opts, kw in [("the cat sat on the mat with the other cat", "", {}),
                           ("New York is not old York, new or old", " --ngram 1,2", {"ngram_range": (1, 2)}),
                           ("the cat sat on the mat with the other cat", " --stopwords english",
                            {"stop_words": "english"}),
                           ("the cat sat on the mat with the other cat", " --binary", {"binary": True})]:
        cv = CountVectorizer(**kw)
        X = cv.fit_transform([text])
        out.append("$ bow %s%s" % (text, opts))
        out.append("term\tcount\tcolumn")
        for t in sorted(cv.vocabulary_):
            out.append("%s\t%d\t%d" % (t, X[0, cv.vocabulary_[t]], cv.vocabulary_[t]))
    for text, bits in [("the cat sat on the mat", 3), ("a rose is a rose is a rose, said Gertrude Stein", 4),
                       ("the quick brown fox jumps over the lazy dog", 20)]:
        hv = HashingVectorizer(n_features=2 ** bits, alternate_sign=True, norm=None)
        X = hv.transform([text])
        cv = CountVectorizer()
        C = cv.fit_transform([text])
        rows = []
        for t in cv.vocabulary_:
            h = murmurhash3_32(t, 0)
            rows.append((abs(h) % 2 ** bits, t, C[0, cv.vocabulary_[t]], "-" if h < 0 else "+"))
        rows.sort()
        out.append("$ bow %s --hash %d" % (text, bits))
        out.append("term\tcount\tbucket\tsign\ttotal")
        for bucket, t, c, sign in rows:
            out.append("%s\t%d\t%d\t%s\t%d" % (t, c, bucket, sign, X[0, bucket]))
    words = ["cat", "dog", "Mat", "new york", "naïve", "東京"]
    out.append("$ hash %s --bits 8" % " ".join(quote(w) for w in words))
    out.append("term\tmurmur3\tbucket\tsign")
    for w in words:
        h = murmurhash3_32(w.lower(), 0)
        out.append("%s\t%d\t%d\t%s" % (w.lower(), h, abs(h) % 256, "-" if h < 0 else "+"))
    out.append("")


def windows_case():
    """word2vec's subsampling: gensim keeps each word with probability
    sample_int / 2^32 (its build_vocab), on the words split on white space."""
    sentences = [d.split() for d in DOCS] * 3
    m = Word2Vec(vector_size=4, min_count=1, sample=0.05, workers=1)
    m.build_vocab(sentences)
    with open(os.path.join(top, "tests", "data", "windows-counts.txt"), "w") as f:
        for w in m.wv.index_to_key:
            f.write("%s %d\n" % (w, m.wv.get_vecattr(w, "count")))
    sent = "the dog sat on the mat"
    out.append("# windows --sample: gensim's keep probabilities (sample_int / 2^32) with the same counts")
    out.append("$ windows %s --window 2 --sample 0.05 --counts windows-counts.txt" % sent)
    out.append("position\tword\tcount\tkeep")
    for i, w in enumerate(sent.split(), 1):
        out.append("%d\t%s\t%d\t%s" % (i, w, m.wv.get_vecattr(w, "count"),
                                        f6(m.wv.get_vecattr(w, "sample_int") / 2 ** 32)))
    words = sent.split()
    out.append("center\tcontext\toffset\tp")
    for c in range(len(words)):
        for j in range(max(0, c - 2), min(len(words), c + 3)):
            if j != c:
                out.append("%s\t%s\t%d\t%s" % (words[c], words[j], j - c, f6((2 - abs(j - c) + 1) / 2)))
    out.append("")


out.append("# Generated by tests/reference/make-references-test.py from scikit-learn %s and gensim %s:"
           % (sklearn.__version__, gensim.__version__))
out.append("# the figures here are theirs (and Lucene's BM25 formula), not vecsh's. Do not edit; run it again.")
out.append("")
out.append("% -q --format tsv")
tfidf_case("", {}, "keywords --explain: TfidfVectorizer() and its intermediate values")
out.append("% -q --format tsv")
tfidf_case(" --sublinear --no-smooth --norm l1", {"sublinear_tf": True, "smooth_idf": False, "norm": "l1"},
           "TfidfVectorizer(sublinear_tf=True, smooth_idf=False, norm='l1')")
out.append("% -q --format tsv")
tfidf_case(" --binary --no-idf --norm none", {"binary": True, "use_idf": False, "norm": None},
           "TfidfVectorizer(binary=True, use_idf=False, norm=None): CountVectorizer(binary=True)")
out.append("% -q --format tsv")
tfidf_case(" --binary --max-features 4", {"binary": True, "max_features": 4},
           "TfidfVectorizer(binary=True, max_features=4): the most frequent terms counted as binary, by df")
out.append("% -q --format tsv")
search_case()
out.append("% -q --format tsv")
bow_case()
out.append("% -q --format tsv")
windows_case()
# a case is a block without blank lines: the comment goes before the arguments
text = "\n".join(out).rstrip("\n") + "\n"
blocks = text.split("\n\n")
fixed = []
for blk in blocks:
    lines = blk.split("\n")
    if lines[0].startswith("% ") and len(lines) > 1 and lines[1].startswith("# "):
        lines[0], lines[1] = lines[1], lines[0]
    fixed.append("\n".join(lines))
open(os.path.join(top, "tests", "references.test"), "w").write("\n\n".join(fixed))
