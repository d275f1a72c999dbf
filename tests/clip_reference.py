#!/usr/bin/env python3
"""An independent reference for vecsh's CLIP text encoder: writes a small
CLIP checkpoint with random weights (Hugging Face layout: config.json,
model.safetensors) and the text embeddings numpy computes for a few token
sequences, following Hugging Face's CLIPTextModel step by step.

LayerNorm scales and all biases are drawn away from 1 and 0, so that a
swapped or dropped tensor shows.

usage: clip_reference.py OUTDIR ACT      (ACT: quick_gelu or gelu)
Writes OUTDIR/config.json, OUTDIR/model.safetensors, OUTDIR/expected.tsv
(token ids, a TAB, the embedding's values), and for the image encoder
OUTDIR/pixels-N.f32 (3 x 32 x 32 float32, preprocessed) with
OUTDIR/expected-images.tsv (N, a TAB, the values)."""
import json, struct, sys
import numpy as np

out, act = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(1234 if act == 'quick_gelu' else 99)
D, H, L, F, C, V, P = 64, 4, 2, 128, 77, 49408, 32
eps = 1e-5

tensors = {}
def t(name, shape, scale=0.1, center=0.0, f16=False):
    a = (center + scale * rng.standard_normal(shape)).astype(np.float16 if f16 else np.float32)
    tensors[name] = a
    return a.astype(np.float32)

tok = t('text_model.embeddings.token_embedding.weight', (V, D), 0.2, f16=(act == 'quick_gelu'))
pos = t('text_model.embeddings.position_embedding.weight', (C, D), 0.2)
layers = []
for l in range(L):
    p = f'text_model.encoder.layers.{l}.'
    layers.append(dict(
        ln1_w=t(p + 'layer_norm1.weight', (D,), 0.2, 1.0), ln1_b=t(p + 'layer_norm1.bias', (D,), 0.2),
        q_w=t(p + 'self_attn.q_proj.weight', (D, D), 0.15), q_b=t(p + 'self_attn.q_proj.bias', (D,)),
        k_w=t(p + 'self_attn.k_proj.weight', (D, D), 0.15), k_b=t(p + 'self_attn.k_proj.bias', (D,)),
        v_w=t(p + 'self_attn.v_proj.weight', (D, D), 0.15), v_b=t(p + 'self_attn.v_proj.bias', (D,)),
        o_w=t(p + 'self_attn.out_proj.weight', (D, D), 0.15), o_b=t(p + 'self_attn.out_proj.bias', (D,)),
        ln2_w=t(p + 'layer_norm2.weight', (D,), 0.2, 1.0), ln2_b=t(p + 'layer_norm2.bias', (D,), 0.2),
        fc1_w=t(p + 'mlp.fc1.weight', (F, D), 0.15), fc1_b=t(p + 'mlp.fc1.bias', (F,)),
        fc2_w=t(p + 'mlp.fc2.weight', (D, F), 0.15), fc2_b=t(p + 'mlp.fc2.bias', (D,))))
lnf_w = t('text_model.final_layer_norm.weight', (D,), 0.2, 1.0)
lnf_b = t('text_model.final_layer_norm.bias', (D,), 0.2)
proj = t('text_projection.weight', (P, D), 0.2)
# the image encoder: a ViT of 32 x 32 images in 8 x 8 patches
VD, VH, VL, VF, S, PS = 48, 4, 2, 96, 32, 8
G = S // PS
cls = t('vision_model.embeddings.class_embedding', (VD,), 0.3)
patch = t('vision_model.embeddings.patch_embedding.weight', (VD, 3, PS, PS), 0.1)
vpos = t('vision_model.embeddings.position_embedding.weight', (G * G + 1, VD), 0.2)
pre_w = t('vision_model.pre_layrnorm.weight', (VD,), 0.2, 1.0)
pre_b = t('vision_model.pre_layrnorm.bias', (VD,), 0.2)
vlayers = []
for l in range(VL):
    p = f'vision_model.encoder.layers.{l}.'
    vlayers.append(dict(
        ln1_w=t(p + 'layer_norm1.weight', (VD,), 0.2, 1.0), ln1_b=t(p + 'layer_norm1.bias', (VD,), 0.2),
        q_w=t(p + 'self_attn.q_proj.weight', (VD, VD), 0.15), q_b=t(p + 'self_attn.q_proj.bias', (VD,)),
        k_w=t(p + 'self_attn.k_proj.weight', (VD, VD), 0.15), k_b=t(p + 'self_attn.k_proj.bias', (VD,)),
        v_w=t(p + 'self_attn.v_proj.weight', (VD, VD), 0.15), v_b=t(p + 'self_attn.v_proj.bias', (VD,)),
        o_w=t(p + 'self_attn.out_proj.weight', (VD, VD), 0.15), o_b=t(p + 'self_attn.out_proj.bias', (VD,)),
        ln2_w=t(p + 'layer_norm2.weight', (VD,), 0.2, 1.0), ln2_b=t(p + 'layer_norm2.bias', (VD,), 0.2),
        fc1_w=t(p + 'mlp.fc1.weight', (VF, VD), 0.15), fc1_b=t(p + 'mlp.fc1.bias', (VF,)),
        fc2_w=t(p + 'mlp.fc2.weight', (VD, VF), 0.15), fc2_b=t(p + 'mlp.fc2.bias', (VD,))))
