#!/usr/bin/env python3
"""Where is composition lost between the vision encoder and the middle Q-Former's tokens?

    python3 Scripts/pretrain/composition_probe.py WARMUP.h5 [PHASE1.h5] [EPOCHS=10]   # from the repository root

Views: each of the corpus benchmark's 280 training photos (runs/data/corpus-train), its mirror and
three random square windows (55-100 % of the side) with their mirrors, 2,240 in all; each of the 97
held-out photos (runs/data/corpus-heldout) and its mirror. Labels: the seven composition levels
that `calm attributes --square --side 128` measures on each view, as calm-tiny's pretraining does.
Features come from the PyTorch peer (Scripts/peer/calm_torch.py) loaded with the checkpoints.

It prints the held-out balanced accuracy (chance 33 %) of
- linear probes (class-weighted, full batch) on the warm-up encoder's middle tap: its mean token,
  its patch tokens averaged over a 2x2 and a 4x4 grid, and the final patch tokens over a 4x4 grid
  (what the thematic branch reads); with PHASE1.h5, on its middle Q-Former tokens and thematic tokens;
- a fresh middle Q-Former (calm-tiny's: 16 queries, 2 layers) and a linear head per attribute,
  trained together on the levels for EPOCHS epochs from the frozen tap, with its queries free to
  attend anywhere and with regional queries (mfam.regionQueries: one 2x2-patch cell each).

Measured 2026-12-07 (runs/s8/vision-wt, runs/s8/p1-heads step 4000, 10 epochs, one thread, 20 min),
horizontal / vertical balance: the tap's 4x4 grid 56 / 55 %, its mean token 39 / 39 %; the phase-1
Q-Former's tokens 38 / 32 %; a fresh Q-Former 34 / 34 %, with regional queries 50 / 52 %.
"""
import glob
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peer"))
from calm_torch import CALM, QFormer  # noqa: E402

ATTRIBUTES = ["placement", "symmetry", "tilt", "depthOfField", "horizontalBalance", "verticalBalance", "clutter"]
CONFIG = json.load(open("Tests/CalmModelsTests/Fixtures/calm_tiny_full.json"))["config"]
CLIP_MEAN, CLIP_STD = np.array([0.48145466, 0.4578275, 0.40821073]), np.array([0.26862954, 0.26130258, 0.27577711])


def views(folder, windows, rng):
    photos = np.concatenate([h5py.File(f)["images"][:] for f in sorted(glob.glob(folder + "/shard-*.h5"))])
    for photo in photos:
        crops = [photo]
        for _ in range(windows):
            side = int(256 * rng.uniform(0.55, 1.0))
            y, x = rng.integers(0, 257 - side, 2)
            crops.append(np.asarray(Image.fromarray(photo[y:y + side, x:x + side]).resize((256, 256), Image.BOX)))
        for crop in crops:
            yield crop
            yield np.ascontiguousarray(crop[:, ::-1])


def dataset(folder, windows, rng, scratch, calm):
    """Normalized 128 px pixels [N, 3, 128, 128] and each attribute's level names."""
    images = list(views(folder, windows, rng))
    files = []
    for i, image in enumerate(images):
        files.append(os.path.join(scratch, f"{os.path.basename(folder)}-{i:05d}.png"))
        Image.fromarray(image).save(files[-1])
    out = subprocess.run([calm, "attributes", "--square", "--side", "128", "--json", *files], check=True, capture_output=True, text=True)
    measured = {row["file"]: row["attributes"] for row in map(json.loads, out.stdout.splitlines())}
    levels = {a: [measured[f][a]["level"] for f in files] for a in ATTRIBUTES}
    pixels = np.stack(images).astype(np.float32).reshape(len(images), 128, 2, 128, 2, 3).mean((2, 4)) / 255
    return torch.tensor(((pixels - CLIP_MEAN) / CLIP_STD).transpose(0, 3, 1, 2), dtype=torch.float32), levels


def load(path, config=CONFIG):
    model = CALM(config)
    tensors = {}
    with h5py.File(path) as f:
        f["params"].visititems(lambda n, o: tensors.__setitem__(n.replace("/", "."), torch.from_numpy(o[()]))
                               if isinstance(o, h5py.Dataset) else None)
    model.load_state_dict(tensors, strict=False)
    return model.eval()


def grid(tokens, side):
    n, p, d = tokens.shape
    s = math.isqrt(p)
    return F.adaptive_avg_pool2d(tokens.transpose(1, 2).reshape(n, d, s, s), side).flatten(1)


