#!/usr/bin/env python3
"""An independent reference for vecsh's BLIP: writes a BLIP image-text
retrieval checkpoint with random weights in Hugging Face's layout
(config.json, model.safetensors, vocab.txt) and what numpy computes for it,
step by step as Hugging Face's BlipForImageTextRetrieval (modeling_blip.py,
modeling_blip_text.py) defines the forward pass, and the token ids of texts
under BertTokenizer's rules (written here from its definition, with
Python's unicodedata).

The two towers have different widths, heads and feed-forward sizes, so a
swapped dimension cannot pass; LayerNorm gains and every bias are drawn away
from 1 and 0; some tensors are float16; the text encoder's position_ids
buffer (int64) is in the file, as in older checkpoints.

usage: blip_reference.py OUTDIR [SHAPES [IMAGES_DIR]]
  SHAPES: tiny (the default, for make check) or base (blip-itm-base-coco's
  shapes, for make bench: only the checkpoint is written).
Writes OUTDIR/config.json, model.safetensors, vocab.txt; for tiny also
  expected-text.tsv   token ids, TAB, the ITC text embedding (normalised)
  pixels-N.f32        3 x 32 x 32 float32 preprocessed pixels
  expected-images.tsv N, TAB, the ITC image embedding (normalised)
  expected-itm.tsv    N, TAB, enc_first, TAB, token ids, TAB, match probability
  tokens.tsv          a text (JSON string), TAB, its token ids
and with IMAGES_DIR, NAME.blip.f32 for each image there: what
BlipImageProcessor makes of it through PIL (convert RGB, bicubic resize to
32 x 32, rescale, normalise)."""
import json, math, os, struct, sys, unicodedata
import numpy as np

out = sys.argv[1]
shapes = sys.argv[2] if len(sys.argv) > 2 else 'tiny'
images_dir = sys.argv[3] if len(sys.argv) > 3 else None
rng = np.random.default_rng(2024)
if shapes == 'base':
    TD, TH, TL, TF, TP = 768, 12, 12, 3072, 512
    VD, VH, VL, VF, S, PS = 768, 12, 12, 3072, 384, 16
    E = 256
else:
    TD, TH, TL, TF, TP = 40, 5, 2, 72, 32
    VD, VH, VL, VF, S, PS = 48, 4, 2, 96, 32, 8
    E = 24
G = S // PS
TEPS, VEPS = 1e-12, 1e-5

# ---- a small BERT vocabulary (bert-base-uncased's own 30522 for base shapes is not here: a made-up one of that size)
words = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
words += [chr(c) for c in range(33, 127) if not chr(c).isupper()]
words += ['##' + chr(c) for c in range(ord('a'), ord('z') + 1)]
words += ['a', 'photo', 'of', 'cat', 'dog', 'bird', 'drawing', 'the', 'hello', 'world', 'cafe', 'naive',
          'istanbul', 'un', '##aff', '##able', 'don', 'is', 'mask', 'red', 'running', 'shoes', '中', '国',
          '人', 'σας', '##ing', 'play', 'sun', '##set', 'tree', 'ａｂｃ', 'x']
if shapes == 'base':  # the bench's captions are whole words in bert-base-uncased: 8 to 13 tokens, not spelled out
    words += ['woman', 'riding', 'horse', 'on', 'beach', 'two', 'dogs', 'playing', 'with', 'ball', 'in', 'snow']
    words += [f'w{i}' for i in range(30522 - len(words))]
V = len(words) + 2  # [DEC] and [ENC] are added after the vocabulary
with open(f'{out}/vocab.txt', 'w', encoding='utf-8') as f:
    f.write('\n'.join(words) + '\n')

tensors = {}
def t(name, shape, scale=0.1, center=0.0, f16=False):
    a = (center + scale * rng.standard_normal(shape)).astype(np.float16 if f16 else np.float32)
    tensors[name] = a
    return a.astype(np.float64)