post_w = t('vision_model.post_layernorm.weight', (VD,), 0.2, 1.0)
post_b = t('vision_model.post_layernorm.bias', (VD,), 0.2)
vproj = t('visual_projection.weight', (P, VD), 0.2)
tensors['logit_scale'] = np.array(np.log(100.0), dtype=np.float32)

# safetensors: 8-byte header length, JSON header, data
header, blobs, off = {}, [], 0
for name, a in tensors.items():
    b = a.tobytes()
    header[name] = {'dtype': 'F16' if a.dtype == np.float16 else 'F32', 'shape': list(a.shape),
                    'data_offsets': [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode()
h += b' ' * ((8 - len(h) % 8) % 8)
with open(f'{out}/model.safetensors', 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
json.dump({'projection_dim': P, 'text_config': {'hidden_size': D, 'intermediate_size': F,
           'num_attention_heads': H, 'num_hidden_layers': L, 'max_position_embeddings': C,
           'vocab_size': V, 'hidden_act': act, 'layer_norm_eps': eps},
           'vision_config': {'hidden_size': VD, 'intermediate_size': VF, 'num_attention_heads': VH,
           'num_hidden_layers': VL, 'image_size': S, 'patch_size': PS, 'hidden_act': act,
           'layer_norm_eps': eps}}, open(f'{out}/config.json', 'w'))

def layer_norm(x, w, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b

def erf(x):
    from math import erf as e
    return np.vectorize(e)(x)

def blocks(x, layers, heads, mask):
    D = x.shape[1]
    for p in layers:
        h = layer_norm(x, p['ln1_w'], p['ln1_b'])
        q = (h @ p['q_w'].T + p['q_b']) * (D // heads) ** -0.5
        k = h @ p['k_w'].T + p['k_b']
        v = h @ p['v_w'].T + p['v_b']
        o = np.zeros_like(x)
        for hh in range(heads):
            s = slice(hh * D // heads, (hh + 1) * D // heads)
            a = q[:, s] @ k[:, s].T + mask
            a = np.exp(a - a.max(-1, keepdims=True))
            o[:, s] = (a / a.sum(-1, keepdims=True)) @ v[:, s]
        x = x + o @ p['o_w'].T + p['o_b']
        h = layer_norm(x, p['ln2_w'], p['ln2_b'])
        h = h @ p['fc1_w'].T + p['fc1_b']
        h = h / (1 + np.exp(-1.702 * h)) if act == 'quick_gelu' else 0.5 * h * (1 + erf(h / np.sqrt(2)))
        x = x + h @ p['fc2_w'].T + p['fc2_b']
    return x

def encode(ids):
    n = len(ids)
    x = (tok[ids] + pos[:n]).astype(np.float64)
    x = blocks(x, layers, H, np.triu(np.full((n, n), -np.inf), 1))
    x = layer_norm(x, lnf_w, lnf_b)
    return x[int(np.argmax(ids))] @ proj.T

def encode_image(px):
    # the patch convolution: stride = kernel = PS, no bias
    emb = np.einsum('dcyx,gcyx->gd', patch.astype(np.float64),
                    px.reshape(3, G, PS, G, PS).transpose(1, 3, 0, 2, 4).reshape(G * G, 3, PS, PS))
    x = np.vstack([cls[None, :], emb]) + vpos
    x = layer_norm(x, pre_w, pre_b)
    x = blocks(x, vlayers, VH, np.zeros((G * G + 1, G * G + 1)))
    return layer_norm(x[0], post_w, post_b) @ vproj.T

seqs = [[49406, 320, 1125, 539, 320, 2368, 269, 49407],
        [49406, 49407],
        [49406] + list(range(1000, 1075)) + [49407],
        [49406, 283, 321, 285, 89, 6522, 4021, 48338, 21078, 361, 49407]]
with open(f'{out}/expected.tsv', 'w') as f:
    for s in seqs:
        f.write(' '.join(map(str, s)) + '\t' + ' '.join('%.9g' % v for v in encode(np.array(s))) + '\n')

with open(f'{out}/expected-images.tsv', 'w') as f:
    for k in range(3):
        px = rng.standard_normal((3, S, S)).astype(np.float32)
        px.tofile(f'{out}/pixels-{k}.f32')
        f.write(f'{k}\t' + ' '.join('%.9g' % v for v in encode_image(px.astype(np.float64))) + '\n')
