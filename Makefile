# vecsh: see README.md. `make run` sets up, builds and starts vecsh on the
# demo data; `make check` sets up, builds and runs every test (also under
# AddressSanitizer and UBSan); `make bench` measures.
PREFIX ?= /usr/local
CC ?= cc
CFLAGS ?= -O2 -g
PKGS = readline ncursesw zlib libutf8proc libcjson openblas cairo fontconfig libpng libjpeg stb libpq
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -pthread $(CFLAGS)
# glibc's vector math (libmvec: expf and erff four at a time) where the machine has it
MVEC := $(if $(wildcard /usr/lib/x86_64-linux-gnu/libmvec.so),-lmvec)
ALL_CFLAGS += $(if $(MVEC),-DVS_HAVE_MVEC)
# libpq, cairo and fontconfig are opened on first use (src/pg/libpq.c,
# src/viz/plot.c), not linked: their headers only
LINK_PKGS = $(filter-out libpq cairo fontconfig,$(PKGS))
LIBS = $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null || echo -lreadline -lncursesw -lz -lutf8proc -lcjson -lopenblas -lpng16 -ljpeg -lstb) -lm $(MVEC) -ldl -pthread
# every program keeps src/core/blas.c, which chooses OpenBLAS's kernels before main
LIBS += -Wl,--undefined=vs_blas_choose_kernels
SAN = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Engines, lowest first (each depends only on the ones before it), then the
# terminal layer on top. tests/check-layers.sh keeps it that way.
DOMAINS = core output vectors text train image clip viz pg
ENGINE_SRC = $(foreach d,$(DOMAINS),$(wildcard src/$(d)/*.c))
UI_SRC = $(filter-out src/ui/cli/main.c,$(wildcard src/ui/*/*.c))
LIB_SRC = $(ENGINE_SRC) $(UI_SRC)
MAIN_SRC = src/ui/cli/main.c
UNIT_SRC = $(wildcard tests/unit/test_*.c)
HDRS = $(wildcard src/*/*.h src/*/*.inc)

.PHONY: all deps run check check-fast check-asan unit transcripts examples mancheck bench bench-train bench-fasttext bench-big bench-shape bench-tfidf bench-pg bench-blip fuzz install clean

all: build/vecsh

deps:
	@sh scripts/setup-deps.sh

build/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (ASan, UBSan)"
	@$(CC) $(ALL_CFLAGS) $(SAN) -c $< -o $@

LIB_OBJ = $(LIB_SRC:src/%.c=build/%.o)
LIB_OBJ_ASAN = $(LIB_SRC:src/%.c=build/asan/%.o)

build/libvecsh.a: $(LIB_OBJ)
	@rm -f $@ && ar rcs $@ $^

build/asan/libvecsh.a: $(LIB_OBJ_ASAN)
	@rm -f $@ && ar rcs $@ $^

build/vecsh: build/ui/cli/main.o build/libvecsh.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/asan/vecsh: build/asan/ui/cli/main.o build/asan/libvecsh.a
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/unit/%: tests/unit/%.c build/libvecsh.a $(HDRS)
	@mkdir -p build/unit
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libvecsh.a $(LIBS) -lcmocka

build/asan/unit/%: tests/unit/%.c build/asan/libvecsh.a $(HDRS)
	@mkdir -p build/asan/unit
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $< build/asan/libvecsh.a $(LIBS) -lcmocka

# the fuzz harnesses, built as plain programs that replay the reproducers kept
# under tests/fuzz/crashes (make fuzz builds them with libFuzzer)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BIN = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=build/replay/%)
REPLAY_BIN_ASAN = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=build/asan/replay/%)

build/replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h build/libvecsh.a $(HDRS)
	@mkdir -p build/replay
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c build/libvecsh.a $(LIBS)

build/asan/replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h build/asan/libvecsh.a $(HDRS)
	@mkdir -p build/asan/replay
	$(CC) $(ALL_CFLAGS) $(SAN) -Itests/fuzz -o $@ $< tests/fuzz/replay.c build/asan/libvecsh.a $(LIBS)

UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=build/unit/%)
UNIT_BIN_ASAN = $(UNIT_SRC:tests/unit/%.c=build/asan/unit/%)

# from the project's folder, so the paths of README and help work as typed
# (the demo script's own paths are its folder's)
run: deps build/vecsh
	build/vecsh --init examples/demo.vsh

# Every test: unit tests, transcripts, examples and the man page check,
# first with the normal build, then under AddressSanitizer and UBSan.
check: deps
	@$(MAKE) --no-print-directory check-fast
	@$(MAKE) --no-print-directory check-asan

check-fast: build/vecsh $(UNIT_BIN) $(REPLAY_BIN)
	@sh tests/run-all.sh build

check-asan: build/asan/vecsh $(UNIT_BIN_ASAN) $(REPLAY_BIN_ASAN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run-all.sh build/asan

# libFuzzer on every reader for FUZZ_SECONDS each (default 60); clang from Debian
fuzz: deps
	@sh scripts/setup-deps.sh clang libclang-rt-14-dev fasttext
	@sh tests/fuzz/run.sh

bench: deps build/vecsh
	@sh bench/run.sh

# word2vec training against word2vec, gensim and fastText (tens of minutes)
bench-train: deps build/vecsh
	@sh bench/train.sh

# a GoogleNews-sized set (2 M x 300): vecsh and gensim opening and querying it
bench-big: deps build/vecsh
	@sh bench/big.sh

# fastText models: vecsh and the fasttext tool opening the same 2.4 GB .bin
bench-fasttext: deps build/vecsh
	@sh bench/fasttext.sh

# t-SNE and k-means of 10,000 words: vecsh and scikit-learn in the same run
bench-shape: deps build/vecsh
	@sh bench/shape.sh

# index throughput at corpus scale (about 300 MB), scikit-learn in the same run
bench-tfidf: deps build/vecsh
	@sh bench/tfidf.sh

# a table of 1 M x 100 vectors in the test server (PGlite): the time vecsh adds to psql's
bench-pg: deps build/vecsh
	@sh bench/pg.sh

# BLIP on blip-itm-base-coco's shapes (random weights): vecsh and PyTorch in the same run
bench-blip: deps build/vecsh
	@sh bench/blip.sh

install: build/vecsh
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 build/vecsh $(DESTDIR)$(PREFIX)/bin/vecsh
	install -m 644 man/vecsh.1 $(DESTDIR)$(PREFIX)/share/man/man1/vecsh.1

clean:
	rm -rf build
