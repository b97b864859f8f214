"""Time one adaptation step in stock PyTorch on one CPU thread, beside `pmeta-plan bench-trainer` in the same run.

Run (after `swift build -c release`):
    python3 python/time_pytorch_step.py                      # 4Conv 84x84, 25 samples, micro-batch 1
    python3 python/time_pytorch_step.py --rounds 5 --binary .build/release/pmeta-plan

The step is what bench-trainer times: one SGD adaptation step over the support set, a forward and backward pass
per micro-batch with gradients accumulated, then one update of the chosen parameters. Two plans:
  MAML    every layer with parameters updated;
  sparse  the last two layers with parameters (4Conv: block4.conv and head), the rest frozen
          (requires_grad=False, so autograd stops at block4.conv as the trainer does).
PyTorch runs with torch.set_num_threads(1); the task is random images and labels (timing does not depend on them).
Each round times PyTorch, then the Swift binary, and reports the best of its repetitions; the table gives the
best over rounds and the ratio Swift / PyTorch. Interleaving rounds keeps both sides under the same machine load.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_from_architecture import build_model, load_architecture, trainable_layers  # noqa: E402


def configure(model, plan):
    layers = trainable_layers(model)
    chosen = layers if plan == "MAML" else layers[-2:]
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    for name in chosen:
        for parameter in model.module_named(name).parameters():
            parameter.requires_grad_(True)
    return [p for p in model.parameters() if p.requires_grad]


def adaptation_step(model, parameters, images, labels, micro_batch, step_size=0.01):
    for start in range(0, images.shape[0], micro_batch):
        x = images[start:start + micro_batch]
        y = labels[start:start + micro_batch]
        # The trainer's loss is the mean over the whole support set: scale each micro-batch's sum.
        loss = F.cross_entropy(model(x), y, reduction="sum") / images.shape[0]
        loss.backward()
    with torch.no_grad():
        for parameter in parameters:
            parameter -= step_size * parameter.grad
            parameter.grad = None


def time_pytorch(spec, plan, samples, micro_batch, repetitions, seed):
    model = build_model(spec, seed=seed)
    parameters = configure(model, plan)
    generator = torch.Generator().manual_seed(seed)
    images = torch.rand(samples, *spec.input_shape, generator=generator)
    ways = model(images[:1]).shape[1]
    labels = torch.arange(samples) % ways
    best = float("inf")
    for repetition in range(repetitions + 1):  # one warm-up
        start = time.perf_counter()
        adaptation_step(model, parameters, images, labels, micro_batch)
        elapsed = time.perf_counter() - start
        if repetition > 0:
            best = min(best, elapsed)
    return best


def time_swift(binary, architecture, samples, micro_batch, repetitions):
    command = [binary, "bench-trainer", architecture, "--samples", str(samples), "--micro-batch", str(micro_batch),
               "--repetitions", str(repetitions), "--format", "json"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    # The title names the build's kernels: "... scratch-free kernels (8-lane vectors, ...); best of ...".
    title = report.get("title", "")
    kernels = title.split("kernels (", 1)[1].split(");", 1)[0] if "kernels (" in title else "kernels not named"
    return kernels, {row["plan"]: float(row["step_time"].split()[0]) / 1000 for row in report["plans"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("architecture", nargs="?", default="architectures/4conv.json")
    parser.add_argument("--samples", type=int, default=25)
    parser.add_argument("--micro-batch", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=3, help="timed steps per plan and round (after a warm-up)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of PyTorch then Swift")
    parser.add_argument("--binary", default=".build/release/pmeta-plan", help="the pmeta-plan binary ('' skips Swift)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    spec = load_architecture(args.architecture)
    plans = ["MAML", "sparse"]
    best_torch = {plan: float("inf") for plan in plans}
    best_swift = {plan: float("inf") for plan in plans}
    swift_kernels = "skipped"
    for round_index in range(args.rounds):
        for plan in plans:
            seconds = time_pytorch(spec, plan, args.samples, args.micro_batch, args.repetitions, args.seed)
            best_torch[plan] = min(best_torch[plan], seconds)
        if args.binary:
            swift_kernels, times = time_swift(args.binary, args.architecture, args.samples, args.micro_batch, args.repetitions)
            for plan, seconds in times.items():
                best_swift[plan] = min(best_swift[plan], seconds)
        print(f"round {round_index + 1}/{args.rounds} done", file=sys.stderr)

    print(f"One adaptation step of {spec.name} {'x'.join(map(str, spec.input_shape))}, {args.samples} samples, "
          f"micro-batch {args.micro_batch}; best of {args.rounds} rounds x {args.repetitions} repetitions.")
    capability = torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else "unknown"
    print(f"PyTorch {torch.__version__} on {torch.get_num_threads()} thread (CPU capability {capability}); "
          f"Swift: {args.binary or 'skipped'} ({swift_kernels}).")
    print()
    print(f"{'plan':<8}{'PyTorch':>12}{'Swift':>12}{'Swift / PyTorch':>18}")
    for plan in plans:
        swift = best_swift[plan]
        ratio = f"{swift / best_torch[plan]:.2f}x" if swift != float("inf") else "-"
        swift_text = f"{swift * 1000:.1f} ms" if swift != float("inf") else "-"
        print(f"{plan:<8}{best_torch[plan] * 1000:>9.1f} ms{swift_text:>12}{ratio:>18}")


if __name__ == "__main__":
    main()