@torch.no_grad()
def features(model, pixels, phase1):
    out = {}
    for i in range(0, len(pixels), 64):
        taps, patches = model.vision(pixels[i:i + 64])
        batch = {"tap": taps[1]} if phase1 else {
            "tap": taps[1], "middle tap, mean token": taps[1].mean(1), "middle tap, 2x2 grid": grid(taps[1][:, 1:], 2),
            "middle tap, 4x4 grid": grid(taps[1][:, 1:], 4), "final patches, 4x4 grid": grid(patches, 4)}
        if phase1:
            batch |= {"phase 1, middle Q-Former": model.mfam.middle(taps[1]).flatten(1),
                      "phase 1, thematic": model.mfam.thematic(patches).flatten(1)}
        for k, v in batch.items():
            out.setdefault(k, []).append(v)
    return {k: torch.cat(v) for k, v in out.items()}


def balanced(predicted, targets, classes):
    return 100 * np.mean([(predicted[targets == c] == c).float().mean().item() for c in range(classes) if (targets == c).any()])


def linear_probe(train, test, y_train, y_test, classes):
    mean, std = train.mean(0), train.std(0) + 1e-6
    train, test = (train - mean) / std, (test - mean) / std
    w, b = torch.zeros(train.shape[1], classes, requires_grad=True), torch.zeros(classes, requires_grad=True)
    counts = torch.bincount(y_train, minlength=classes).float()
    optimizer = torch.optim.Adam([w, b], lr=1e-2, weight_decay=1e-3)
    for _ in range(400):
        optimizer.zero_grad()
        F.cross_entropy(train @ w + b, y_train, weight=counts.sum() / (classes * counts.clamp(min=1))).backward()
        optimizer.step()
    with torch.no_grad():
        return balanced((test @ w + b).argmax(1), y_test, classes)


def qformer_probe(train, test, y_train, y_test, classes, regional, epochs):
    torch.manual_seed(0)
    mfam = CONFIG["mfam"]
    qformer = QFormer(CONFIG["vision"]["width"], CONFIG["language"]["width"], mfam,
                      CONFIG["vision"]["imageSize"] // CONFIG["vision"]["patchSize"] if regional else None)
    nn.init.normal_(qformer.queries, std=0.02)
    width = mfam["queries"] * CONFIG["language"]["width"]
    heads = nn.ModuleDict({a: nn.Linear(width, classes[a]) for a in ATTRIBUTES})
    optimizer = torch.optim.AdamW(list(qformer.parameters()) + list(heads.parameters()), lr=5e-4, weight_decay=0.05)
    for _ in range(epochs):
        order = torch.randperm(len(train))
        for i in range(0, len(train), 32):
            rows = order[i:i + 32]
            tokens = qformer(train[rows]).flatten(1)
            optimizer.zero_grad()
            sum(F.cross_entropy(heads[a](tokens), y_train[a][rows]) for a in ATTRIBUTES).backward()
            optimizer.step()
    with torch.no_grad():
        tokens = qformer(test).flatten(1)
        return {a: balanced(heads[a](tokens).argmax(1), y_test[a], classes[a]) for a in ATTRIBUTES}


def main():
    warmup, phase1 = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 and sys.argv[2].endswith(".h5") else None)
    epochs = int(sys.argv[-1]) if sys.argv[-1].isdigit() else 10
    torch.manual_seed(0)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as scratch:
        (x_train, train_levels), (x_test, test_levels) = (
            dataset("runs/data/corpus-train", 3, rng, scratch, os.environ.get("CALM", ".build/release/calm")),
            dataset("runs/data/corpus-heldout", 0, rng, scratch, os.environ.get("CALM", ".build/release/calm")))
    names = {a: sorted(set(train_levels[a]) | set(test_levels[a])) for a in ATTRIBUTES}
    classes = {a: len(names[a]) for a in ATTRIBUTES}
    y_train = {a: torch.tensor([names[a].index(v) for v in train_levels[a]]) for a in ATTRIBUTES}
    y_test = {a: torch.tensor([names[a].index(v) for v in test_levels[a]]) for a in ATTRIBUTES}
    print(f"{len(x_train)} training views, {len(x_test)} held-out views; held-out balanced accuracy (%), chance 33")
    print(f"{'':36s}" + " ".join(f"{a[:10]:>10s}" for a in ATTRIBUTES))
    row = lambda name, scores: print(f"{name:36s}" + " ".join(f"{scores[a]:10.1f}" for a in ATTRIBUTES), flush=True)
    warm = load(warmup)
    train, test = features(warm, x_train, False), features(warm, x_test, False)
    probes = [(k, train[k], test[k]) for k in train if k != "tap"]
    if phase1:
        model = load(phase1)
        trained, tested = features(model, x_train, True), features(model, x_test, True)
        probes += [(k, trained[k], tested[k]) for k in trained if k != "tap"]
    for name, a, b in probes:
        row(name, {attribute: linear_probe(a, b, y_train[attribute], y_test[attribute], classes[attribute]) for attribute in ATTRIBUTES})
    for regional in (False, True):
        row(f"fresh Q-Former{', regional' if regional else ''} ({epochs} ep.)",
            qformer_probe(train["tap"], test["tap"], y_train, y_test, classes, regional, epochs))


if __name__ == "__main__":
    main()
