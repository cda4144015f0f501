"""Training step (forward, backward, AdamW) of the PyTorch peer at the batch `calm bench train`
times (Sources/calm/Commands/BenchWorkload.swift): eight samples of one image and 64 (calm-tiny)
or 128 (calm-small) text tokens, the loss on the last half of the text; AdamW, weight decay 0.05
on every parameter. Prints one JSON object like `calm bench train --json`.

    python3 Scripts/peer/bench_train.py --config calm-tiny --threads 1 --steps 10
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from calm_torch import CALM, SMALL, TINY  # noqa: E402

CONFIGS = {"calm-tiny": (TINY, 64), "calm-small": (SMALL, 128)}
BATCH = 8


def workload(c, text):
    """Images, token ids, visual-slot rows and answer rows/labels of the benchmark batch."""
    v, s = c["language"]["vocabularySize"], c["vision"]["imageSize"]
    nq, grid = c["mfam"]["queries"], c["mfam"]["thematicGrid"]
    visual = 3 * nq + grid * grid
    t = text + visual + 4  # the image expands to four introducers and its visual tokens
    images = torch.rand(BATCH, 3, s, s) * 2 - 1
    tokens = torch.randint(0, v - 5, (BATCH, t))
    rows = torch.arange(BATCH * t)
    for i in range(BATCH):
        slot = 0
        for g, n in enumerate([nq, nq, nq, grid * grid]):
            start = 1 + g + slot
            rows[i * t + start:i * t + start + n] = BATCH * t + i * visual + slot + torch.arange(n)
            slot += n
    answer = text // 2
    # Position p predicts token p + 1: the last `answer` tokens are predicted from the positions before them.
    answer_rows = torch.cat([i * t + torch.arange(t - answer - 1, t - 1) for i in range(BATCH)])
    labels = torch.cat([tokens[i, t - answer:] for i in range(BATCH)])
    return images, tokens, rows, answer_rows, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="calm-tiny", choices=sorted(CONFIGS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--suffix-last-layer", action="store_true",
                        help="give the peer calm's saving: the last layer runs only from the first answer position")
    parser.add_argument("--count-flops", action="store_true",
                        help="print torch's own FLOP count of forward + backward (to check calm's analytic count)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    c, text = CONFIGS[args.config]
    model = CALM(c)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.05)
    images, tokens, rows, answer_rows, labels = workload(c, text)
    outputs_from = 0
    if args.suffix_last_layer:
        t = tokens.shape[1]
        outputs_from = int((answer_rows % t).min())
        answer_rows = answer_rows // t * (t - outputs_from) + answer_rows % t - outputs_from

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(images, tokens, rows, rows=answer_rows, outputs_from=outputs_from), labels)
        loss.backward()
        optimizer.step()

    if args.count_flops:
        from torch.utils.flop_counter import FlopCounterMode
        with FlopCounterMode(display=False) as counter:
            F.cross_entropy(model(images, tokens, rows, rows=answer_rows, outputs_from=outputs_from), labels).backward()
        print(json.dumps({"config": args.config, "step_gflop": counter.get_total_flops() / 1e9}))
        return
    step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    step_s = statistics.median(times)
    print(json.dumps({
        "side": "pytorch", "config": args.config, "threads": torch.get_num_threads(), "steps": args.steps,
        "torch": torch.__version__, "positions": tokens.shape[1], "suffix_last_layer": args.suffix_last_layer, "step_s": step_s, "step_s_all": times,
        "images_per_s": BATCH / step_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
