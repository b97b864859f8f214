# Run from the repository root (after `swift build`):
#   nice -n 19 python3 python/example_pytorch_loop.py --pmeta-plan .build/debug/pmeta-plan --out /tmp/pmeta-loop \
#       > reports/pytorch-plans/end-to-end.txt
"""The loop closed (docs/pytorch-plans.md): torchvision ResNet-18 -> ONNX -> importance on the user's data ->
pmeta-plan --budget B model.onnx --importance FILE -o plan.json -> pmeta_torch.apply -> adapted and measured.

1. A ResNet-18 from torchvision (random weights, seed 0) is pretrained on 20 synthetic source classes: each class a
   random sum of coloured gratings, each sample the template shifted by up to 4 pixels, its contrast scaled and
   pixel noise added.
2. The target: 5-way few-shot tasks (5 support and 15 query samples per class) from 10 other classes in a shifted
   domain (a colour cast and stronger noise). The model gets a new 5-class head and is exported to ONNX in training
   mode (batch norm kept, layer names = module paths).
3. pmeta_torch.importance measures lr ||g_l^k||^2 per layer and inner step on 4 calibration tasks.
4. pmeta-plan plans for a budget a quarter of the way from ANIL's peak to MAML's (batch = the 25 support samples,
   the torch-helper profile, channels by magnitude), once with the measured importance and once without (every
   layer-step scoring 1).
5. Each plan, updating everything and updating only the head adapt held-out tasks for K SGD steps from the same
   weights; the query accuracy before and after, and the measured and predicted peak of one adaptation.
"""

import argparse
import copy
import json
import math
import os
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pmeta_torch  # noqa: E402


# MARK: - Synthetic classes


class GratingClasses:
    """Classes of coloured gratings: class c's template is a sum of `components` sinusoidal gratings with random
    orientation, frequency, phase and colour."""

    def __init__(self, count, size, seed, components=3):
        generator = torch.Generator().manual_seed(seed)
        axis = torch.arange(size, dtype=torch.float32)
        ys, xs = torch.meshgrid(axis, axis, indexing="ij")
        templates = []
        for _ in range(count):
            image = torch.zeros(3, size, size)
            for _ in range(components):
                angle = float(torch.rand(1, generator=generator)) * math.pi
                frequency = 0.15 + 0.5 * float(torch.rand(1, generator=generator))
                phase = float(torch.rand(1, generator=generator)) * 2 * math.pi
                colour = torch.randn(3, generator=generator)
                wave = torch.sin(frequency * (xs * math.cos(angle) + ys * math.sin(angle)) + phase)
                image += colour.view(3, 1, 1) * wave
            templates.append(image / components ** 0.5)
        self.templates = torch.stack(templates)
        self.size = size

    def samples(self, classes, per_class, generator, noise=0.5, cast=None):
        """`per_class` samples of each class in `classes`: shifted, contrast-scaled, noisy; labels 0..len-1."""
        images, labels = [], []
        for label, c in enumerate(classes):
            for _ in range(per_class):
                dy, dx = (int(v) for v in torch.randint(-4, 5, (2,), generator=generator))
                image = torch.roll(self.templates[c], shifts=(dy, dx), dims=(1, 2))
                image = image * (0.7 + 0.6 * float(torch.rand(1, generator=generator)))
                image = image + noise * torch.randn(image.shape, generator=generator)
                if cast is not None:
                    image = image + cast.view(3, 1, 1)
                images.append(image)
                labels.append(label)
        return torch.stack(images), torch.tensor(labels)


class TargetTasks:
    """5-way few-shot tasks from the target classes, in a shifted domain (a colour cast, stronger noise)."""

    def __init__(self, bank, classes, ways=5, shots=5, queries=15, seed=0):
        self.bank, self.classes, self.ways, self.shots, self.queries = bank, classes, ways, shots, queries
        self.cast = torch.tensor([0.6, -0.4, 0.3])
        self.seed = seed

    def task(self, index):
        generator = torch.Generator().manual_seed(self.seed * 100_003 + index)
        chosen = [self.classes[int(i)] for i in torch.randperm(len(self.classes), generator=generator)[:self.ways]]
        xs, ys = self.bank.samples(chosen, self.shots, generator, noise=0.7, cast=self.cast)
        xq, yq = self.bank.samples(chosen, self.queries, generator, noise=0.7, cast=self.cast)
        return xs, ys, xq, yq


