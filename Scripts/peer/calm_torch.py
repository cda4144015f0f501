"""CALM in PyTorch: the parity reference and performance peer of calm's Swift model.

Same architecture, parameter names (state_dict keys) and shapes as Sources/CalmModels;
see architecture.md §1 and §5. `python3 Scripts/peer/calm_torch.py` prints the parameter
counts of the reference configurations (11,924,736 and 70,647,040).
"""
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

TINY = dict(
    vision=dict(imageSize=128, patchSize=16, width=192, depth=6, heads=3, mlpHidden=768, taps=[2, 4, 6], postNorm=False),
    mfam=dict(queries=16, layers=2, heads=3, mlpRatio=4, thematicGrid=4),
    language=dict(vocabularySize=4096, width=256, depth=4, heads=4, kvHeads=4, mlpHidden=688, ropeTheta=10000.0,
                  tiedEmbeddings=False),
)
SMALL = dict(
    vision=dict(imageSize=224, patchSize=16, width=384, depth=12, heads=6, mlpHidden=1536, taps=[4, 8, 12], postNorm=False),
    mfam=dict(queries=32, layers=2, heads=6, mlpRatio=4, thematicGrid=8),
    language=dict(vocabularySize=8192, width=512, depth=8, heads=8, kvHeads=8, mlpHidden=1376, ropeTheta=10000.0,
                  tiedEmbeddings=False),
)
EPS = 1e-5


