#!/bin/sh
# make bench-train: vecsh's word2vec training against word2vec's C tool (its
# source from the npm package "word2vec", built here), gensim's Word2Vec and
# fastText (Debian's), on a corpus of about 10 M words (bench/make-train-corpus.sh),
# same parameters and threads: speed and quality, in one run.
#   BENCH_TRAIN_MODES (default sg-ns,cbow-ns,sg-hs,cbow-hs), BENCH_TRAIN_SEEDS (default 3),
#   BENCH_TRAIN_TOOLS (default vecsh,word2vec,gensim,fasttext), BENCH_TRAIN_EPOCHS (default 5),
#   BENCH_TRAIN_OTHERS (the modes word2vec and fastText run in, once each; default sg-ns),
#   BENCH_TRAIN_REUSE (a folder of models trained before, MODE-TOOL-SEED.bin: scored, not trained again)
set -eu
cd "$(dirname "$0")/.."
. bench/blas-env.sh
sh scripts/setup-deps.sh python3-gensim fasttext bible-kjv
command -v npm >/dev/null || sh scripts/setup-deps.sh npm
make --no-print-directory build/vecsh >/dev/null
shared=../shared/data
[ -f "$shared/questions-words.txt" ] || { echo "bench-train: needs ../shared/data (the analogy and WordSim353 sets)"; exit 1; }
corpus=bench/data/train-corpus.txt
[ -s "$corpus" ] || sh bench/make-train-corpus.sh "$corpus"
if [ ! -x build/word2vec ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && npm pack word2vec >/dev/null 2>&1 && tar xzf word2vec-*.tgz)
	# the flags of its own makefile
	cc -O3 -march=native -funroll-loops -Wno-unused-result -pthread "$tmp/package/src/word2vec.c" -o build/word2vec -lm
	rm -rf "$tmp"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/train_bench.py "$corpus" "$work" --modes "${BENCH_TRAIN_MODES:-sg-ns,cbow-ns,sg-hs,cbow-hs}" \
	--seeds "${BENCH_TRAIN_SEEDS:-3}" --epochs "${BENCH_TRAIN_EPOCHS:-5}" \
	--tools "${BENCH_TRAIN_TOOLS:-vecsh,word2vec,gensim,fasttext}" --others-modes "${BENCH_TRAIN_OTHERS:-sg-ns}" \
	${BENCH_TRAIN_REUSE:+--reuse "$BENCH_TRAIN_REUSE"}
