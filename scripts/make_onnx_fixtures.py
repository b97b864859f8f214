# Run from the repository root: python3 scripts/make_onnx_fixtures.py [--bench-dir /tmp/onnx-bench]  (needs torch, torchvision, onnx, fvcore)
"""Exports the ONNX fixtures of Tests/PMetaPlanTests/Fixtures/ONNX and prints each model's pinned counts.

Every model gets random weights (seeded), is exported with PyTorch's TorchScript exporter (dynamo=False, which
names nodes by module path: /layer1/layer1.0/conv1/Conv), then its weights move to an external data file that is
deleted, so each .onnx holds only the graph and the shapes (a few kB). Initializers under 1 kB (shape constants)
stay inline, as the exporter's shape subgraphs need them.

Printed per model: parameters as PyTorch counts them (sum of p.numel() over model.parameters(), i.e. with
BatchNorm's weight and bias; an inference export folds BN into the conv, which changes the count the ONNX file
holds), and conv+linear+matmul MACs as fvcore's FlopCountAnalysis counts them (one "flop" per MAC) for the ops
conv, linear, addmm, matmul, bmm, einsum.

Also writes resnet18 WITH its 46 MB of weights embedded into --bench-dir (not committed), for
`pmeta-plan bench-import`.

After those (seeded again, so the first fixtures do not change): training-mode exports (BatchNormalization and
Dropout kept, stochastic depth as RandomUniformLike) of the new-operator networks; the ViT at opset 13, where
LayerNormalization does not exist yet and the exporter spells it out; and small networks with zero padding (Pad),
torch.flip (Slice with step -1) and nn.Upsample (Resize), with the counts fvcore prints for them, and one with reflect
padding, which the importer refuses.
"""
import argparse
import warnings
import os
import sys

import onnx
import torch
import torch.nn as nn
import torchvision
from fvcore.nn import FlopCountAnalysis

OUT = "Tests/PMetaPlanTests/Fixtures/ONNX"
OPSET = 17
MAC_OPS = ("conv", "linear", "addmm", "matmul", "bmm", "einsum")


class DSCNN(nn.Module):
    """MLPerf Tiny keyword spotting DS-CNN (input 1x49x10)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 64, (10, 4), stride=2, padding=(5, 1)), nn.BatchNorm2d(64), nn.ReLU())
        blocks = []
        for _ in range(4):
            blocks += [nn.Conv2d(64, 64, 3, padding=1, groups=64), nn.BatchNorm2d(64), nn.ReLU(),
                       nn.Conv2d(64, 64, 1), nn.BatchNorm2d(64), nn.ReLU()]
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AvgPool2d((25, 5))
        self.fc = nn.Linear(64, 12)

    def forward(self, x):
        x = self.pool(self.blocks(self.stem(x)))
        return self.fc(torch.flatten(x, 1))


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(width, width)
        self.k = nn.Linear(width, width)
        self.v = nn.Linear(width, width)
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        b, n, c = x.shape
        d = c // self.heads
        q = self.q(x).reshape(b, n, self.heads, d).transpose(1, 2) * d ** -0.5
        k = self.k(x).reshape(b, n, self.heads, d).transpose(1, 2)
        v = self.v(x).reshape(b, n, self.heads, d).transpose(1, 2)
        attention = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        out = (attention @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(out)


class Block(nn.Module):
    def __init__(self, width, heads, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(width)
        self.attn = Attention(width, heads)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Linear(hidden, width))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class TinyViT(nn.Module):
    """4 blocks, patch 4 on 3x32x32, width 192, 3 heads, MLP 384, class token, learned position embedding."""

    def __init__(self, width=192, depth=4, heads=3, hidden=384, classes=10, image=32):
        super().__init__()
        self.patch = nn.Conv2d(3, width, 4, stride=4)
        self.cls_token = nn.Parameter(torch.randn(1, 1, width) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, (image // 4) ** 2 + 1, width) * 0.02)
        self.blocks = nn.Sequential(*[Block(width, heads, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


class PaddedCNN(nn.Module):
    """Zero padding before a strided conv (TensorFlow's "same") and before a max pool, and a horizontal flip."""

    def __init__(self):
        super().__init__()
        self.pad1 = nn.ZeroPad2d((0, 1, 0, 1))
        self.conv1 = nn.Conv2d(3, 16, 3, stride=2)
        self.pad2 = nn.ZeroPad2d(1)
        self.pool = nn.MaxPool2d(3, stride=2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(self.pad1(x)))
        x = self.pool(self.pad2(x))
        x = torch.relu(self.conv2(torch.flip(x, dims=[3])))
        return self.fc(x.mean(dim=(2, 3)))


class UpsamplingCNN(nn.Module):
    """A small decoder: nearest and bilinear 2x upsampling between convolutions."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.up1 = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1)
        self.up2 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.conv3 = nn.Conv2d(16, 4, 1)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(self.up1(x)))
        return self.conv3(self.up2(x))


class ReflectPadCNN(nn.Module):
    """Reflect padding, which no conv padding can hold: the importer refuses it (exit 65)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(nn.functional.pad(x, (1, 1, 1, 1), mode="reflect"))


class BlocksMicro(nn.Module):
    """torchvision's own building blocks, tiny, on 3x16x16: a MobileNetV3 block (squeeze-excite, hard-swish), an
    EfficientNet MBConv (SiLU, sigmoid gate, stochastic depth) and a ShuffleNetV2 unit (chunk, channel shuffle)."""

    def __init__(self):
        super().__init__()
        from functools import partial
        from torchvision.models.efficientnet import MBConv, MBConvConfig
        from torchvision.models.mobilenetv3 import InvertedResidual, InvertedResidualConfig
        from torchvision.models.shufflenetv2 import InvertedResidual as ShuffleUnit
        norm = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.Hardswish())
        self.mobilenet = InvertedResidual(InvertedResidualConfig(16, 3, 32, 16, True, "HS", 1, 1, 1.0), norm)
        self.mbconv = MBConv(MBConvConfig(1, 3, 1, 16, 16, 1), 0.2, norm)
        self.shuffle = ShuffleUnit(16, 16, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(16, 10))

    def forward(self, x):
        x = self.shuffle(self.mbconv(self.mobilenet(self.stem(x))))
        return self.head(torch.flatten(self.pool(x), 1))