# ---- vision
cls = t('vision_model.embeddings.class_embedding', (1, 1, VD), 0.3)[0, 0]
patch_w = t('vision_model.embeddings.patch_embedding.weight', (VD, 3, PS, PS), 0.1)
patch_b = t('vision_model.embeddings.patch_embedding.bias', (VD,), 0.1)
vpos = t('vision_model.embeddings.position_embedding', (1, G * G + 1, VD), 0.2)[0]
vlayers = []
for l in range(VL):
    p = f'vision_model.encoder.layers.{l}.'
    vlayers.append(dict(
        ln1_w=t(p + 'layer_norm1.weight', (VD,), 0.2, 1.0), ln1_b=t(p + 'layer_norm1.bias', (VD,), 0.2),
        qkv_w=t(p + 'self_attn.qkv.weight', (3 * VD, VD), 0.15), qkv_b=t(p + 'self_attn.qkv.bias', (3 * VD,)),
        pr_w=t(p + 'self_attn.projection.weight', (VD, VD), 0.15), pr_b=t(p + 'self_attn.projection.bias', (VD,)),
        ln2_w=t(p + 'layer_norm2.weight', (VD,), 0.2, 1.0), ln2_b=t(p + 'layer_norm2.bias', (VD,), 0.2),
        fc1_w=t(p + 'mlp.fc1.weight', (VF, VD), 0.15, f16=(l == 1)), fc1_b=t(p + 'mlp.fc1.bias', (VF,)),
        fc2_w=t(p + 'mlp.fc2.weight', (VD, VF), 0.15), fc2_b=t(p + 'mlp.fc2.bias', (VD,))))
post_w = t('vision_model.post_layernorm.weight', (VD,), 0.2, 1.0)
post_b = t('vision_model.post_layernorm.bias', (VD,), 0.2)
# ---- text
word = t('text_encoder.embeddings.word_embeddings.weight', (V, TD), 0.3, f16=True)
tpos = t('text_encoder.embeddings.position_embeddings.weight', (TP, TD), 0.2)
eln_w = t('text_encoder.embeddings.LayerNorm.weight', (TD,), 0.2, 1.0)
eln_b = t('text_encoder.embeddings.LayerNorm.bias', (TD,), 0.2)
tensors['text_encoder.embeddings.position_ids'] = np.arange(TP, dtype=np.int64)[None, :]
tlayers = []
for l in range(TL):
    p = f'text_encoder.encoder.layer.{l}.'
    d = {}
    for part, kin in (('attention', TD), ('crossattention', VD)):
        c = 'c' if part == 'crossattention' else ''
        d[c + 'q_w'] = t(p + part + '.self.query.weight', (TD, TD), 0.15)
        d[c + 'q_b'] = t(p + part + '.self.query.bias', (TD,))
        d[c + 'k_w'] = t(p + part + '.self.key.weight', (TD, kin), 0.15)
        d[c + 'k_b'] = t(p + part + '.self.key.bias', (TD,))
        d[c + 'v_w'] = t(p + part + '.self.value.weight', (TD, kin), 0.15)
        d[c + 'v_b'] = t(p + part + '.self.value.bias', (TD,))
        d[c + 'o_w'] = t(p + part + '.output.dense.weight', (TD, TD), 0.15)
        d[c + 'o_b'] = t(p + part + '.output.dense.bias', (TD,))
        d[c + 'ln_w'] = t(p + part + '.output.LayerNorm.weight', (TD,), 0.2, 1.0)
        d[c + 'ln_b'] = t(p + part + '.output.LayerNorm.bias', (TD,), 0.2)
    d['fc1_w'] = t(p + 'intermediate.dense.weight', (TF, TD), 0.15)
    d['fc1_b'] = t(p + 'intermediate.dense.bias', (TF,))
    d['fc2_w'] = t(p + 'output.dense.weight', (TD, TF), 0.15)
    d['fc2_b'] = t(p + 'output.dense.bias', (TD,))
    d['oln_w'] = t(p + 'output.LayerNorm.weight', (TD,), 0.2, 1.0)
    d['oln_b'] = t(p + 'output.LayerNorm.bias', (TD,), 0.2)
    tlayers.append(d)
vproj_w = t('vision_proj.weight', (E, VD), 0.2)
vproj_b = t('vision_proj.bias', (E,), 0.1)
tproj_w = t('text_proj.weight', (E, TD), 0.2)
tproj_b = t('text_proj.bias', (E,), 0.1)
itm_w = t('itm_head.weight', (2, TD), 0.3)
itm_b = t('itm_head.bias', (2,), 0.2)

