#!/usr/bin/env python3
"""Writes the tiny JPEG and WebP files the shard/ingest tests decode (PNGs are made at test time
with calm's PNGWriter). Run from the repository root; needs Pillow."""
import numpy as np
from PIL import Image

OUT = "Tests/CalmDataTests/Fixtures/images"
y, x = np.mgrid[0:16, 0:24]
gradient = np.stack([x * 10, y * 15, (x + y) * 6], axis=-1).astype(np.uint8)
Image.fromarray(gradient).save(f"{OUT}/gradient.jpg", quality=85)
Image.fromarray(gradient[:, ::-1].copy()).save(f"{OUT}/mirrored.webp", lossless=True)
