#!/bin/sh
# Make the test fixtures that are easier to build than to ship: binary and
# compressed files, and malformed variants of the small vector files.
#   usage: make-fixtures.sh DIR VECSH
set -eu
d=$1
vecsh=$2
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$d"
# the same small set in every format
"$vecsh" -q -c "load tiny.txt as t" -c "save t tiny.w2v.txt --format word2vec" \
	-c "save t tiny.bin --format word2vec-bin" -c "save t tiny.vecs"
gzip -9n -c tiny.txt > tiny.txt.gz
gzip -9n -c tiny.bin > tiny.bin.gz
cp tiny.w2v.txt tiny.vec
# malformed
head -c $(($(wc -c < tiny.bin) - 7)) tiny.bin > truncated.bin
head -c 200 tiny.vecs > truncated.vecs
head -c $(($(wc -c < tiny.txt.gz) / 2)) tiny.txt.gz > truncated.txt.gz
{ printf '\037\213\010\000\000\000\000\000\000\003'; printf 'garbage garbage garbage'; } > corrupt2.txt.gz
sed '1s/^12 /13 /' tiny.w2v.txt > header-more.w2v.txt
sed '1s/^12 /11 /' tiny.w2v.txt > header-fewer.w2v.txt
sed '1s/ 4$/ 0/' tiny.w2v.txt > dims-zero.w2v.txt
sed '1s/^12 4$/999999999999 4/' tiny.w2v.txt > count-huge.w2v.txt
sed '1s/^12 4$/12 99999999/' tiny.w2v.txt > dims-huge.w2v.txt
printf '999999999 300\nthe ' > count-huge.bin
# word cut in the middle of a UTF-8 sequence, as GoogleNews has
printf 'caf\303 0.1 0.2 0.3 0.4\nna\303\257ve 0.5 0.6 0.7 0.8\n\377bad 0.9 1.0 1.1 1.2\n' > badutf8.txt
# a duplicate word keeps its first vector
printf 'dup 1 0 0\nother 0 1 0\ndup 0 0 1\n' > duplicates.txt
# a vecs file with a damaged word table
cp tiny.vecs badtable.vecs
printf '\377\377\377\377' | dd of=badtable.vecs bs=1 seek=48 conv=notrunc 2>/dev/null
# .vecs files changed after they were saved (issue 10): a vector value (only
# the checksums see it), a NaN norm, zeroed hash slots, and a version 1 file
python3 - tiny.vecs <<'PY'
import struct, sys, zlib
src = open(sys.argv[1], 'rb').read()
def fields(b):
    count, dims, wo, wl, oo, so, ns, no, vo, fs = struct.unpack_from('<QQQQQQQQQQ', b, 16)
    return dict(count=count, dims=dims, slots=so, nslots=ns, norms=no, vectors=vo)
f = fields(src)
def out(name, b, fix_header=True):
    b = bytearray(b)
    if fix_header:  # keep the header's CRC valid, so that the change itself is what is found
        size = struct.unpack_from('<I', b, 12)[0]
        struct.pack_into('<I', b, 120, 0)
        struct.pack_into('<I', b, 120, zlib.crc32(bytes(b[:size])) & 0xffffffff)
    open(name, 'wb').write(b)
# two words swapped in the sorted table (only the checksums see it), and a
# vector value (its codes no longer match it: every open samples them)
sorted_off = struct.unpack_from('<Q', src, 152)[0]
b = bytearray(src); b[sorted_off:sorted_off + 8] = src[sorted_off + 4:sorted_off + 8] + src[sorted_off:sorted_off + 4]
out('changed.vecs', b)
b = bytearray(src); struct.pack_into('<f', b, f['vectors'] + 4, 9.5); out('edited.vecs', b)
b = bytearray(src); struct.pack_into('<f', b, f['norms'] + 8, float('nan')); out('nan-norm.vecs', b)
b = bytearray(src); b[f['slots']:f['slots'] + 4 * f['nslots']] = bytes(4 * f['nslots']); out('no-slots.vecs', b)
# the files of older vecsh: version 1 (no checksums) and 2 (no codes, no
# sorted words), made by moving version 3's tables 64 bytes down
def older(version):
    end = f['vectors'] + 4 * f['count'] * f['dims']
    b = bytearray(src[:128]) + bytearray(src[192:end])
    struct.pack_into('<II', b, 8, version, 128)
    for at in (32, 48, 56, 72, 80):  # words, word offsets, slots, norms, vectors
        struct.pack_into('<Q', b, at, struct.unpack_from('<Q', b, at)[0] - 64)
    b[96:128] = bytes(32)
    if version == 2:
        body_end, block = len(b), 1 << 20
        crc_off = (body_end + 3) // 4 * 4
        crcs = b''.join(struct.pack('<I', zlib.crc32(bytes(b[at:min(at + block, body_end)])) & 0xffffffff)
                        for at in range(128, body_end, block))
        b += bytes(crc_off - body_end) + crcs
        struct.pack_into('<QQQ', b, 96, crc_off, block, body_end)
    struct.pack_into('<Q', b, 88, len(b))
    return b