# safetensors: 8-byte header length, JSON header, data
header, blobs, off = {}, [], 0
dtypes = {np.dtype(np.float16): 'F16', np.dtype(np.float32): 'F32', np.dtype(np.int64): 'I64'}
for name, a in tensors.items():
    b = a.tobytes()
    header[name] = {'dtype': dtypes[a.dtype], 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode()
h += b' ' * ((8 - len(h) % 8) % 8)
with open(f'{out}/model.safetensors', 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h)
    for b in blobs:
        f.write(b)
json.dump({'architectures': ['BlipForImageTextRetrieval'], 'model_type': 'blip', 'image_text_hidden_size': E,
           'projection_dim': 512,
           'text_config': {'model_type': 'blip_text_model', 'hidden_size': TD, 'intermediate_size': TF,
                           'num_attention_heads': TH, 'num_hidden_layers': TL, 'max_position_embeddings': TP,
                           'vocab_size': V, 'hidden_act': 'gelu', 'layer_norm_eps': TEPS},
           'vision_config': {'model_type': 'blip_vision_model', 'hidden_size': VD, 'intermediate_size': VF,
                             'num_attention_heads': VH, 'num_hidden_layers': VL, 'image_size': S,
                             'patch_size': PS, 'hidden_act': 'gelu', 'layer_norm_eps': VEPS}},
          open(f'{out}/config.json', 'w'), indent=1)
if shapes == 'base':
    sys.exit(0)

# ---- the forward pass
def layer_norm(x, w, b, eps):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b

def gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))

def softmax(a):
    a = np.exp(a - a.max(-1, keepdims=True))
    return a / a.sum(-1, keepdims=True)

def attention(q, k, v, heads):
    D = q.shape[1]
    hd = D // heads
    o = np.zeros((q.shape[0], D))
    for hh in range(heads):
        s = slice(hh * hd, (hh + 1) * hd)
        o[:, s] = softmax(q[:, s] @ k[:, s].T / math.sqrt(hd)) @ v[:, s]
    return o

def vision(px):
    patches = px.reshape(3, G, PS, G, PS).transpose(1, 3, 0, 2, 4).reshape(G * G, 3 * PS * PS)
    emb = patches @ patch_w.reshape(VD, -1).T + patch_b
    x = np.vstack([cls[None, :], emb]) + vpos
    for p in vlayers:
        h = layer_norm(x, p['ln1_w'], p['ln1_b'], VEPS)
        qkv = h @ p['qkv_w'].T + p['qkv_b']  # (T, 3 x heads x head_dim): q, k, v
        x = x + attention(qkv[:, :VD], qkv[:, VD:2 * VD], qkv[:, 2 * VD:], VH) @ p['pr_w'].T + p['pr_b']
        h = layer_norm(x, p['ln2_w'], p['ln2_b'], VEPS)
        x = x + gelu(h @ p['fc1_w'].T + p['fc1_b']) @ p['fc2_w'].T + p['fc2_b']
    return layer_norm(x, post_w, post_b, VEPS)  # last_hidden_state

def text(ids, img=None):
    x = layer_norm(word[ids] + tpos[:len(ids)], eln_w, eln_b, TEPS)
    for p in tlayers:
        a = attention(x @ p['q_w'].T + p['q_b'], x @ p['k_w'].T + p['k_b'], x @ p['v_w'].T + p['v_b'], TH)
        x = layer_norm(a @ p['o_w'].T + p['o_b'] + x, p['ln_w'], p['ln_b'], TEPS)
        if img is not None:
            a = attention(x @ p['cq_w'].T + p['cq_b'], img @ p['ck_w'].T + p['ck_b'], img @ p['cv_w'].T + p['cv_b'], TH)
            x = layer_norm(a @ p['co_w'].T + p['co_b'] + x, p['cln_w'], p['cln_b'], TEPS)
        x = layer_norm(gelu(x @ p['fc1_w'].T + p['fc1_b']) @ p['fc2_w'].T + p['fc2_b'] + x, p['oln_w'], p['oln_b'], TEPS)
    return x

def unit(v):
    return v / np.linalg.norm(v)

def itc_text(ids):
    return unit(text(ids)[0] @ tproj_w.T + tproj_b)

def itc_image(img):
    return unit(img[0] @ vproj_w.T + vproj_b)

def itm(ids, img):
    return softmax(text(ids, img)[0] @ itm_w.T + itm_b)[1]

# ---- BertTokenizer's rules
vocab = {w: i for i, w in enumerate(words)}
vocab['[DEC]'], vocab['[ENC]'] = len(words), len(words) + 1
specials = ['[UNK]', '[SEP]', '[PAD]', '[CLS]', '[MASK]', '[DEC]', '[ENC]']

def is_control(c):
    return c not in '\t\n\r' and unicodedata.category(c).startswith('C')

def is_space(c):
    return c in ' \t\n\r' or unicodedata.category(c) == 'Zs'