# MARK: - Steps of the loop


def resnet18(classes):
    import torchvision
    torch.manual_seed(0)
    return torchvision.models.resnet18(num_classes=classes)


def pretrain(model, bank, classes, epochs, per_class, seed, log):
    generator = torch.Generator().manual_seed(seed)
    x, y = bank.samples(classes, per_class, generator)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        total, correct = 0.0, 0
        for start in range(0, len(x), 64):
            batch = order[start:start + 64]
            logits = model(x[batch])
            loss = F.cross_entropy(logits, y[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
            correct += int((logits.argmax(1) == y[batch]).sum())
        log(f"  pretraining epoch {epoch + 1}: loss {total / len(x):.3f}, train accuracy {correct / len(x):.3f}")
    return model


def with_new_head(model, classes, seed):
    adapted = copy.deepcopy(model)
    torch.manual_seed(seed)
    adapted.fc = nn.Linear(adapted.fc.in_features, classes)
    return adapted


def export_onnx(model, shape, path):
    import warnings
    warnings.filterwarnings("ignore")  # the exporter's notes on batch norm's running-statistics updates
    exported = copy.deepcopy(model).train()
    # Two samples: train-mode batch norm needs more than one value per channel where the maps are 1 x 1.
    torch.onnx.export(exported, (torch.zeros(2, *shape),), path, dynamo=False, opset_version=17,
                      training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False,
                      input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})


def run_cli(binary, *arguments):
    result = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"pmeta-plan {' '.join(arguments)}: exit {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def full_plan(model, steps, only_head=False):
    layers = list(pmeta_torch.trainable_layers(model))
    chosen = layers[-1:] if only_head else layers
    return {"format": 1, "kind": "update-plan", "inner_steps": steps,
            "steps": [{"inner_step": k + 1, "updates": [{"layer": name} for name in chosen]} for k in range(steps)]}


def accuracy(model, x, y):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        correct = int((model(x).argmax(1) == y).sum())
    model.train(was_training)
    return correct / len(y)


def adapt_and_score(model, plan, task, lr):
    """Adapts a copy of `model` with `plan` on the task's support set; query accuracy before and after."""
    xs, ys, xq, yq = task
    copy_ = copy.deepcopy(model)
    before = accuracy(copy_, xq, yq)
    adapted = pmeta_torch.apply(copy_, plan, lr=lr)
    adapted.adapt(xs, ys)
    return before, accuracy(copy_, xq, yq)


def mean_and_interval(values):
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, 1.96 * math.sqrt(variance / n)


def run(binary, out, size=32, source_classes=20, target_classes=10, per_class=100, epochs=3, steps=3, lr=0.02,
        calibration_tasks=4, evaluation_tasks=20, budget_fraction=0.25, log=print):
    """The whole loop; returns the figures as a dict."""
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    started = time.time()
    bank = GratingClasses(source_classes + target_classes, size, seed=7)
    source = list(range(source_classes))
    target = TargetTasks(bank, list(range(source_classes, source_classes + target_classes)), seed=1)
    log(f"1. Pretraining torchvision resnet18 on {source_classes} source classes ({per_class} samples each, {size}x{size}):")
    pretrained = pretrain(resnet18(source_classes), bank, source, epochs, per_class, seed=3, log=log)
    model = with_new_head(pretrained, target.ways, seed=11)
    onnx_path = os.path.join(out, "model.onnx")
    export_onnx(model, (3, size, size), onnx_path)
    log(f"2. Exported with a new {target.ways}-class head to {onnx_path} (training mode: batch norm kept)")

    importance_path = os.path.join(out, "importance.json")
    calibration = [target.task(10_000 + i)[:2] for i in range(calibration_tasks)]
    scores = pmeta_torch.importance(model, calibration, steps=steps, lr=lr, path=importance_path)
    top = sorted(scores, key=lambda name: -sum(scores[name]))[:6]
    log(f"3. Importance (lr ||g||^2 per inner step, {calibration_tasks} calibration tasks) -> {importance_path}; largest: "
        + ", ".join(f"{name} {[round(v, 5) for v in scores[name]]}" for name in top))

    support = target.ways * target.shots
    workload = ["--samples", str(support), "--micro-batch", str(support), "--inner-steps", str(steps)]
    compared = json.loads(run_cli(binary, "compare", onnx_path, *workload, "--profile", "torch-helper", "--format", "json"))
    peaks = {m["method"]: m["adaptation_peak_bytes"] for m in compared["methods"]}
    budget = int(peaks["anil"] + budget_fraction * (peaks["maml"] - peaks["anil"]))
    plans = {}
    for name, extra in [("measured importance", ["--importance", importance_path]), ("uniform importance", [])]:
        path = os.path.join(out, f"plan-{name.split()[0]}.json")
        command = ["--budget", f"{budget}B", onnx_path, *workload, "--profile", "torch-helper",
                   "--channel-selection", "magnitude", *extra, "-o", path]
        printed = run_cli(binary, *command)
        plans[name] = path
        log(f"4. pmeta-plan {' '.join(command)}")
        log("   " + next(line for line in printed.splitlines() if line.startswith(("FITS", "DOES NOT FIT"))))
    for name, only_head in [("update everything", False), ("head only", True)]:
        path = os.path.join(out, f"plan-{name.split()[0]}.json")
        with open(path, "w") as handle:
            json.dump(full_plan(model, steps, only_head), handle, indent=2)
        plans[name] = path
    log(f"   budget: ANIL {peaks['anil']:,} B + {budget_fraction} x (MAML {peaks['maml']:,} B - ANIL) = {budget:,} B")

    results = {}
    first_task = target.task(0)
    for name, path in plans.items():
        checked = json.loads(run_cli(binary, "check", onnx_path, "--plan", path, "--budget", "1000GB", *workload,
                                     "--profile", "torch-helper", "--override-plan-workload", "--format", "json"))
        plan = pmeta_torch.load_plan(path)
        plan.predicted_peak_bytes, plan.profile = checked["adaptation_peak_bytes"], "torch-helper"
        measured = pmeta_torch.measure(copy.deepcopy(model), plan, first_task[:2], lr=lr, quiet=True)
        before, after = [], []
        for index in range(evaluation_tasks):
            b, a = adapt_and_score(model, path, target.task(index), lr)
            before.append(b)
            after.append(a)
        updated = sorted({u.layer for step in plan.steps for u in step})
        results[name] = {"plan": os.path.basename(path), "layer_steps": sum(len(s) for s in plan.steps),
                         "layers": len(updated), "measured_peak_bytes": measured["measured_peak_bytes"],
                         "predicted_peak_bytes": plan.predicted_peak_bytes, "ratio": measured["ratio"],
                         "accuracy_before": mean_and_interval(before), "accuracy_after": mean_and_interval(after),
                         "per_task_after": after}
    log(f"5. Adapted {evaluation_tasks} held-out {target.ways}-way {target.shots}-shot tasks ({target.queries} queries per "
        f"class), K = {steps} SGD steps, lr {lr}, batch {support}; accuracy on the query set (mean, 95% interval):")
    log("")
    log("| run | layer-steps | measured peak (B) | predicted, torch-helper (B) | measured / predicted | accuracy before | accuracy after |")
    log("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        (b, bi), (a, ai) = r["accuracy_before"], r["accuracy_after"]
        log(f"| {name} | {r['layer_steps']} | {r['measured_peak_bytes']:,} | {r['predicted_peak_bytes']:,} | {r['ratio']:.4f} | "
            f"{b:.3f} ± {bi:.3f} | {a:.3f} ± {ai:.3f} |")
    log("")
    importance_after = results["measured importance"]["per_task_after"]
    for other in ("uniform importance", "update everything", "head only"):
        differences = [x - y for x, y in zip(importance_after, results[other]["per_task_after"])]
        d, di = mean_and_interval(differences)
        log(f"measured importance - {other}: {d:+.3f} ± {di:.3f} (paired over the {evaluation_tasks} tasks)")
    log(f"\n{time.time() - started:.0f} s")
    return {"budget_bytes": budget, "results": results, "importance": scores}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pmeta-plan", required=True, help="the pmeta-plan executable")
    parser.add_argument("--out", default="/tmp/pmeta-loop", help="where the model, importance and plans go")
    parser.add_argument("--tasks", type=int, default=20, help="held-out tasks to adapt")
    parser.add_argument("--steps", type=int, default=3, help="K, the inner steps")
    parser.add_argument("--epochs", type=int, default=3, help="pretraining epochs")
    args = parser.parse_args(argv)
    run(args.pmeta_plan, args.out, steps=args.steps, epochs=args.epochs, evaluation_tasks=args.tasks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
