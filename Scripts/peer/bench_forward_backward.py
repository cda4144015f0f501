"""Forward + backward time of the PyTorch peer at CalmBench's `model` shape (calm-tiny,
batch 8, one image and 64 text tokens per sample, loss on the last 32 tokens).

    python3 Scripts/peer/bench_forward_backward.py [threads]
"""
import sys
import time

import torch
import torch.nn.functional as F

from calm_torch import CALM, TINY


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    torch.manual_seed(0)
    c = TINY
    model = CALM(c)
    v, b = c["language"]["vocabularySize"], 8
    per_image = 3 * c["mfam"]["queries"] + c["mfam"]["thematicGrid"] ** 2 + 4
    t = 64 + per_image
    images = torch.rand(b, 3, 128, 128) * 2 - 1
    tokens = torch.randint(0, v - 5, (b, t))
    # Visual slots (after each group's introducer) take rows of the visual table, as in calm.
    rows = torch.arange(b * t)
    nq, visual = c["mfam"]["queries"], per_image - 4
    for i in range(b):
        slot = 0
        for g, n in enumerate([nq, nq, nq, visual - 3 * nq]):
            start = 1 + g + slot
            rows[i * t + start:i * t + start + n] = b * t + i * visual + slot + torch.arange(n)
            slot += n
    labels = torch.full((b, t), -100)
    labels[:, t - 33:t - 1] = tokens[:, t - 32:]

    def step(backward):
        logits = model(images, tokens, rows)
        loss = F.cross_entropy(logits.reshape(-1, v), labels.reshape(-1), ignore_index=-100)
        if backward:
            model.zero_grad()
            loss.backward()

    for name, backward in [("forward", False), ("forward+backward", True)]:
        best = float("inf")
        for _ in range(6):
            start = time.perf_counter()
            if backward:
                step(True)
            else:
                with torch.no_grad():
                    step(False)
            best = min(best, time.perf_counter() - start)
        print(f"peer calm-tiny {name}: {1000 * best:.1f} ms ({torch.get_num_threads()} threads, B={b} T={t})")


if __name__ == "__main__":
    main()