out('v1.vecs', older(1), False)
out('v2.vecs', older(2))
PY
cp tiny.vecs badmagic.vecs
printf '\211VECX' | dd of=badmagic.vecs bs=1 seek=0 conv=notrunc 2>/dev/null
# the corpus gains a compressed page, a binary file and one that is not UTF-8
printf 'Jupiter is the largest planet, a gas giant with a great red storm and many moons.\n' |
	gzip -9n > corpus/space/jupiter.txt.gz
printf 'binary\000data\001\002' > corpus/binary.dat
printf 'na\357ve caf\351 latin-1 text about cats\n' > corpus/latin1.txt
mkdir -p emptydir
# a folder with a link to nothing: an entry that cannot be read
mkdir -p broken && echo "words that can be read" > broken/ok.txt && ln -sf /nonexistent/file broken/gone.txt
# a saved index, cut short
"$vecsh" -q -c "index c corpus" -c "save c full-index.vsix" 2>/dev/null
head -c 2000 full-index.vsix > truncated-index.vsix
# found by fuzzing: headers with valid checksums whose counts are absurd (a
# table of 2^62 hash slots, whose size wrapped to 0; n-grams up to INT_MAX)
python3 - full-index.vsix <<'PY'
import struct, sys, zlib
h = bytearray(open(sys.argv[1], 'rb').read())
hs = struct.unpack_from('<I', h, 12)[0]      # the header's size; its CRC is in its last 8 bytes
def patch(name, at, fmt, value):
    b = bytearray(h)
    struct.pack_into(fmt, b, at, value)
    struct.pack_into('<I', b, hs - 8, 0)        # the header's CRC is of itself with the field 0
    struct.pack_into('<I', b, hs - 8, zlib.crc32(bytes(b[:hs])) & 0xffffffff)
    open(name, 'wb').write(b)
patch('slots-index.vsix', 32, '<Q', 1 << 62)   # nslots
patch('ngram-index.vsix', 64, '<i', 2147483647) # ngram_max
PY
rm -f full-index.vsix
# index files as vecsh wrote them before version 3 (no raw terms kept for
# index add and remove; version 1 had no typed texts, no_idf or binary):
# version 3 files with their last sections dropped
"$vecsh" -q -c "index c corpus" -c "save c v3-plain.vsix" -c "index p corpus --min-df 2" -c "save p v3-pruned.vsix" 2>/dev/null
python3 - <<'PY'
import struct, zlib
def older(src, dst, version):
    d = open(src, 'rb').read()
    head = bytearray(d[:120])            # magic .. max_features
    off = struct.unpack_from('<28Q', d, 120)
    ln = struct.unpack_from('<28Q', d, 344)
    no_idf, binary = struct.unpack_from('<ii', d, 568)
    nsec = 21 if version == 1 else 23
    extra = b'' if version == 1 else struct.pack('<ii', no_idf, binary)
    hs = 120 + 16 * nsec + len(extra) + 8
    body, offs, lens, pos = b'', [], [], hs
    for s in range(nsec):
        sec = d[off[s]:off[s] + ln[s]]
        pad = (-len(sec)) % 8
        offs.append(pos); lens.append(len(sec))
        body += sec + b'\0' * pad
        pos += len(sec) + pad
    struct.pack_into('<II', head, 8, version, hs)
    struct.pack_into('<Q', head, 40, pos)   # file_size
    h = bytes(head) + struct.pack('<%dQ' % nsec, *offs) + struct.pack('<%dQ' % nsec, *lens) + extra
    crc_data = zlib.crc32(body) & 0xffffffff
    crc_head = zlib.crc32(h + struct.pack('<II', 0, crc_data)) & 0xffffffff
    open(dst, 'wb').write(h + struct.pack('<II', crc_head, crc_data) + body)
