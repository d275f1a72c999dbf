#!/usr/bin/env python3
"""The reference for bench/bench_blip.c: BLIP's forward pass as Hugging
Face's BlipForImageTextRetrieval defines it, in PyTorch (float32) where
python3-torch is installed, else numpy; timed on the same checkpoint and
compared with what vecsh computed (bench_blip's OUTDIR/blip-vecsh.tsv).

usage: blip_torch.py CHECKPOINT_DIR OUTDIR"""
import json, math, struct, sys, time
import numpy as np

ckpt, outdir = sys.argv[1], sys.argv[2]
try:
    import torch
    import torch.nn.functional as F
    torch.set_grad_enabled(False)
    lib = 'PyTorch ' + torch.__version__
except ImportError:
    torch = None
    lib = 'numpy (no PyTorch)'

t0 = time.perf_counter()
cfg = json.load(open(f'{ckpt}/config.json'))
tc, vc = cfg['text_config'], cfg['vision_config']
raw = open(f'{ckpt}/model.safetensors', 'rb').read()
hl = struct.unpack('<Q', raw[:8])[0]
hdr = json.loads(raw[8:8 + hl])
W = {}
for name, e in hdr.items():
    if name == '__metadata__' or e['dtype'] not in ('F32', 'F16'):
        continue
    a, b = e['data_offsets']
    arr = np.frombuffer(raw, dtype=np.float32 if e['dtype'] == 'F32' else np.float16, count=(b - a) // (4 if e['dtype'] == 'F32' else 2),
                        offset=8 + hl + a).reshape(e['shape']).astype(np.float32)
    W[name] = torch.from_numpy(arr.copy()) if torch else arr
load_s = time.perf_counter() - t0

if torch:
    lin = lambda x, w, b=None: F.linear(x, w, b)
    ln = lambda x, w, b, eps: F.layer_norm(x, (x.shape[-1],), w, b, eps)
    gelu = F.gelu
    softmax = lambda a: torch.softmax(a, -1)
    cat = lambda xs: torch.cat(xs, 0)
    T = lambda a: torch.from_numpy(a)
else:
    def lin(x, w, b=None):
        y = x @ w.T
        return y + b if b is not None else y
    def ln(x, w, b, eps):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + eps) * w + b
    gelu = lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    def softmax(a):
        a = np.exp(a - a.max(-1, keepdims=True))
        return a / a.sum(-1, keepdims=True)
    cat = lambda xs: np.concatenate(xs, 0)
    T = lambda a: a

def attention(q, k, v, heads):
    n, D = q.shape
    hd = D // heads
    q = q.reshape(n, heads, hd).transpose(0, 1) if torch else q.reshape(n, heads, hd).transpose(1, 0, 2)
    k = k.reshape(-1, heads, hd).transpose(0, 1) if torch else k.reshape(-1, heads, hd).transpose(1, 0, 2)
    v = v.reshape(-1, heads, hd).transpose(0, 1) if torch else v.reshape(-1, heads, hd).transpose(1, 0, 2)
    kt = k.transpose(1, 2) if torch else k.transpose(0, 2, 1)
    o = softmax((q @ kt) / math.sqrt(hd)) @ v
    return o.transpose(0, 1).reshape(n, D) if torch else o.transpose(1, 0, 2).reshape(n, D)

VD, VH, S, P = vc.get('hidden_size', 768), vc.get('num_attention_heads', 12), vc.get('image_size', 384), vc.get('patch_size', 16)
TD, TH = tc.get('hidden_size', 768), tc.get('num_attention_heads', 8)
VE, TE = vc.get('layer_norm_eps', 1e-5), tc.get('layer_norm_eps', 1e-12)
G = S // P

def vision(px):
    p = 'vision_model.'
    patches = T(px.reshape(3, G, P, G, P).transpose(1, 3, 0, 2, 4).reshape(G * G, 3 * P * P).copy())
    emb = lin(patches, W[p + 'embeddings.patch_embedding.weight'].reshape(VD, -1), W[p + 'embeddings.patch_embedding.bias'])
    x = cat([W[p + 'embeddings.class_embedding'].reshape(1, VD), emb]) + W[p + 'embeddings.position_embedding'][0]
    for l in range(vc.get('num_hidden_layers', 12)):
        q = f'{p}encoder.layers.{l}.'
        h = ln(x, W[q + 'layer_norm1.weight'], W[q + 'layer_norm1.bias'], VE)
        qkv = lin(h, W[q + 'self_attn.qkv.weight'], W[q + 'self_attn.qkv.bias'])
        x = x + lin(attention(qkv[:, :VD], qkv[:, VD:2 * VD], qkv[:, 2 * VD:], VH), W[q + 'self_attn.projection.weight'],
                    W[q + 'self_attn.projection.bias'])
        h = ln(x, W[q + 'layer_norm2.weight'], W[q + 'layer_norm2.bias'], VE)
        x = x + lin(gelu(lin(h, W[q + 'mlp.fc1.weight'], W[q + 'mlp.fc1.bias'])), W[q + 'mlp.fc2.weight'], W[q + 'mlp.fc2.bias'])
    return ln(x, W[p + 'post_layernorm.weight'], W[p + 'post_layernorm.bias'], VE)

