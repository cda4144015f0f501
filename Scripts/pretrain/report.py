#!/usr/bin/env python3
"""Markdown tables from `calm eval attributes --json` reports, one column per model.

    python3 Scripts/pretrain/report.py step0=runs/eval/step0.json routing=runs/eval/routing-3000.json ...

Per attribute: the single-attribute questions' accuracy and balanced accuracy (generated answers),
then the per-scale summaries of every section and the pair judgements."""
import json
import sys


def load(argument):
    name, path = argument.split("=", 1)
    with open(path) as f:
        return name, json.load(f)


def percent(value):
    return "-" if value is None else f"{100 * value:.1f}"


def main():
    models = [load(a) for a in sys.argv[1:]]
    if not models:
        sys.exit(__doc__)
    names = [n for n, _ in models]
    first = models[0][1]
    print(f"{first['photos']} held-out photos\n")
    print("Single-attribute questions, generated answers: accuracy of the named level / balanced accuracy (%)\n")
    print("| attribute | chance | majority | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    rows = {n: {r["attribute"]: r for r in report["focused"]["attributes"]} for n, report in models}
    # Every attribute any model was asked about, in the order the reports give them.
    bases = {}
    for _, report in models:
        for r in report["focused"]["attributes"]:
            bases.setdefault(r["attribute"], r)
    for a, base in bases.items():
        cells = [f"{percent(rows[n][a]['correct'] / rows[n][a]['asked'])} / {percent(rows[n][a]['balancedAccuracy'])}"
                 if a in rows[n] else "-" for n in names]
        print(f"| {a} | {percent(base['chance'])} | {percent(base['majority'])} | " + " | ".join(cells) + " |")
    for section, title in [("focused", "single-attribute questions"), ("generated", "scale questions, generated"),
                           ("forcedChoice", "forced choice")]:
        print(f"\n{title}: correct / asked per scale, mean balanced accuracy (%)\n")
        print("| scale | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for scale in ["low", "middle", "high"]:
            cells = []
            for n, report in models:
                attributes = [r for r in report[section]["attributes"] if r["scale"] == scale]
                if not attributes:
                    cells.append("-")
                    continue
                correct = sum(r["correct"] for r in attributes)
                asked = sum(r["asked"] for r in attributes)
                balanced = sum(r["balancedAccuracy"] for r in attributes) / len(attributes)
                cells.append(f"{percent(correct / asked)} / {percent(balanced)}")
            print(f"| {scale} | " + " | ".join(cells) + " |")
    print("\npair judgements (generated answers), accuracy over asked (%)\n")
    print("| judgement | chance | majority | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    pairs = {n: {r["attribute"]: r for r in report["generated"]["attributes"] if r["scale"] == "high"} for n, report in models}
    # Rows (and their chance and majority) from the first report that judged pairs: a step-0 or
    # phase-1 report first in line has none.
    judged = next((pairs[n] for n in names if pairs[n]), {})
    for a, base in judged.items():
        # A model pretrained without pairs (phase 1) has no row: "-".
        cells = [percent(pairs[n][a]["correct"] / pairs[n][a]["asked"] if a in pairs[n] else None) for n in names]
        print(f"| {a} | {percent(base['chance'])} | {percent(base['majority'])} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
