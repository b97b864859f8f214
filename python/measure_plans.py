# Run from the repository root (after `swift build -c release`):
#   nice -n 19 python3 python/measure_plans.py --pmeta-plan .build/release/pmeta-plan > reports/pytorch-plans/measured.txt
"""Measured vs predicted adaptation peaks of plans applied with python/pmeta_torch.py (issue 14; docs/pytorch-plans.md).

For each network, from its architecture file and from its ONNX fixture, three plans at batch 1 (one sample, one SGD
step, no accumulation):
  pmeta  `pmeta-plan --budget B GRAPH --profile torch-helper --channel-selection magnitude -o plan.json`: the exact
         optimum within B, with input-channel ratios below 1 (channels kept by weight magnitude)
  bias   every bias (conv and linear biases, normalization betas): TinyTL's bias-only update
  last   the last five layers with parameters, every tensor and channel
The plans are written to python/plans/ (committed). The prediction is `pmeta-plan check GRAPH --plan plan.json
--profile torch-helper` (what the helper's conventions hold); the measurement is pmeta_torch.measure: the live tensor
bytes of the step, peak over its ops (activations, kept tensors, gradients; not the model or the batch).

The PyTorch models: the architecture files through python/torch_from_architecture.py (layer names = the files'),
ResNet-18 from resnet18_training.onnx as torchvision's resnet18 in train mode (layer names = module paths), and the
inference exports mobilenet_v2.onnx and ds_cnn.onnx as the models they were exported from with each batch norm
folded into the conv before it (torch.nn.utils.fusion.fuse_conv_bn_eval), which is the network those files describe.
Random weights (seed 0), a random sample (seed 1) and label.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import pmeta_torch  # noqa: E402
from torch_from_architecture import build_model, load_architecture  # noqa: E402

TRAINABLE = {"conv2d", "conv1d", "linear", "batch_norm", "group_norm", "layer_norm"}
WEIGHT_LAYERS = {"conv2d", "conv1d", "linear"}
FIXTURES = os.path.join(ROOT, "Tests", "PMetaPlanTests", "Fixtures", "ONNX")


def fold_batch_norms(model):
    """Every conv followed by a batch norm in the same Sequential becomes one conv with a bias (what an inference
    export does); the batch norm becomes an Identity."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval
    for module in model.modules():
        if not isinstance(module, nn.Sequential):
            continue
        children = list(module.named_children())
        for (name, child), (next_name, following) in zip(children, children[1:]):
            if isinstance(child, nn.Conv2d) and isinstance(following, nn.BatchNorm2d):
                fused = fuse_conv_bn_eval(child.eval(), following.eval())
                setattr(module, name, fused)
                setattr(module, next_name, nn.Identity())
    return model.train()


def torchvision_model(name, fold):
    import torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)()
    return fold_batch_norms(model) if fold else model


def ds_cnn_model():
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from make_onnx_fixtures import DSCNN  # the model ds_cnn.onnx was exported from
    torch.manual_seed(0)
    return fold_batch_norms(DSCNN())


# network, graph file, how to build the PyTorch model, pmeta budget
CASES = [
    ("ResNet-18", "architectures/resnet18.json", None, "9MB"),
    ("MobileNetV2", "architectures/mobilenetv2.json", None, "14MB"),
    ("DS-CNN", "architectures/ds-cnn.json", None, "240KB"),
    ("ResNet-18", "Tests/PMetaPlanTests/Fixtures/ONNX/resnet18_training.onnx", lambda: torchvision_model("resnet18", False), "9MB"),
    ("MobileNetV2", "Tests/PMetaPlanTests/Fixtures/ONNX/mobilenet_v2.onnx", lambda: torchvision_model("mobilenet_v2", True), "9MB"),
    ("DS-CNN", "Tests/PMetaPlanTests/Fixtures/ONNX/ds_cnn.onnx", ds_cnn_model, "150KB"),
]


def run(binary, *arguments):
    result = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"pmeta-plan {' '.join(arguments)}: exit {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def plan_document(spec, updates):
    return {"format": 1, "kind": "update-plan", "architecture": spec.name, "inner_steps": 1,
            "steps": [{"inner_step": 1, "updates": updates}]}


