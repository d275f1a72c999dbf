#!/usr/bin/env python3
"""Reference pixels for vecsh's CLIP preprocessing: images of several kinds
(PNG RGB, grey, RGBA, palette, 16-bit and with a gAMA chunk; JPEG; BMP; GIF) and what OpenAI's _transform
makes of them through PIL: Resize(size, BICUBIC) of the shorter side,
CenterCrop(size), RGB, ToTensor, Normalize.

usage: image_reference.py OUTDIR SIZE
Writes OUTDIR/NAME (the images) and OUTDIR/NAME.f32 (3 x SIZE x SIZE float32)."""
import struct, sys, zlib
import numpy as np
from PIL import Image

out, S = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
yy, xx = np.mgrid[0:480, 0:640]
smooth = np.stack([(xx * 255 // 639), (yy * 255 // 479), ((xx + yy) * 255 // 1118)], -1).astype(np.uint8)
noise = rng.integers(0, 256, (217, 301, 3), dtype=np.uint8)
images = {
    'noise.png': Image.fromarray(noise),
    'smooth.jpg': Image.fromarray(smooth),
    'grey.png': Image.fromarray(rng.integers(0, 256, (150, 100), dtype=np.uint8)),
    'alpha.png': Image.fromarray(np.dstack([rng.integers(0, 256, (250, 250, 3), dtype=np.uint8),
                                           (xx[:250, :250] % 256).astype(np.uint8)])),
    'small.bmp': Image.fromarray(rng.integers(0, 256, (40, 64, 3), dtype=np.uint8)),
    'palette.gif': Image.fromarray(noise).quantize(64),
    'palette.png': Image.fromarray(smooth[:300, :200]).quantize(32),
    'exact.png': Image.fromarray(rng.integers(0, 256, (S, S + 37, 3), dtype=np.uint8)),
}
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)

def raw_png(path, arr, depth, gamma=None):
    # PNGs PIL cannot save: 16-bit RGB, and a gAMA chunk (neither changes what PIL reads)
    h, w = arr.shape[:2]
    rows = b''.join(b'\x00' + (r.astype('>u2') if depth == 16 else r).tobytes() for r in arr)
    extra = chunk(b'gAMA', struct.pack('>I', gamma)) if gamma else b''
    open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, 2, 0, 0, 0)) +
                           extra + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))

raw_png(f'{out}/rgb16.png', rng.integers(0, 65536, (120, 90, 3), dtype=np.uint16), 16)
raw_png(f'{out}/gamma.png', rng.integers(0, 256, (100, 130, 3), dtype=np.uint8), 8, 100000)
images['rgb16.png'] = None
images['gamma.png'] = None
mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
for name, im in images.items():
    path = f'{out}/{name}'
    if im is not None:
        im.save(path, quality=90) if name.endswith('.jpg') else im.save(path)
    img = Image.open(path)
    w, h = img.size
    nw, nh = (S, int(S * h / w)) if w <= h else (int(S * w / h), S)
    if (nw, nh) != (w, h):
        img = img.resize((nw, nh), Image.BICUBIC)
    top, left = int(round((nh - S) / 2.0)), int(round((nw - S) / 2.0))
    img = img.crop((left, top, left + S, top + S)).convert('RGB')
    a = np.asarray(img, dtype=np.float32) / np.float32(255)
    a = ((a - mean) / std).astype(np.float32).transpose(2, 0, 1)
    np.ascontiguousarray(a).tofile(f'{path}.f32')
