#!/usr/bin/env python3
"""Can a ViT of calm-tiny's shape learn the sharpness (or noise) level from scratch when the level
is its direct target? The PyTorch check behind the vision warm-up stage (`stage: vision`).

    python3 Scripts/pretrain/vit_direct_probe.py [sharpness|noise] [STEPS=1500]

Photos: the corpus benchmark's train and held-out shards (runs/data/corpus-*), 2x2-averaged to
128 px. Each sample is the photo as it is, Gaussian-blurred (sigma 0.3-3 px) or given Gaussian
noise (sigma 1-20 grey levels), a third each; its label is the level of the 4-neighbour Laplacian
variance (sharpness) or Immerkaer's noise sigma (noise) of 255 * luma, with calm-tiny's 128 px
level bounds. The model: patch 16, width 192, depth 6, 3 heads, class token into a linear head;
AdamW lr 5e-4, batch 32, one thread. It prints the held-out accuracy every 100 steps.

Measured 2026-11-27 (sharpness): balanced accuracy 0.29 after 200 steps, 0.42 after 400, 0.49
after 500 (chance 0.25). Through calm's language model alone, the same ViT stays at chance after
1,500 steps of batch 8 on sharpness questions only (README, Pretraining)."""
import sys, time, numpy as np, torch, torch.nn as nn, torch.nn.functional as F, h5py
torch.set_num_threads(1); torch.manual_seed(0); rng = np.random.default_rng(0)
def load(p):
    import glob
    xs = [h5py.File(f)['images'][:] for f in sorted(glob.glob(p + '/shard-*.h5'))]
    x = np.concatenate(xs).astype(np.float32) / 255
    return x.reshape(len(x), 128, 2, 128, 2, 3).mean((2, 4))
train, test = load('runs/data/corpus-train'), load('runs/data/corpus-heldout')  # from the repository root
BOUNDS = {'sharpness': [370, 1130, 2970], 'noise': [2.7, 5.7]}
ATTR = sys.argv[1] if len(sys.argv) > 1 else 'sharpness'
def luma(x): return x @ np.array([0.299, 0.587, 0.114], np.float32)
def measure(x):
    y = 255 * luma(x)
    lap = 4 * y[1:-1, 1:-1] - y[:-2, 1:-1] - y[2:, 1:-1] - y[1:-1, :-2] - y[1:-1, 2:]
    if ATTR == 'sharpness': return lap.var()
    # Immerkaer
    k = (y[:-2,:-2] - 2*y[:-2,1:-1] + y[:-2,2:] - 2*y[1:-1,:-2] + 4*y[1:-1,1:-1] - 2*y[1:-1,2:] + y[2:,:-2] - 2*y[2:,1:-1] + y[2:,2:])
    return np.sqrt(np.pi / 2) / (6 * (y.shape[0]-2) * (y.shape[1]-2)) * np.abs(k).sum()
def blur(x, s):
    r = int(3 * s) + 1; t = np.arange(-r, r + 1); k = np.exp(-t**2 / (2 * s * s)); k /= k.sum()
    x = np.pad(x, ((r, r), (0, 0), (0, 0)), mode='reflect'); x = sum(k[i] * x[i:i + 128] for i in range(2 * r + 1))
    x = np.pad(x, ((0, 0), (r, r), (0, 0)), mode='reflect'); return sum(k[i] * x[:, i:i + 128] for i in range(2 * r + 1))
def sample(x):
    u = rng.random()
    if u < 0.35: x = blur(x, rng.uniform(0.3, 3))
    elif u < 0.7: x = np.clip(x + rng.normal(0, rng.uniform(1, 20) / 255, x.shape), 0, 1)
    if rng.random() < 0.5: x = x[:, ::-1]
    return x.astype(np.float32), int(np.searchsorted(BOUNDS[ATTR], measure(x)))
class Block(nn.Module):
    def __init__(s, d, h):
        super().__init__(); s.n1 = nn.LayerNorm(d); s.att = nn.MultiheadAttention(d, h, batch_first=True); s.n2 = nn.LayerNorm(d)
        s.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
    def forward(s, x): y = s.n1(x); x = x + s.att(y, y, y)[0]; return x + s.mlp(s.n2(x))
class ViT(nn.Module):
    def __init__(s, d=192, depth=6, classes=4):
        super().__init__(); s.pe = nn.Conv2d(3, d, 16, 16, bias=False); s.cls = nn.Parameter(torch.randn(d) * .02)
        s.pos = nn.Parameter(torch.randn(65, d) * .02); s.pre = nn.LayerNorm(d); s.blocks = nn.Sequential(*[Block(d, 3) for _ in range(depth)])
        s.head = nn.Linear(d, classes)
    def forward(s, x):
        h = s.pe(x).flatten(2).transpose(1, 2); h = torch.cat([s.cls.expand(len(h), 1, -1), h], 1) + s.pos
        return s.head(s.blocks(s.pre(h))[:, 0])
mean = torch.tensor([0.4815, 0.4578, 0.4082]).view(1, 3, 1, 1); std = torch.tensor([0.2686, 0.2613, 0.2758]).view(1, 3, 1, 1)
def batch(data, n):
    xs, ys = zip(*[sample(data[rng.integers(len(data))]) for _ in range(n)])
    return (torch.tensor(np.stack(xs)).permute(0, 3, 1, 2) - mean) / std, torch.tensor(ys)
classes = len(BOUNDS[ATTR]) + 1
model = ViT(classes=classes); opt = torch.optim.AdamW(model.parameters(), 5e-4, weight_decay=0.05)
tx, ty = batch(test, 400); print('test label shares', np.bincount(ty.numpy(), minlength=classes) / 400, flush=True)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1500; t0 = time.time()
for step in range(1, steps + 1):
    x, y = batch(train, 32); loss = F.cross_entropy(model(x), y); opt.zero_grad(); loss.backward(); opt.step()
    if step % 100 == 0:
        with torch.no_grad(): p = model(tx).argmax(1)
        bal = np.mean([(p[ty == c] == c).float().mean().item() for c in range(classes) if (ty == c).any()])
        print(f'step {step} loss {loss.item():.3f} test acc {(p == ty).float().mean():.3f} balanced {bal:.3f} ({time.time() - t0:.0f}s)', flush=True)
