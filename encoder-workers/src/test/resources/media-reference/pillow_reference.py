# Reference values for ImageTensorsPillowTest, computed with Pillow (not with the code under test).
# Run: python3 -m venv /tmp/pil-venv && /tmp/pil-venv/bin/pip install pillow==13.0.0 numpy
#      /tmp/pil-venv/bin/python pillow_reference.py /work/shared/data/tuxpaint-stamps
# Prints, per case, the 8-bit result's shape, sum, a position-weighted checksum
# sum(v[i] * ((31 * i + 7) % 101)) over the flattened [y][x][c] array, and sampled pixels (x, y) -> values.
import sys
import numpy as np
from PIL import Image

root = sys.argv[1]

def report(name, arr, points=None):
    if points is None:
        # six pixels inside the drawing (not the flat background): every 7th one whose value is not 0 or 255
        grey = arr if arr.ndim == 2 else arr.sum(axis=2) / 3
        ys, xs = np.nonzero((grey > 0) & (grey < 255))
        points = [(int(xs[i]), int(ys[i])) for i in range(0, len(xs), max(1, len(xs) // 6))][:6]
    flat = arr.astype(np.int64).reshape(-1)
    idx = np.arange(flat.size, dtype=np.int64)
    weighted = int((flat * ((31 * idx + 7) % 101)).sum())
    print(name, arr.shape, "sum", int(flat.sum()), "weighted", weighted)
    for (x, y) in points:
        print("   ", (x, y), arr[y, x].tolist() if arr.ndim == 3 else int(arr[y, x]))

def clip_resize(im, size, resample):
    # torchvision Resize(size) + CenterCrop(size) (what CLIP uses): shorter side -> size, longer int(size*long/short),
    # crop top/left = int(round((h - size) / 2.0)).
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    r = im.resize((new_w, new_h), resample, reducing_gap=None)
    top = int(round((new_h - size) / 2.0))
    left = int(round((new_w - size) / 2.0))
    return r.crop((left, top, left + size, top + size)), (new_w, new_h, left, top)

pts = None
rosella = Image.open(root + "/animals/birds/adelaide-rosella.png").convert("RGB")   # RGBA 93x120, alpha dropped
report("rosella RGB 224x224 STRETCH BILINEAR (upscale)",
       np.asarray(rosella.resize((224, 224), Image.BILINEAR, reducing_gap=None)), pts)
report("rosella RGB 224x224 STRETCH BICUBIC (upscale)",
       np.asarray(rosella.resize((224, 224), Image.BICUBIC, reducing_gap=None)), pts)
peahen = Image.open(root + "/animals/birds/albino_peahen.png").convert("RGB")     # RGBA 435x374
report("peahen RGB 224x224 STRETCH BICUBIC (downscale, antialiased)",
       np.asarray(peahen.resize((224, 224), Image.BICUBIC, reducing_gap=None)), pts)
cropped, geometry = clip_resize(peahen, 224, Image.BICUBIC)
print("peahen CLIP geometry (resized w, h, left, top)", geometry)
report("peahen RGB 224 SHORTER_THEN_CENTER_CROP BICUBIC", np.asarray(cropped), pts)
bee = Image.open(root + "/animals/insects/bee.png")                                  # LA 671x538
report("bee L 96x80 STRETCH BILINEAR (downscale, antialiased)",
       np.asarray(bee.convert("L").resize((96, 80), Image.BILINEAR, reducing_gap=None)))
report("rosella L 224x224 STRETCH BICUBIC (RGB -> L luma, then upscale)",
       np.asarray(rosella.convert("L").resize((224, 224), Image.BICUBIC, reducing_gap=None)), pts)
