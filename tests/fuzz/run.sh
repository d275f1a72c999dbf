#!/bin/sh
# make fuzz: every harness built with clang's libFuzzer (ASan, UBSan) and run
# for FUZZ_SECONDS (default 60; FUZZ_ONLY=NAME runs one harness) from a
# seed corpus of small valid files made here; what it finds lands in build/fuzz/found/HARNESS/ (keep a reproducer
# under tests/fuzz/crashes/HARNESS/, where make check replays it).
set -eu
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
out=build/fuzz
cc=${FUZZ_CC:-clang}
flags="-std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -Isrc -Itests/fuzz $(pkg-config --cflags readline ncursesw zlib libutf8proc libcjson openblas cairo fontconfig libpng libjpeg stb libpq)"
libs="$(pkg-config --libs readline ncursesw zlib libutf8proc libcjson openblas libpng libjpeg stb) -lm $(test -f /usr/lib/x86_64-linux-gnu/libmvec.so && echo -lmvec) -ldl -pthread"
[ -f /usr/lib/x86_64-linux-gnu/libmvec.so ] && flags="$flags -DVS_HAVE_MVEC"
mkdir -p "$out/obj" "$out/seeds" "$out/found"
echo "fuzz: building the library with $cc (coverage, ASan, UBSan)"
objs=""
# an object is stale when its source or any header is newer (a struct may have changed)
hdr=$(ls -t src/*/*.h src/*/*.inc include/*.h 2>/dev/null | head -1)
for src in $(ls src/*/*.c src/ui/*/*.c | grep -v src/ui/cli/main.c); do # every domain
	o="$out/obj/$(echo "$src" | tr / _).o"
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$hdr" -nt "$o" ]; then
		$cc $flags -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$o"
	fi
	objs="$objs $o"
done
# the seeds: the test fixtures, made as make check makes them
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
cp -r tests/data/. "$seeds/"
make --no-print-directory build/vecsh >/dev/null
VECSH_CACHE="$seeds/cache" sh tests/make-fixtures.sh "$seeds" "$PWD/build/vecsh" >/dev/null 2>&1
build/vecsh -q -c "index c $seeds/corpus" -c "save c $seeds/small.vsix" 2>/dev/null
# an index of typed texts (its texts kept in the file), hashed and binary
build/vecsh -q -c 'index t --text "the cat sat" "the dog sat on the log" --hash 4 --binary --no-idf' \
	-c "save t $seeds/typed.vsix" 2>/dev/null
seed() { # seed HARNESS FILE...
	mkdir -p "$out/seeds/$1"
	shift_name=$1
	shift
	for f in "$@"; do [ -f "$f" ] && cp "$f" "$out/seeds/$shift_name/" || true; done
}
seed vectors "$seeds/tiny.txt" "$seeds/tiny.bin" "$seeds/tiny.vecs" "$seeds/cjk.txt" "$seeds/v1.vecs"
seed index "$seeds/small.vsix" "$seeds/typed.vsix"
seed safetensors "$seeds"/clip-*/model.safetensors
mkdir -p "$out/seeds/clipconfig"
for c in "$seeds"/clip*/config.json "$seeds"/blip*/config.json; do
	[ -f "$c" ] && cp "$c" "$out/seeds/clipconfig/$(basename "$(dirname "$c")").json"
done
mkdir -p "$out/seeds/wordpiece"
printf 'H\303\251llo, WORLD! [MASK] unaffable \344\270\255\345\233\275 caf\303\251' > "$out/seeds/wordpiece/text"
seed image "$seeds"/images/*
seed npy "$seeds/vectors.npy" "$seeds/vectors64.npy"
seed script tests/data/script.vsh tests/data/failing.vsh
seed eval "$seeds/analogies.txt" "$seeds/pairs.tsv"
seed words examples/data/roff-stopwords.txt
# fastText models: the quantized one, and a tiny one trained here (the
# committed skip-gram model is larger than an input may be)
seed fasttext tests/data/fasttext/kjv-books.ftz
if command -v fasttext >/dev/null 2>&1; then
	fasttext skipgram -input examples/data/sentences.txt -output "$seeds/tiny-ft" -dim 4 -bucket 200 -minCount 20 \
		-epoch 1 -thread 1 -verbose 0 && seed fasttext "$seeds/tiny-ft.bin"
	fasttext cbow -input examples/data/sentences.txt -output "$seeds/tiny-cbow" -dim 4 -maxn 0 -minCount 20 \
		-epoch 1 -thread 1 -verbose 0 && seed fasttext "$seeds/tiny-cbow.bin"
fi
status=0
for h in tests/fuzz/fuzz_${FUZZ_ONLY:-*}.c; do
	name=$(basename "$h" .c | sed 's/^fuzz_//')
	$cc $flags -fsanitize=fuzzer,address,undefined "$h" $objs $libs -o "$out/fuzz_$name"
	mkdir -p "$out/corpus/$name" "$out/found/$name"
	echo "fuzz: $name for $secs s"
	if ! "$out/fuzz_$name" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/found/$name/" "$out/corpus/$name" "$out/seeds/$name" \
		> "$out/$name.log" 2>&1; then
		status=1
		echo "fuzz: $name found something: $(ls "$out/found/$name" | head -3)"
	fi
	grep -E "^#[0-9]+.*DONE|^Done" "$out/$name.log" | tail -2 | sed "s/^/  $name: /"
done
exit $status