def is_punct(c):
    o = ord(c)
    return 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126 or unicodedata.category(c).startswith('P')

def is_cjk(o):
    return any(a <= o <= b for a, b in ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
                                         (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)))

def basic(text):
    text = ''.join(' ' if is_space(c) else c for c in text if not (ord(c) in (0, 0xFFFD) or is_control(c)))
    text = ''.join(f' {c} ' if is_cjk(ord(c)) else c for c in text)
    text = unicodedata.normalize('NFC', text)
    pieces = []
    for tok in text.split():
        tok = ''.join(c for c in unicodedata.normalize('NFD', tok.lower()) if unicodedata.category(c) != 'Mn')
        cur = ''
        for c in tok:
            if is_punct(c):
                pieces += [cur, c] if cur else [c]
                cur = ''
            else:
                cur += c
        if cur:
            pieces.append(cur)
    return pieces

def wordpiece(tok):
    if len(tok) > 100:
        return [vocab['[UNK]']]
    ids, start = [], 0
    while start < len(tok):
        end = len(tok)
        while start < end:
            sub = ('##' if start else '') + tok[start:end]
            if sub in vocab:
                break
            end -= 1
        if start == end:
            return [vocab['[UNK]']]
        ids.append(vocab[sub])
        start = end
    return ids

def tokenize(text, context=TP):
    ids, i, frm = [vocab['[CLS]']], 0, 0
    while i <= len(text):
        best = max((s for s in specials if text.startswith(s, i)), key=len, default=None) if i < len(text) else None
        if best is None and i < len(text):
            i += 1
            continue
        for p in basic(text[frm:i]):
            ids += wordpiece(p)
        if best:
            ids.append(vocab[best])
            i += len(best)
            frm = i
        else:
            break
    ids.append(vocab['[SEP]'])
    return ids[:context - 1] + [vocab['[SEP]']] if len(ids) > context else ids

texts = ['a photo of a cat.', 'Héllo, WORLD!', 'cafe\u0301 and café, naïve', '中国人 play', 'I \u2764 \U0001F600 x',
         'a\x01b\x07c\u200bd\ufffde', 'a' * 100, 'a' * 101, '[MASK] is [mask]', '[DEC][ENC]x', 'a\tb\nc\u00a0d\u2028e',
         'unaffable', "don't", 'ΣΑΣ', 'ＡＢＣ', 'İstanbul', 'x' * 5 + ' ' + 'a ' * 40, 'running red shoes', '']
with open(f'{out}/tokens.tsv', 'w') as f:
    for s in texts:
        f.write(json.dumps(s) + '\t' + ' '.join(map(str, tokenize(s))) + '\n')

seqs = [tokenize(s) for s in ('a photo of a cat.', 'a drawing of a dog', '', 'running red shoes')]
seqs.append(tokenize('a ' * 40))  # cut at the context
with open(f'{out}/expected-text.tsv', 'w') as f:
    for s in seqs:
        f.write(' '.join(map(str, s)) + '\t' + ' '.join(f'{v:.9g}' for v in itc_text(s)) + '\n')
imgs = []
with open(f'{out}/expected-images.tsv', 'w') as f:
    for n in range(3):
        px = (rng.standard_normal((3, S, S)) * (0.5 + n)).astype(np.float32)
        px.tofile(f'{out}/pixels-{n}.f32')
        img = vision(px.astype(np.float64))
        imgs.append(img)
        f.write(f'{n}\t' + ' '.join(f'{v:.9g}' for v in itc_image(img)) + '\n')
with open(f'{out}/expected-itm.tsv', 'w') as f:
    for n, img in enumerate(imgs):
        for s in seqs[:4]:
            for enc in (0, 1):
                ids = list(s)
                if enc:
                    ids[0] = vocab['[ENC]']
                f.write(f'{n}\t{enc}\t' + ' '.join(map(str, s)) + f'\t{itm(ids, img):.9g}\n')

if images_dir:
    from PIL import Image
    mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
    std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
    for name in sorted(os.listdir(images_dir)):
        if name.endswith('.f32'):
            continue
        try:
            im = Image.open(os.path.join(images_dir, name))
            im.load()
        except Exception:
            continue
        im = im.convert('RGB').resize((S, S), Image.BICUBIC)
        a = (np.asarray(im).astype(np.float64) * (1 / 255)).astype(np.float32)
        a = ((a - mean) / std).astype(np.float32).transpose(2, 0, 1)
        np.ascontiguousarray(a).tofile(os.path.join(images_dir, name + '.blip.f32'))