def models():
    image = (1, 3, 224, 224)
    return [
        ("resnet18", lambda: torchvision.models.resnet18(), image),
        ("mobilenet_v2", lambda: torchvision.models.mobilenet_v2(), image),
        ("mobilenet_v3_small", lambda: torchvision.models.mobilenet_v3_small(), image),
        ("efficientnet_b0", lambda: torchvision.models.efficientnet_b0(), image),
        ("shufflenet_v2_x0_5", lambda: torchvision.models.shufflenet_v2_x0_5(), image),
        ("ds_cnn", DSCNN, (1, 1, 49, 10)),
        ("vit_tiny", TinyViT, (1, 3, 32, 32)),
    ]


def randomize(model):
    """Random norm statistics and affine parameters too, so no two initializers hold equal values (the exporter
    merges equal initializers, which would make layers share parameter names)."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm)):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
            if isinstance(module, (nn.Conv2d, nn.Linear)) and module.bias is not None:
                module.bias.uniform_(-0.1, 0.1)


def onnx_parameter_uses(path):
    """Elements of the float initializers each node reads (through Identity copies), summed over the nodes:
    the parameters an import keeps with its layers. An inference export folds BatchNorm into the conv before it."""
    graph = onnx.load(path, load_external_data=False).graph
    sizes = {t.name: (t.data_type, int(torch.tensor(list(t.dims)).prod().item()) if t.dims else 1) for t in graph.initializer}
    alias = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Identity" and n.input[0] in sizes}
    total = 0
    for node in graph.node:
        if node.op_type == "Identity":
            continue
        inputs = list(node.input)
        if node.op_type == "BatchNormalization":
            inputs = inputs[:3]  # running mean and variance are statistics, not parameters
        for name in inputs:
            name = alias.get(name, name)
            if name in sizes and sizes[name][0] == onnx.TensorProto.FLOAT and sizes[name][1] > 1:
                total += sizes[name][1]
    return total


def counts(model, shape, operators=MAC_OPS):
    parameters = sum(p.numel() for p in model.parameters())
    analysis = FlopCountAnalysis(model, torch.zeros(shape))
    analysis.unsupported_ops_warnings(False)
    analysis.uncalled_modules_warnings(False)
    macs = sum(v for k, v in analysis.by_operator().items() if k in operators)
    return parameters, macs


def export(model, shape, path, training=False, external=True, opset=OPSET):
    mode = torch.onnx.TrainingMode.TRAINING if training else torch.onnx.TrainingMode.EVAL
    model.train(training)
    torch.onnx.export(model, (torch.zeros(shape),), path, dynamo=False, opset_version=opset, training=mode,
                      do_constant_folding=not training, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    if external:
        proto = onnx.load(path)
        data = os.path.basename(path) + ".data"
        onnx.save_model(proto, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data,
                        size_threshold=1024)
        # A network whose tensors are all under the threshold gets no data file.
        if os.path.exists(os.path.join(os.path.dirname(path), data)):
            os.remove(os.path.join(os.path.dirname(path), data))


def main():
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench-dir", default="/tmp/onnx-bench")
    arguments = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(arguments.bench_dir, exist_ok=True)
    torch.manual_seed(0)
    for name, make, shape in models():
        model = make().eval()
        randomize(model)
        parameters, macs = counts(model, shape)
        export(model, shape, f"{OUT}/{name}.onnx")
        size = os.path.getsize(f"{OUT}/{name}.onnx")
        print(f"{name}: parameters {parameters:,} conv+linear+matmul MACs {macs:,} "
              f"ONNX parameter uses {onnx_parameter_uses(f'{OUT}/{name}.onnx'):,} ({size:,} bytes)")
        if name == "resnet18":
            export(model, shape, f"{OUT}/resnet18_training.onnx", training=True)
            print(f"resnet18_training: same model, training-mode export (BatchNormalization kept), "
                  f"ONNX parameter uses {onnx_parameter_uses(f'{OUT}/resnet18_training.onnx'):,}")
            export(model, shape, f"{arguments.bench_dir}/resnet18.onnx", external=False)
            print(f"resnet18 with embedded weights: {arguments.bench_dir}/resnet18.onnx "
                  f"({os.path.getsize(arguments.bench_dir + '/resnet18.onnx'):,} bytes)")
    later_fixtures()


def later_fixtures():
    """The fixtures added after the first ones, seeded on their own so those stay as they were."""
    torch.manual_seed(1)
    image = (1, 3, 224, 224)
    trained = [("mobilenet_v3_small", torchvision.models.mobilenet_v3_small, image),
               ("efficientnet_b0", torchvision.models.efficientnet_b0, image),
               ("shufflenet_v2_x0_5", torchvision.models.shufflenet_v2_x0_5, image),
               ("vit_tiny", TinyViT, (1, 3, 32, 32))]
    for name, make, shape in trained:
        model = make().eval()
        randomize(model)
        parameters, macs = counts(model, shape)
        path = f"{OUT}/{name}_training.onnx"
        export(model, shape, path, training=True)
        print(f"{name}_training: parameters {parameters:,} conv+linear+matmul MACs {macs:,} "
              f"ONNX parameter uses {onnx_parameter_uses(path):,} ({os.path.getsize(path):,} bytes)")
    model = TinyViT().eval()
    randomize(model)
    parameters, macs = counts(model, (1, 3, 32, 32))
    path = f"{OUT}/vit_tiny_opset13.onnx"
    export(model, (1, 3, 32, 32), path, opset=13)
    print(f"vit_tiny_opset13: parameters {parameters:,} conv+linear+matmul MACs {macs:,} "
          f"ONNX parameter uses {onnx_parameter_uses(path):,} ({os.path.getsize(path):,} bytes)")
    for name, make, shape in [("padded_cnn", PaddedCNN, (1, 3, 33, 33)), ("upsampling_cnn", UpsamplingCNN, (1, 3, 32, 32)),
                              ("reflect_pad_cnn", ReflectPadCNN, (1, 3, 16, 16))]:
        model = make().eval()
        randomize(model)
        parameters, macs = counts(model, shape)
        _, nearest = counts(model, shape, ("upsample_nearest2d",))
        _, bilinear = counts(model, shape, ("upsample_bilinear2d",))
        path = f"{OUT}/{name}.onnx"
        export(model, shape, path)
        print(f"{name}: parameters {parameters:,} conv+linear+matmul MACs {macs:,} upsample_nearest2d {nearest:,} "
              f"upsample_bilinear2d {bilinear:,} ONNX parameter uses {onnx_parameter_uses(path):,} "
              f"({os.path.getsize(path):,} bytes)")

    # A few kB each, so the fuzzers (fuzz/run.sh protobuf|onnx) start from every mapping in small inputs.
    micro = [("blocks_micro", BlocksMicro, (1, 3, 16, 16), False, OPSET), ("blocks_micro_training", BlocksMicro, (1, 3, 16, 16), True, OPSET),
             ("vit_micro", lambda: TinyViT(width=16, depth=1, heads=2, hidden=32, classes=4, image=8), (1, 3, 8, 8), False, OPSET),
             ("vit_micro_opset13", lambda: TinyViT(width=16, depth=1, heads=2, hidden=32, classes=4, image=8), (1, 3, 8, 8), False, 13)]
    for name, make, shape, training, opset in micro:
        model = make().eval()
        randomize(model)
        parameters, macs = counts(model, shape)
        path = f"{OUT}/{name}.onnx"
        export(model, shape, path, training=training, opset=opset)
        print(f"{name}: parameters {parameters:,} conv+linear+matmul MACs {macs:,} "
              f"ONNX parameter uses {onnx_parameter_uses(path):,} ({os.path.getsize(path):,} bytes)")

if __name__ == "__main__":
    sys.exit(main())
