#!/usr/bin/env python3
"""A CLIP checkpoint of ViT-B/32's real shape with random weights (F32,
about 600 MB), in the Hugging Face layout, for make bench.
usage: make-clip-checkpoint.py OUTDIR MERGES"""
import json, os, struct, sys
import numpy as np
out, merges = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
D, VD, P = 512, 768, 512
shapes = {'text_model.embeddings.token_embedding.weight': (49408, D),
          'text_model.embeddings.position_embedding.weight': (77, D),
          'text_model.final_layer_norm.weight': (D,), 'text_model.final_layer_norm.bias': (D,),
          'text_projection.weight': (P, D), 'logit_scale': (),
          'vision_model.embeddings.class_embedding': (VD,),
          'vision_model.embeddings.patch_embedding.weight': (VD, 3, 32, 32),
          'vision_model.embeddings.position_embedding.weight': (50, VD),
          'vision_model.pre_layrnorm.weight': (VD,), 'vision_model.pre_layrnorm.bias': (VD,),
          'vision_model.post_layernorm.weight': (VD,), 'vision_model.post_layernorm.bias': (VD,),
          'visual_projection.weight': (P, VD)}
for tower, w in (('text_model', D), ('vision_model', VD)):
    for l in range(12):
        p = f'{tower}.encoder.layers.{l}.'
        for n in ('q_proj', 'k_proj', 'v_proj', 'out_proj'):
            shapes[p + f'self_attn.{n}.weight'] = (w, w)
            shapes[p + f'self_attn.{n}.bias'] = (w,)
        for n in ('layer_norm1', 'layer_norm2'):
            shapes[p + n + '.weight'] = (w,)
            shapes[p + n + '.bias'] = (w,)
        shapes[p + 'mlp.fc1.weight'] = (4 * w, w)
        shapes[p + 'mlp.fc1.bias'] = (4 * w,)
        shapes[p + 'mlp.fc2.weight'] = (w, 4 * w)
        shapes[p + 'mlp.fc2.bias'] = (w,)
header, off = {}, 0
for n, s in shapes.items():
    size = 4 * int(np.prod(s))
    header[n] = {'dtype': 'F32', 'shape': list(s), 'data_offsets': [off, off + size]}
    off += size
h = json.dumps(header).encode()
h += b' ' * ((8 - len(h) % 8) % 8)
with open(f'{out}/model.safetensors', 'wb') as f:
    f.write(struct.pack('<Q', len(h)) + h)
    for n, s in shapes.items():
        a = (0.02 * rng.standard_normal(s)).astype(np.float32)
        if n.endswith('norm.weight') or 'layer_norm' in n and n.endswith('weight') or 'layrnorm.weight' in n:
            a += 1
        if n == 'logit_scale':
            a = np.array(np.log(100.0), dtype=np.float32)
        f.write(a.tobytes())
json.dump({'projection_dim': P,
           'text_config': {'hidden_size': D, 'intermediate_size': 4 * D, 'num_attention_heads': 8,
                           'num_hidden_layers': 12, 'max_position_embeddings': 77, 'vocab_size': 49408,
                           'hidden_act': 'quick_gelu'},
           'vision_config': {'hidden_size': VD, 'intermediate_size': 4 * VD, 'num_attention_heads': 12,
                             'num_hidden_layers': 12, 'image_size': 224, 'patch_size': 32,
                             'hidden_act': 'quick_gelu'}}, open(f'{out}/config.json', 'w'))
if not os.path.exists(f'{out}/bpe_simple_vocab_16e6.txt.gz'):
    os.symlink(os.path.abspath(merges), f'{out}/bpe_simple_vocab_16e6.txt.gz')