def cross_kv(img):
    kv = []
    for l in range(tc.get('num_hidden_layers', 12)):
        q = f'text_encoder.encoder.layer.{l}.crossattention.self.'
        kv.append((lin(img, W[q + 'key.weight'], W[q + 'key.bias']), lin(img, W[q + 'value.weight'], W[q + 'value.bias'])))
    return kv

def text(ids, kv=None):
    e = 'text_encoder.embeddings.'
    x = ln(W[e + 'word_embeddings.weight'][ids] + W[e + 'position_embeddings.weight'][:len(ids)],
           W[e + 'LayerNorm.weight'], W[e + 'LayerNorm.bias'], TE)
    for l in range(tc.get('num_hidden_layers', 12)):
        p = f'text_encoder.encoder.layer.{l}.'
        a = attention(lin(x, W[p + 'attention.self.query.weight'], W[p + 'attention.self.query.bias']),
                      lin(x, W[p + 'attention.self.key.weight'], W[p + 'attention.self.key.bias']),
                      lin(x, W[p + 'attention.self.value.weight'], W[p + 'attention.self.value.bias']), TH)
        x = ln(lin(a, W[p + 'attention.output.dense.weight'], W[p + 'attention.output.dense.bias']) + x,
               W[p + 'attention.output.LayerNorm.weight'], W[p + 'attention.output.LayerNorm.bias'], TE)
        if kv is not None:
            a = attention(lin(x, W[p + 'crossattention.self.query.weight'], W[p + 'crossattention.self.query.bias']),
                          kv[l][0], kv[l][1], TH)
            x = ln(lin(a, W[p + 'crossattention.output.dense.weight'], W[p + 'crossattention.output.dense.bias']) + x,
                   W[p + 'crossattention.output.LayerNorm.weight'], W[p + 'crossattention.output.LayerNorm.bias'], TE)
        h = gelu(lin(x, W[p + 'intermediate.dense.weight'], W[p + 'intermediate.dense.bias']))
        x = ln(lin(h, W[p + 'output.dense.weight'], W[p + 'output.dense.bias']) + x, W[p + 'output.LayerNorm.weight'],
               W[p + 'output.LayerNorm.bias'], TE)
    return x

def unit(v):
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)

fastest = {}

def median_time(f, n, name=None):
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        r = f()
        ts.append(time.perf_counter() - t)
    if name:
        fastest[name] = min(ts)
    return sorted(ts)[n // 2], r

px = np.fromfile(f'{outdir}/blip-px.f32', dtype=np.float32).reshape(3, S, S)
rows = open(f'{outdir}/blip-vecsh.tsv').read().splitlines()
texts = []
for row in rows[1:]:
    ids_s, p_s, emb_s = row.split('\t')
    ids = [int(i) for i in ids_s.split()]
    texts.append((torch.tensor(ids) if torch else np.array(ids), float(p_s), np.array(emb_s.split(), dtype=np.float64)))

def answers(img):
    """The image's ITC embedding, then each text's ITC embedding and ITM probability."""
    out = [unit(lin(img[0], W['vision_proj.weight'], W['vision_proj.bias']))]
    kv = cross_kv(img)
    for idx, _, _ in texts:
        out.append(unit(lin(text(idx)[0], W['text_proj.weight'], W['text_proj.bias'])))
        logits = np.asarray(lin(text(idx, kv)[0], W['itm_head.weight'], W['itm_head.bias']), dtype=np.float64)
        out.append(np.array([1 / (1 + math.exp(logits[0] - logits[1]))]))
    return out

def worst(a, b):
    return max(np.abs(x - y).max() for x, y in zip(a, b))

# timed in float32, as vecsh computes
vis_s, img = median_time(lambda: vision(px), 9 if torch else 1, 'vision')
kv = cross_kv(img)
text_s, itm_s = [], []
for idx, _, _ in texts:
    text_s.append(median_time(lambda: text(idx), 7 if torch else 1)[0])
    itm_s.append(median_time(lambda: text(idx, kv), 7 if torch else 1)[0])
print(f'{lib}: read the checkpoint {load_s:.2f} s; image encoder {vis_s * 1e3:.1f} ms '
      f'(fastest {fastest["vision"] * 1e3:.1f}); ITC text '
      f'{sorted(text_s)[1] * 1e3:.2f} ms; ITM pair with keys and values kept {sorted(itm_s)[1] * 1e3:.2f} ms')

# float32 answers, vecsh's, and the same pass in float64: random weights at
# these depths make float32's rounding grow to about 1e-5 in either program,
# so each is measured against the float64 pass
ref32 = answers(img)
got = [np.array(rows[0].split()[1:], dtype=np.float64)]
for _, p, emb in texts:
    got += [emb, np.array([p])]
for name in list(W):
    W[name] = W[name].double() if torch else W[name].astype(np.float64)
ref64 = answers(vision(px.astype(np.float64)))
ours, theirs = worst(got, ref64), worst(ref32, ref64)
print(f'largest difference from the float64 pass (ITC embeddings, ITM probabilities): vecsh {ours:.2e}, '
      f'{lib.split()[0]} float32 {theirs:.2e}; vecsh to {lib.split()[0]} {worst(got, ref32):.2e}  '
      f'[vecsh < 1e-5, or within twice the reference\'s own]')
sys.exit(0 if ours < max(1e-5, 2 * theirs) else 1)