older('v3-plain.vsix', 'v2-plain.vsix', 2)
older('v3-pruned.vsix', 'v2-pruned.vsix', 2)
older('v3-plain.vsix', 'v1-plain.vsix', 1)
PY
rm -f v3-plain.vsix v3-pruned.vsix
# CLIP checkpoints: broken ones made here, and a random one from the numpy reference
mkdir -p clip-noconfig clip-badconfig clip-nomodel clip-badheader clip-missing clip-shape
printf '{not json' > clip-badconfig/config.json
cfg='{"projection_dim": 4, "text_config": {"hidden_size": 8, "intermediate_size": 16, "num_attention_heads": 2, "num_hidden_layers": 1, "max_position_embeddings": 77, "vocab_size": 49408}}'
for d in clip-nomodel clip-badheader clip-missing clip-shape; do printf '%s' "$cfg" > $d/config.json; done
printf '\377\377\377\377\000\000\000\000{}' > clip-badheader/model.safetensors
st() { # st DIR JSON: a safetensors file whose data is 4096 zero bytes
	len=$(printf '%s' "$2" | wc -c)
	printf "$(printf '\\%03o\\%03o\\%03o\\000\\000\\000\\000\\000' $((len % 256)) $((len / 256 % 256)) $((len / 65536)))" > "$1/model.safetensors"
	printf '%s' "$2" >> "$1/model.safetensors"
	head -c 4096 /dev/zero >> "$1/model.safetensors"
}
st clip-missing '{"text_model.final_layer_norm.weight": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}'
st clip-shape '{"text_model.embeddings.token_embedding.weight": {"dtype": "F32", "shape": [10, 8], "data_offsets": [0, 320]}}'
# found by fuzzing: a shape that disagrees with its offsets (the message read a
# freed name), and a shape of 1e300 beside a 0 (an undefined cast)
mkdir -p clip-offsets clip-huge
for d in clip-offsets clip-huge; do printf '%s' "$cfg" > $d/config.json; done
st clip-offsets '{"text_model.embeddings.token_embedding.weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 4]}}'
st clip-huge '{"text_model.embeddings.token_embedding.weight": {"dtype": "F32", "shape": [1e300, 0], "data_offsets": [0, 0]}}'
# not images: 408 bytes of text (no magic number: once read as a TGA), and a
# BMP that claims 30000 x 30000 pixels
head -c 408 /dev/urandom | od -An -tx1 | head -c 408 > notimage.dat
printf 'BM\066\000\000\000\000\000\000\000\066\000\000\000\050\000\000\000\060\165\000\000\060\165\000\000\001\000\030\000\000\000\000\000\000\000\000\000\023\013\000\000\023\013\000\000\000\000\000\000\000\000\000\000' > bomb.bmp
py=python3
/usr/bin/python3 -c 'import numpy' 2>/dev/null && py=/usr/bin/python3
bpe="$top/../shared/data/clip/bpe_simple_vocab_16e6.txt.gz"
if $py -c 'import numpy' 2>/dev/null && [ -f "$bpe" ]; then
	mkdir -p clipmodel
	$py "$top/tests/clip_reference.py" clipmodel quick_gelu
	ln -sf "$bpe" clipmodel/
