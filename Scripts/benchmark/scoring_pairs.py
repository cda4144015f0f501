"""Where a corpus-benchmark scorer's correlation comes from. For a `calm score --csv` file of the
test split: the share of degraded copies scored below their own original (overall and per
degradation kind; 0.5 is chance), and the AUC of curated photos against every other test image.
Prints one JSON object.

    python3 Scripts/benchmark/scoring_pairs.py runs/demo/ssl/scores.csv [BENCH=runs/bench]
"""
import collections
import csv
import json
import os
import sys


def main():
    scores_path = sys.argv[1]
    bench = sys.argv[2] if len(sys.argv) > 2 else "runs/bench"
    predicted = {row["id"]: float(row["prediction"]) for row in csv.DictReader(open(scores_path))}
    metadata = {}
    for line in open(os.path.join(bench, "scoring-test.jsonl")):
        record = json.loads(line)
        metadata[record["id"]] = record["metadata"]
    below = collections.defaultdict(list)
    for image, facts in metadata.items():
        if facts.get("source") == "degraded":
            below[facts["degradation"]].append(predicted[image] < predicted[facts["original"].split("/")[-1][:-len(".png")]])
    curated = [predicted[i] for i, f in metadata.items() if f.get("source") == "curated"]
    others = [predicted[i] for i, f in metadata.items() if f.get("source") != "curated"]
    pairs = [b for kind in below.values() for b in kind]
    print(json.dumps({
        "degraded_below_original": sum(pairs) / len(pairs),
        "pairs": len(pairs),
        "per_kind": {kind: f"{sum(v)}/{len(v)}" for kind, v in sorted(below.items())},
        "curated_auc": sum((c > o) + 0.5 * (c == o) for c in curated for o in others) / (len(curated) * len(others)),
    }))


if __name__ == "__main__":
    main()
