"""The tables of docs/evidence.md from the validate.json files scripts/evidence.sh wrote.

    python3 scripts/evidence_table.py evidence-runs        (markdown on standard output)

Per setting (fewshot-1shot, fewshot-5shot, sinusoid) and method: the measured peak of every seed (validate's meter,
the cost model's prediction beside it when they differ), the score after adaptation per seed with validate's 95%
interval over its 100 tasks, the mean over seeds with two intervals: "tasks" pools the three seeds' task intervals
(the standard error of a mean of three independent means, sqrt(sum se_i^2) / 3, times 1.96), "seeds" is Student's
t over the three seed means (t = 4.303 for 2 degrees of freedom), which also carries the spread between runs.
Standard library only.
"""

import json
import math
import os
import sys

ROWS = [  # validate's key, the label
    ("maml", "MAML"),
    ("maml++", "MAML++ (learned step sizes)"),
    ("anil", "ANIL"),
    ("boil", "BOIL"),
    ("plan", "p-Meta (learned plan)"),
    ("pmeta", "p-Meta + meta attention"),
]
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776}


def load(folder):
    seeds = sorted(name for name in os.listdir(folder) if name.startswith("seed"))
    runs = {}
    for seed in seeds:
        path = os.path.join(folder, seed, "validate.json")
        if os.path.exists(path):
            with open(path) as handle:
                runs[seed] = json.load(handle)
    return runs


def score_keys(method):
    for key in method:
        if key.endswith("_after") and not key.startswith("accuracy_before"):
            return key, key + "_ci95", key.replace("_after", "_before")
    raise KeyError("no score after adaptation")


def fmt(value, metric):
    return f"{100 * value:.1f}%" if metric == "accuracy" else f"{value:.3f}"


def half(value, metric):
    return f"{100 * value:.1f}" if metric == "accuracy" else f"{value:.3f}"


def table(name, runs):
    seeds = list(runs)
    first = next(iter(runs.values()))
    metric = first.get("metric", "accuracy")
    lines = [f"### {name}: {len(seeds)} seeds ({', '.join(seeds)}), {first['tasks']} held-out tasks each, "
             f"{first['samples']} support samples, metric {metric}", ""]
    header = ["method", "measured peak (per seed)"] + [f"{metric} {seed}" for seed in seeds] + [
        "mean", "95% (tasks)", "95% (seeds)"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for key, label in ROWS:
        if not all(key in run["methods"] for run in runs.values()):
            continue
        peaks, cells, means, errors = [], [], [], []
        for run in runs.values():
            method = run["methods"][key]
            after, ci, _ = score_keys(method)
            measured, predicted = method["measured_peak_bytes"], method["predicted_peak_bytes"]
            peaks.append(f"{measured:,}" + ("" if measured == predicted else f" (pred. {predicted:,})"))
            cells.append(f"{fmt(method[after], metric)} ± {half(method[ci], metric)}")
            means.append(method[after])
            errors.append(method[ci] / 1.96)
        mean = sum(means) / len(means)
        pooled = 1.96 * math.sqrt(sum(e * e for e in errors)) / len(errors)
        if len(means) > 1:
            spread = math.sqrt(sum((m - mean) ** 2 for m in means) / (len(means) - 1))
            seed_half = T_975.get(len(means) - 1, 1.96) * spread / math.sqrt(len(means))
            seed_cell = f"± {half(seed_half, metric)}"
        else:
            seed_cell = "-"
        row = [label, " / ".join(peaks)] + cells + [fmt(mean, metric), f"± {half(pooled, metric)}", seed_cell]
        lines.append("| " + " | ".join(row) + " |")
    before_key = score_keys(first["methods"]["maml"])[2]
    befores = [run["methods"]["maml"][before_key] for run in runs.values()]
    lines += ["", f"Before adaptation (MAML's weights): {', '.join(fmt(b, metric) for b in befores)}.", ""]
    return "\n".join(lines)


def main(argv):
    root = argv[1] if len(argv) > 1 else "evidence-runs"
    for setting in ["fewshot-1shot", "fewshot-5shot", "sinusoid"]:
        folder = os.path.join(root, setting)
        if not os.path.isdir(folder):
            continue
        runs = load(folder)
        if runs:
            print(table(setting, runs))


if __name__ == "__main__":
    main(sys.argv)
