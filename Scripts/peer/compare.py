"""calm against its PyTorch peer on the training step, in one run: rounds of calm, the peer
with 1 thread and the peer with 2 threads, interleaved so that load from other processes hits
all sides alike; medians over rounds, the peer's best thread setting, and the ratio.

    swift build -c release --product calm
    python3 Scripts/peer/compare.py --config calm-tiny --rounds 3 --steps 5 [--baseline /tmp/calm-before]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(command, env=None):
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="calm-tiny")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--calm", default=os.path.join(ROOT, ".build/release/calm"))
    parser.add_argument("--baseline", help="an earlier calm binary, timed as one more side (before/after ratios)")
    parser.add_argument("--calm-threads", type=int, default=2)
    parser.add_argument("--peer-threads", default="1,2")
    parser.add_argument("--keep-blas-core", action="store_true",
                        help="run calm under the inherited OPENBLAS_CORETYPE (default: OpenBLAS's own choice, its fastest here)")
    parser.add_argument("--peer-suffix-last-layer", action="store_true",
                        help="give the peer calm's last-layer saving too (bench_train.py --suffix-last-layer)")
    args = parser.parse_args()
    def calm(binary):
        return [binary, "bench", "train", "--config", args.config, "--steps", str(args.steps),
                "--threads", str(args.calm_threads), "--json"]
    sides = {"calm": calm(args.calm)}
    if args.baseline:
        sides["calm-baseline"] = calm(args.baseline)
    for threads in args.peer_threads.split(","):
        sides[f"pytorch-{threads}t"] = [sys.executable, os.path.join(HERE, "bench_train.py"), "--config", args.config,
                                        "--threads", threads, "--steps", str(args.steps)]
        if args.peer_suffix_last_layer:
            sides[f"pytorch-{threads}t"].append("--suffix-last-layer")
    # calm's best BLAS setting, as the peer gets its best thread count: a forced OpenBLAS kernel
    # (OPENBLAS_CORETYPE=Haswell on some machines) ran calm-tiny's step 1.55x slower on Zen 4.
    calm_env = dict(os.environ)
    if not args.keep_blas_core:
        calm_env.pop("OPENBLAS_CORETYPE", None)
    results = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, command in sides.items():
            results[name].append(run(command, calm_env if name.startswith("calm") else None))
    load = os.getloadavg()
    summary = {name: {"step_s": statistics.median(r["step_s"] for r in rs),
                      "peak_rss_mb": max(r["peak_rss_mb"] for r in rs)} for name, rs in results.items()}
    calm = results["calm"][-1]
    for name, s in summary.items():
        # calm's last layer skips the positions before the first answer; the peer runs them all.
        work = calm["step_gflop"] if name.startswith("calm") or args.peer_suffix_last_layer else calm["unpruned_step_gflop"]
        gflops = work / s["step_s"]
        print(f"{args.config:10s} {name:12s} step {s['step_s']:7.3f} s  {gflops:6.1f} GFLOP/s  peak RSS {s['peak_rss_mb']:7.0f} MiB")
    if args.baseline:
        print(f"{args.config:10s} speed-up over calm-baseline: {summary['calm-baseline']['step_s'] / summary['calm']['step_s']:.2f}x")
    best = min((n for n in summary if n.startswith("pytorch")), key=lambda n: summary[n]["step_s"])
    ratio = summary[best]["step_s"] / summary["calm"]["step_s"]
    print(f"{args.config:10s} calm's OpenBLAS kernel: {calm.get('blas_core', '?')}")
    print(f"{args.config:10s} speed-up over {best} (its fastest): {ratio:.2f}x; "
          f"memory {summary['calm']['peak_rss_mb'] / summary[best]['peak_rss_mb']:.2f}x of it; "
          f"calm at {100 * calm['step_gflop'] / summary['calm']['step_s'] / 232:.0f} % of 232 GFLOP/s; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
