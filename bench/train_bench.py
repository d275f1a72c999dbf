#!/usr/bin/python3
"""word2vec training: vecsh's train against word2vec's C tool, gensim's
Word2Vec and fastText (subwords off), same corpus, same parameters, same
threads, in one run. Speed (words a second, and a thread) and quality
(WordSim353 Spearman, Google analogy accuracy within the corpus vocabulary,
both by gensim's evaluate functions; neighbour overlap of the 1,000 most
frequent words' top 10 with gensim's first seed).

    train_bench.py CORPUS WORKDIR [--modes sg-ns,cbow-ns,sg-hs,cbow-hs] [--seeds 3] [--epochs 5]
                   [--tools vecsh,word2vec,gensim,fasttext] [--others-modes sg-ns] [--reuse DIR]

vecsh and gensim run every seed; word2vec's C tool (which has no seed) and
fastText run once, in the modes of --others-modes (default all).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

from gensim.models import KeyedVectors, Word2Vec
from gensim.models.word2vec import LineSentence

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.join(top, "..", "shared", "data")
ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("work")
ap.add_argument("--modes", default="sg-ns")
ap.add_argument("--seeds", type=int, default=1)
ap.add_argument("--epochs", type=int, default=5)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--tools", default="vecsh,word2vec,gensim,fasttext")
ap.add_argument("--others-modes", default=None)
ap.add_argument("--reuse", default=None, help="a folder of MODE-TOOL-SEED.bin models already trained: scored, not trained again")
ap.add_argument("--word2vec", default=os.path.join(top, "build", "word2vec"))
a = ap.parse_args()
os.makedirs(a.work, exist_ok=True)
# every tool's speed from the same figure: the corpus's words (white-space
# tokens, as all four read it) times the epochs, over the whole run's seconds
# (reading, vocabulary, training); each tool's own training-only rate beside it
with open(a.corpus, "rb") as f:
    words_in_corpus = sum(len(line.split()) for line in f)


def params(mode):
    sg = mode.startswith("sg")
    hs = mode.endswith("hs")
    return sg, hs


def run_vecsh(mode, seed, out, extra=""):
    sg, hs = params(mode)
    cmd = "train m %s --model %s %s --dims 100 --window 5 --sample 1e-3 --min-count 5 --epochs %d --threads %d --seed %d%s" % (
        a.corpus, "skipgram" if sg else "cbow", "--hs" if hs else "--negative 5", a.epochs, a.threads, seed, extra)
    t = time.time()
    r = subprocess.run([os.path.join(top, "build", "vecsh"), "-c", cmd, "-c", "save m %s --format word2vec-bin" % out],
                       capture_output=True, text=True)
    el = time.time() - t
    m = re.search(r"\(([0-9]+) words/s\)", r.stderr)
    if r.returncode:
        sys.exit("vecsh: " + r.stderr)
    return el, float(m.group(1)) if m else 0


def run_word2vec(mode, seed, out):
    sg, hs = params(mode)
    # word2vec seeds its generators with the thread number: no seed to give
    cmd = [a.word2vec, "-train", a.corpus, "-output", out, "-binary", "1", "-size", "100", "-window", "5",
           "-sample", "1e-3", "-min-count", "5", "-iter", str(a.epochs), "-threads", str(a.threads),
           "-cbow", "0" if sg else "1", "-hs", "1" if hs else "0", "-negative", "0" if hs else "5",
           "-alpha", "0.025" if sg else "0.05"]
    t = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    el = time.time() - t
    rates = re.findall(r"Words/thread/sec: *([0-9.]+)k", r.stdout)
    return el, float(rates[-1]) * 1000 * a.threads if rates else 0


def run_gensim(mode, seed, out):
    sg, hs = params(mode)
    t = time.time()
    m = Word2Vec(LineSentence(a.corpus), vector_size=100, window=5, sample=1e-3, min_count=5, epochs=a.epochs,
                 workers=a.threads, sg=1 if sg else 0, hs=1 if hs else 0, negative=0 if hs else 5,
                 alpha=0.025 if sg else 0.05, seed=seed)
    el = time.time() - t
    m.wv.save_word2vec_format(out, binary=True)
    return el, 0


def run_fasttext(mode, seed, out):
    sg, hs = params(mode)
    base = out[:-4]
    cmd = ["fasttext", "skipgram" if sg else "cbow", "-input", a.corpus, "-output", base, "-minn", "0", "-maxn",
           "0", "-dim", "100", "-ws", "5", "-t", "1e-3", "-minCount", "5", "-epoch", str(a.epochs), "-thread",
           str(a.threads), "-loss", "hs" if hs else "ns", "-neg", "5", "-lr", "0.025" if sg else "0.05"]
    t = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    el = time.time() - t
    rates = re.findall(r"words/sec/thread: *([0-9]+)", r.stdout + r.stderr)
    kv = KeyedVectors.load_word2vec_format(base + ".vec")
    kv.save_word2vec_format(out, binary=True)
    return el, float(rates[-1]) * a.threads if rates else 0


def quality(path):
    kv = KeyedVectors.load_word2vec_format(path, binary=True)
    pairs = kv.evaluate_word_pairs(os.path.join(shared, "wordsim353.tsv"))
    acc, _ = kv.evaluate_word_analogies(os.path.join(shared, "questions-words.txt"), restrict_vocab=len(kv))
    return kv, pairs[1][0], acc


def overlap(kv, ref, n=1000):
    words = [w for w in ref.index_to_key[:n] if w in kv.key_to_index]
    tot = 0
    for w in words:
        x = {u for u, _ in kv.most_similar(w, topn=10)}
        y = {u for u, _ in ref.most_similar(w, topn=10)}
        tot += len(x & y) / 10
    return tot / len(words)


runners = {"vecsh": run_vecsh, "word2vec": run_word2vec, "gensim": run_gensim, "fasttext": run_fasttext}
tools = [t for t in a.tools.split(",") if t in runners]
if "word2vec" in tools and not os.path.exists(a.word2vec):
    tools.remove("word2vec")
    print("(word2vec's C tool not built: left out)")
if "fasttext" in tools and subprocess.run(["sh", "-c", "command -v fasttext"], capture_output=True).returncode:
    tools.remove("fasttext")
    print("(fasttext not installed: left out)")
print("corpus: %s; %d epochs, %d threads, dims 100, window 5, sample 1e-3, min-count 5" % (a.corpus, a.epochs,
                                                                                          a.threads))
print("%-8s %-9s %4s %8s %11s %11s %11s %9s %9s %8s" % ("mode", "tool", "seed", "seconds", "words/s", "a thread",
                                                          "own/thread", "ws353", "analogy", "overlap"))
for mode in a.modes.split(","):
    res = {}
    refs = []
    for tool in ["gensim"] + [t for t in tools if t != "gensim"] if "gensim" in tools else tools:
        seeded = tool in ("vecsh", "gensim")
        if not seeded and a.others_modes is not None and mode not in a.others_modes.split(","):
            continue
        for seed in range(1, (a.seeds if seeded else 1) + 1):
            out = os.path.join(a.work, "%s-%s-%d.bin" % (mode, tool, seed))
            kept = a.reuse and os.path.join(a.reuse, os.path.basename(out))
            if kept and os.path.exists(kept):
                el, own = float("nan"), 0
                out = kept
            else:
                el, own = runners[tool](mode, seed, out)
            wps = words_in_corpus * a.epochs / el
            kv, rho, acc = quality(out)
            if tool == "gensim" and seed == 1:
                ref = kv
            ov = overlap(kv, ref) if "gensim" in tools and not (tool == "gensim" and seed == 1) else float("nan")
            res.setdefault(tool, []).append((rho, acc, ov))
            print("%-8s %-9s %4d %8.1f %11.0f %11.0f %11.0f %9.4f %9.4f %8.3f" % (mode, tool, seed, el, wps,
                  wps / a.threads, own / a.threads, rho, acc, ov), flush=True)
    for tool, rows in res.items():
        if len(rows) > 1:
            for i, name in enumerate(["ws353", "analogy"]):
                v = [r[i] for r in rows]
                print("%-8s %-9s mean %s %.4f sd %.4f" % (mode, tool, name, statistics.mean(v), statistics.stdev(v)))
    # the criteria: each score's vecsh mean within 2 sd of gensim's seeds or 1.5 points, whichever is
    # larger; vecsh's overlap with gensim's first seed no lower than gensim's other seeds' minus 0.05
    if len(res.get("gensim", [])) > 2 and "vecsh" in res:
        g, v = res["gensim"], res["vecsh"]
        for i, name in enumerate(["ws353", "analogy"]):
            gv, vv = [r[i] for r in g], [r[i] for r in v]
            room = max(2 * statistics.stdev(gv), 0.015)
            gap = statistics.mean(vv) - statistics.mean(gv)
            print("%-8s criterion %s: vecsh - gensim %+.4f, allowed +-%.4f: %s" % (
                mode, name, gap, room, "met" if abs(gap) <= room else "NOT met"))
        gg = statistics.mean(r[2] for r in g[1:])
        vg = statistics.mean(r[2] for r in v)
        print("%-8s criterion overlap: vecsh %.3f, gensim seeds %.3f, needed %.3f: %s" % (
            mode, vg, gg, gg - 0.05, "met" if vg >= gg - 0.05 else "NOT met"), flush=True)
