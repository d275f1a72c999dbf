#!/bin/sh
# make bench-blip: BLIP on a checkpoint of Salesforce/blip-itm-base-coco's
# shapes with random weights (tests/blip_reference.py base, about 900 MB, made
# once in bench/data/blip-base), against the same forward pass in PyTorch
# (python3-torch, installed if missing) in the same run, which also checks
# vecsh's ITC embeddings and ITM probabilities to 1e-5.
set -eu
cd "$(dirname "$0")/.."
. bench/blas-env.sh
/usr/bin/python3 -c 'import numpy, PIL' 2>/dev/null || sh scripts/setup-deps.sh
/usr/bin/python3 -c 'import torch' 2>/dev/null || sh scripts/setup-deps.sh python3-torch || true
dir=bench/data/blip-base
# made before its vocabulary had the captions' words: made again
[ -f "$dir/vocab.txt" ] && ! grep -qx woman "$dir/vocab.txt" && rm -rf "$dir"
if [ ! -f "$dir/model.safetensors" ]; then
	mkdir -p "$dir"
	/usr/bin/python3 tests/blip_reference.py "$dir" base
fi
make --no-print-directory build/libvecsh.a >/dev/null
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Isrc -o build/bench_blip bench/bench_blip.c build/libvecsh.a -Wl,--undefined=vs_blas_choose_kernels \
	$(pkg-config --libs openblas zlib libutf8proc libcjson cairo fontconfig libpng libjpeg stb libpq) -lm $(test -f /usr/lib/x86_64-linux-gnu/libmvec.so && echo -lmvec) -pthread
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tests/image_reference.py "$tmp" 32 >/dev/null
echo "vecsh $(git describe --always --dirty 2>/dev/null || echo) on $(nproc) cores; targets in brackets"
./build/bench_blip "$dir" "$tmp/smooth.jpg" "$tmp"
/usr/bin/python3 bench/blip_torch.py "$dir" "$tmp"