class Attention(nn.Module):
    """Multi-head attention; fused `qkv` (CLIP) or separate q/k/v, output named `out` or `o`."""

    def __init__(self, dim, heads, kv_heads=None, bias=True, fused=False, out_name="out"):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads or heads, dim // heads
        self.fused, self.out_name = fused, out_name
        kv_width = self.kv_heads * self.head_dim
        if fused:
            self.qkv = nn.Linear(dim, 3 * dim, bias=bias)
        else:
            self.q = nn.Linear(dim, dim, bias=bias)
            self.k = nn.Linear(dim, kv_width, bias=bias)
            self.v = nn.Linear(dim, kv_width, bias=bias)
        setattr(self, out_name, nn.Linear(dim, dim, bias=bias))

    def forward(self, x, context=None, causal_mask=None, rope_theta=None, queries_from=0):
        """`queries_from`: outputs of positions queries_from.. only (self-attention; the earlier
        positions still give keys and values)."""
        b, t, _ = x.shape
        tq = t - queries_from
        if self.fused:
            q, k, v = self.qkv(x).view(b, t, 3, self.heads, self.head_dim).unbind(2)
            q = q[:, queries_from:]
        else:
            src = x if context is None else context
            tk = src.shape[1]
            q = self.q(x[:, queries_from:]).view(b, tq, self.heads, self.head_dim)
            k = self.k(src).view(b, tk, self.kv_heads, self.head_dim)
            v = self.v(src).view(b, tk, self.kv_heads, self.head_dim)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        if rope_theta is not None:
            q, k = rope(q, rope_theta, queries_from), rope(k, rope_theta)
        if causal_mask is not None:
            causal_mask = causal_mask[..., queries_from:, :]
        if self.kv_heads != self.heads:
            k = k.repeat_interleave(self.heads // self.kv_heads, dim=1)
            v = v.repeat_interleave(self.heads // self.kv_heads, dim=1)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=causal_mask)
        return getattr(self, self.out_name)(o.transpose(1, 2).reshape(b, tq, -1))


def rope(x, theta, offset=0):
    """HF Llama rotate_half rotary embedding of x [B, H, T, D] at positions offset..offset+T-1."""
    d, t = x.shape[-1], x.shape[-2]
    inv = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angles = torch.arange(offset, offset + t, dtype=torch.float64)[:, None] * inv[None, :]
    cos = torch.cat([angles.cos(), angles.cos()], -1).to(x.dtype)
    sin = torch.cat([angles.sin(), angles.sin()], -1).to(x.dtype)
    x1, x2 = x[..., : d // 2], x[..., d // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin


class MLP(nn.Module):
    def __init__(self, dim, hidden, out=None, act="gelu"):
        super().__init__()
        self.fc1, self.fc2, self.act = nn.Linear(dim, hidden), nn.Linear(hidden, out or dim), act

    def forward(self, x):
        h = self.fc1(x)
        h = h * torch.sigmoid(1.702 * h) if self.act == "quick_gelu" else F.gelu(h)
        return self.fc2(h)


class Block(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=EPS), Attention(dim, heads, fused=True)
        self.norm2, self.mlp = nn.LayerNorm(dim, eps=EPS), MLP(dim, hidden, act="quick_gelu")

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class Vision(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, p = c["width"], c["patchSize"]
        self.c, self.grid = c, c["imageSize"] // p
        self.patch_embed = nn.Conv2d(3, d, p, stride=p, bias=False)
        self.class_token = nn.Parameter(torch.zeros(d))
        self.positions = nn.Parameter(torch.zeros(1 + self.grid ** 2, d))
        self.pre_norm = nn.LayerNorm(d, eps=EPS)
        self.blocks = nn.ModuleList([Block(d, c["heads"], c["mlpHidden"]) for _ in range(c["depth"])])
        if c.get("postNorm"):
            self.post_norm = nn.LayerNorm(d, eps=EPS)

    def forward(self, images):
        n = images.shape[0]
        x = self.patch_embed(images).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_token.expand(n, 1, -1), x], 1) + self.positions
        x = self.pre_norm(x)
        taps = []
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i + 1 in self.c["taps"]:
                taps.append(x)
        if self.c.get("postNorm"):
            x = self.post_norm(x)
        return taps, x[:, 1:]


class QFormerLayer(nn.Module):
    def __init__(self, d, heads, hidden):
        super().__init__()
        self.self_norm, self.self_attn = nn.LayerNorm(d, eps=EPS), Attention(d, heads)
        self.cross_norm, self.cross_attn = nn.LayerNorm(d, eps=EPS), Attention(d, heads)
        self.mlp_norm, self.mlp = nn.LayerNorm(d, eps=EPS), MLP(d, hidden)

    def forward(self, q, tap, regions=None):
        q = q + self.self_attn(self.self_norm(q))
        q = q + self.cross_attn(self.cross_norm(q), context=tap, causal_mask=regions)
        return q + self.mlp(self.mlp_norm(q))


class QFormer(nn.Module):
    def __init__(self, dv, dl, m, patch_grid=None):
        """`patch_grid`: regional queries (mfam.regionQueries, ours): query i*r + j attends only to the
        patches of cell (i, j) of an r x r grid (adaptive_avg_pool2d's windows), r*r = queries."""
        super().__init__()
        self.queries = nn.Parameter(torch.zeros(m["queries"], dv))
        self.layers = nn.ModuleList([QFormerLayer(dv, m["heads"], m["mlpRatio"] * dv) for _ in range(m["layers"])])
        self.proj = nn.Linear(dv, dl)
        self.regions = None
        if patch_grid is not None:
            s, r = patch_grid, math.isqrt(m["queries"])
            regions = torch.zeros(r * r, 1 + s * s, dtype=torch.bool)
            for i in range(r):
                for j in range(r):
                    for y in range(i * s // r, -(-(i + 1) * s // r)):
                        for x in range(j * s // r, -(-(j + 1) * s // r)):
                            regions[i * r + j, 1 + y * s + x] = True
            self.regions = regions

    def forward(self, tap):
        q = self.queries.expand(tap.shape[0], -1, -1)
        for layer in self.layers:
            q = layer(q, tap, self.regions)
        return self.proj(q)


class Thematic(nn.Module):
    def __init__(self, dv, dl, grid):
        super().__init__()
        self.fc1, self.fc2, self.grid = nn.Linear(dv, dl), nn.Linear(dl, dl), grid

    def forward(self, patches):
        n, p, d = patches.shape
        s = int(math.isqrt(p))
        x = F.adaptive_avg_pool2d(patches.transpose(1, 2).reshape(n, d, s, s), self.grid)
        return self.fc2(F.gelu(self.fc1(x.flatten(2).transpose(1, 2))))


class MFAM(nn.Module):
    def __init__(self, c):
        super().__init__()
        dv, dl, m = c["vision"]["width"], c["language"]["width"], c["mfam"]
        grid = c["vision"]["imageSize"] // c["vision"]["patchSize"]
        self.low = QFormer(dv, dl, m)
        self.middle = QFormer(dv, dl, m, grid if m.get("regionQueries") else None)
        self.high = QFormer(dv, dl, m)
        self.thematic = Thematic(dv, dl, m["thematicGrid"])

    def forward(self, taps, patches):
        return torch.cat([self.low(taps[0]), self.middle(taps[1]), self.high(taps[2]), self.thematic(patches)], 1)


class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * self.weight


class SwiGLU(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.gate, self.up = nn.Linear(d, hidden, bias=False), nn.Linear(d, hidden, bias=False)
        self.down = nn.Linear(hidden, d, bias=False)

    def forward(self, x):
        return self.down(F.silu(self.gate(x)) * self.up(x))


class LlamaLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["width"]
        self.theta = c["ropeTheta"]
        self.attn_norm = RMSNorm(d)
        self.attn = Attention(d, c["heads"], c["kvHeads"], bias=False, out_name="o")
        self.mlp_norm, self.mlp = RMSNorm(d), SwiGLU(d, c["mlpHidden"])

    def forward(self, x, mask, outputs_from=0):
        x = x[:, outputs_from:] + self.attn(self.attn_norm(x), causal_mask=mask, rope_theta=self.theta,
                                            queries_from=outputs_from)
        return x + self.mlp(self.mlp_norm(x))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocabularySize"], c["width"])
        self.layers = nn.ModuleList([LlamaLayer(c) for _ in range(c["depth"])])
        self.norm = RMSNorm(c["width"])
        if not c["tiedEmbeddings"]:
            self.lm_head = nn.Linear(c["width"], c["vocabularySize"], bias=False)

    def forward(self, x, mask, rows=None, outputs_from=0):
        """`outputs_from`: the last layer computes positions outputs_from.. only (`rows` index those)."""
        for i, layer in enumerate(self.layers):
            x = layer(x, mask, outputs_from if i == len(self.layers) - 1 else 0)
        x = self.norm(x)
        if rows is not None:  # only these flattened positions go through the head (calm's training loss)
            x = x.reshape(-1, x.shape[-1])[rows]
        return x @ self.embed.weight.T if self.c["tiedEmbeddings"] else self.lm_head(x)


class CALM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.vision, self.mfam, self.llm = Vision(c["vision"]), MFAM(c), Llama(c["language"])
        self.reset_parameters()

    def reset_parameters(self):
        """calm's init: normal(0, 0.02) weights, embeddings and learned tokens; zero biases;
        norm weights 1, norm biases 0."""
        for name, p in self.named_parameters():
            if "norm" in name.split(".")[-2] and name.endswith(".weight"):
                nn.init.ones_(p)
            elif name.endswith(".bias"):
                nn.init.zeros_(p)
            else:
                nn.init.normal_(p, std=0.02)

    def forward(self, images, tokens, slots, mask=None, rows=None, outputs_from=0):
        """Logits [B, T, V]. `slots` [B·T] int64: for each flattened position, the row of the
        table cat(text embeddings [B·T, D], visual tokens [N·visual, D]) it takes.
        `mask` bool [B, 1, T, T] (True = may attend), combined with causal masking here.
        `rows` [R] int64: logits [R, V] of these flattened positions only (of [B, T - outputs_from]
        when `outputs_from` lets the last layer skip the positions before it, as calm's loss does)."""
        b, t = tokens.shape
        d = self.c["language"]["width"]
        text = self.llm.embed(tokens).reshape(b * t, d)
        if images is not None and images.shape[0] > 0:
            taps, patches = self.vision(images)
            text = torch.cat([text, self.mfam(taps, patches).reshape(-1, d)], 0)
        x = text[slots].reshape(b, t, d)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        full = causal if mask is None else causal & mask
        return self.llm(x, full, rows, outputs_from)


def count(c):
    return sum(p.numel() for p in CALM(c).parameters())


if __name__ == "__main__":
    for name, c in [("calm-tiny", TINY), ("calm-small", SMALL)]:
        print(f"{name}: {count(c):,} parameters")
    sys.exit(0)