def simple_plans(spec):
    """The bias-only and last-five-layers plans of a graph."""
    trainable = [layer for layer in spec.layers if layer.op in TRAINABLE]
    bias = [{"layer": layer.name, "parameters": "bias"} for layer in trainable
            if layer.op not in WEIGHT_LAYERS or layer.attributes.get("bias", True)]
    last = [{"layer": layer.name} for layer in trainable[-5:]]
    return {"bias": plan_document(spec, bias), "last": plan_document(spec, last)}


def stem(graph):
    base = os.path.basename(graph)
    return base.rsplit(".", 1)[0] + ("-onnx" if base.endswith(".onnx") else "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pmeta-plan", required=True, help="the pmeta-plan executable")
    parser.add_argument("--plans", default=os.path.join(HERE, "plans"), help="where to write the plans")
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    batch = str(args.batch)
    workload = ["--samples", batch, "--micro-batch", batch, "--inner-steps", "1"]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for network, graph, make_model, budget in CASES:
            graph_path = os.path.join(ROOT, graph)
            spec_path = graph_path
            if graph.endswith(".onnx"):
                spec_path = os.path.join(folder, stem(graph) + ".json")
                run(args.pmeta_plan, "convert", graph_path, "-o", spec_path)
            spec = load_architecture(spec_path)
            model = make_model() if make_model else build_model(spec, seed=0)
            generator = torch.Generator().manual_seed(1)
            x = torch.randn(args.batch, *spec.input_shape, generator=generator)
            y = torch.randint(0, spec.layers[-1].attributes["out_features"], (args.batch,), generator=generator)
            paths = {}
            pmeta_path = os.path.join(args.plans, f"{stem(graph)}-pmeta.json")
            run(args.pmeta_plan, "--budget", budget, graph_path, *workload, "--profile", "torch-helper",
                "--channel-selection", "magnitude", "-o", pmeta_path)
            paths["pmeta"] = pmeta_path
            for kind, document in simple_plans(spec).items():
                paths[kind] = os.path.join(args.plans, f"{stem(graph)}-{kind}.json")
                with open(paths[kind], "w") as handle:
                    json.dump(document, handle, indent=2)
                    handle.write("\n")
            for kind, path in paths.items():
                checked = json.loads(run(args.pmeta_plan, "check", graph_path, "--plan", path, "--budget", "1000GB",
                                         *workload, "--profile", "torch-helper", "--override-plan-workload",
                                         "--format", "json"))
                predicted = checked["adaptation_peak_bytes"]
                plan = pmeta_torch.load_plan(path)
                plan.predicted_peak_bytes, plan.profile = predicted, "torch-helper"
                measured = pmeta_torch.measure(model, plan, (x, y), quiet=True)
                ratios = sorted({str(u.input_ratio) for u in plan.steps[0] if u.parameters == "all"})
                row = {"network": network, "graph": graph, "plan": kind, "plan_file": os.path.relpath(path, ROOT),
                       "batch": args.batch, "updated_layers": len(plan.steps[0]), "input_ratios": ratios,
                       "measured_peak_bytes": measured["measured_peak_bytes"], "predicted_peak_bytes": predicted,
                       "measured_over_predicted": round(measured["measured_peak_bytes"] / predicted, 4),
                       "peak_in": measured["steps"][0]["peak_in"], "peak_op": measured["steps"][0]["peak_op"]}
                rows.append(row)
                print(json.dumps(row))
                sys.stdout.flush()
    print()
    print("| network | graph | plan | updated layers | input ratios | measured peak (B) | predicted, torch-helper (B) | measured / predicted | peak in |")
    print("|---|---|---|---:|---|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['network']} | {os.path.basename(row['graph'])} | {row['plan']} | {row['updated_layers']} | "
              f"{', '.join(row['input_ratios']) or '-'} | {row['measured_peak_bytes']:,} | {row['predicted_peak_bytes']:,} | "
              f"{row['measured_over_predicted']:.4f} | {row['peak_in']} ({row['peak_op']}) |")
    worst = max(abs(r["measured_over_predicted"] - 1) for r in rows)
    print(f"\nlargest |measured / predicted - 1|: {worst:.4f} over {len(rows)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