fi
# pictures of every kind (CLIP's and BLIP's cases use them; they need no BPE)
if $py -c 'import numpy, PIL' 2>/dev/null; then
	mkdir -p images
	$py "$top/tests/image_reference.py" images 32
	rm -f images/*.f32
fi
# a random BLIP retrieval checkpoint (tests/blip_reference.py; compared with numpy in tests/unit/test_blip.c)
if $py -c 'import numpy' 2>/dev/null; then
	mkdir -p blipmodel
	$py "$top/tests/blip_reference.py" blipmodel tiny
	rm -f blipmodel/*.f32 blipmodel/expected-* blipmodel/tokens.tsv
fi
# a numpy .npy matrix (float16) with labels, written by hand: header, then 4 x 3 halves
{
	printf '\223NUMPY\001\000v\000'
	printf "%-117s\n" "{'descr': '<f2', 'fortran_order': False, 'shape': (4, 3), }"
	printf '\000\074\000\000\000\000\000\000\000\074\000\000\000\074\000\074\000\000\000\300\000\000\000\000'
} > vectors.npy
printf 'cat.jpg\ndog.jpg\nsun set.png\ntree.jpg\n' > labels.txt
# numpy's default dtype, float64: 2 x 2, rows (1, 0) and (0.5, 2)
{
	printf '\223NUMPY\001\000v\000'
	printf "%-117s\n" "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"
	printf '\000\000\000\000\000\000\360\077\000\000\000\000\000\000\000\000'
	printf '\000\000\000\000\000\000\340\077\000\000\000\000\000\000\000\100'
} > vectors64.npy
printf 'a\nb\n' > labels2.txt
# a version 2 file cut inside its 12-byte preamble
printf '\223NUMPY\002\000\001\000\000' > short-v2.npy
# a set with a zero vector, and a corpus with two identical documents
printf 'king 1 2 0\nqueen 1 1.5 0.2\nnought 0 0 0\napple -1 0 2\n' > zero.txt
# (long texts, where float32 sums drift: the GPL from Debian's base-files)
mkdir -p dup
cp /usr/share/common-licenses/GPL-3 dup/a.txt
cp dup/a.txt dup/b.txt
cp /usr/share/common-licenses/GPL-2 dup/c.txt
# a script in a folder of its own, with a relative path
mkdir -p sub
cp tiny.txt sub/
printf '# run from elsewhere\nload tiny.txt as near\nnn king -k 1\nnn nosuch\n' > sub/near.vsh
printf 'a 1 0\nb -0.0000001 1\n' > negzero.txt
# a word-pair file with a score that is not a number, and a script with a NUL byte
printf 'king\tqueen\tnan\n' > nanpairs.tsv
printf 'load tiny.txt\nnn ki\000ng -k 1\nsim king queen\n' > nul.vsh
printf 'half a save' > stale.vecs.tmp.AbC123
# fastText models made wrong: truncated, a later version, absurd dims, a
# bucket count that disagrees with the input matrix, an unknown model type
ft=$top/examples/data/kjv-fasttext.bin
head -c 100000 "$ft" > ft-truncated.bin
head -c 30 "$ft" > ft-header.bin
patch_bytes() { # patch_bytes FILE OFFSET OCTAL-BYTES...
	f=$1 at=$2
	shift 2
	printf "$(printf '\\%s' "$@")" | dd of="$f" bs=1 seek="$at" conv=notrunc status=none
}
cp "$ft" ft-version.bin && patch_bytes ft-version.bin 4 015
cp "$ft" ft-dims.bin && patch_bytes ft-dims.bin 8 377 377 377 177
cp "$ft" ft-bucket.bin && patch_bytes ft-bucket.bin 40 017
cp "$ft" ft-model.bin && patch_bytes ft-model.bin 36 011
# a dictionary word that is not UTF-8 (repaired, its vector made at load), and
# a word twice
cp "$ft" ft-badutf8.bin && patch_bytes ft-badutf8.bin 92 377
cp "$ft" ft-twice.bin && patch_bytes ft-twice.bin 105 164 150 145
# word2vec binary with a word longer than the reader's first look (4 KiB)
{ printf '2 2\n'; head -c 10000 /dev/zero | tr '\0' a; printf ' \000\000\200\077\000\000\000\100\nb \000\000\100\100\000\000\200\100\n'; } > longword.bin
gzip -9n -c longword.bin > longword.bin.gz
# a quantized model whose quantizer disagrees with its dimensions (nsubq + 1)
python3 - fasttext/kjv-books.ftz ft-quantizer.ftz <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
o = 8 + 12 * 4 + 8
size = struct.unpack_from("<i", b, o)[0]
pruned = struct.unpack_from("<q", b, o + 20)[0]
o += 28
for _ in range(size):  # word, NUL, count, type
    o = b.index(b"\0", o) + 1 + 8 + 1
o += 8 * max(pruned, 0) + 2  # the pruned buckets, the quantization and qnorm flags
o += 16
codesize = struct.unpack_from("<i", b, o)[0]
o += 4 + codesize  # the quantizer: dim, nsubq, dsub, lastdsub
struct.pack_into("<i", b, o + 4, struct.unpack_from("<i", b, o + 4)[0] + 1)
open(sys.argv[2], "wb").write(b)
PY
