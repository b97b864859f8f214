# Run: python3 scripts/count_torchvision.py   (from the repository root; needs torch, torchvision, fvcore)
"""Parameters and conv+linear+matmul forward MACs of the networks in architectures/, counted by PyTorch.

Each network is built in PyTorch (torchvision models with weights=None; the DS-CNN and the ViTs in plain
torch, below) and counted at batch 1 in eval mode, two ways that must agree:
- fvcore's FlopCountAnalysis restricted to the operators conv / linear / addmm / matmul / bmm
  (fvcore counts one multiply-accumulate of those as one "flop");
- forward hooks on nn.Conv2d / nn.Linear plus a counter in the ViT's attention matmuls.
Then the same figures are computed from our JSON files by scripts/count_architecture_json.py (an
independent shape inference following the architecture format) and printed side by side.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import count_architecture_json  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class DSCNN(nn.Module):
    """MLPerf Tiny keyword spotting DS-CNN on a 1x49x10 MFCC input (64 filters, 12 classes)."""

    def __init__(self, filters=64, classes=12):
        super().__init__()
        layers = [nn.Conv2d(1, filters, (10, 4), stride=2, padding=(5, 1)), nn.BatchNorm2d(filters), nn.ReLU()]
        for _ in range(4):
            layers += [nn.Conv2d(filters, filters, 3, padding=1, groups=filters), nn.BatchNorm2d(filters), nn.ReLU(),
                       nn.Conv2d(filters, filters, 1), nn.BatchNorm2d(filters), nn.ReLU()]
        layers += [nn.AvgPool2d((25, 5)), nn.Flatten(), nn.Linear(filters, classes)]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class Attention(nn.Module):
    """Multi-head self-attention with separate q/k/v linears; counts its two matmuls in `matmul_macs`."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(width, width), nn.Linear(width, width), nn.Linear(width, width)
        self.proj = nn.Linear(width, width)
        self.matmul_macs = 0

    def forward(self, x):
        batch, tokens, width = x.shape
        head_dim = width // self.heads

        def split(t):
            return t.reshape(batch, tokens, self.heads, head_dim).transpose(1, 2)

        q, k, v = split(self.q(x)) * (1.0 / math.sqrt(head_dim)), split(self.k(x)), split(self.v(x))
        scores = torch.matmul(q, k.transpose(-2, -1))
        attention = scores.softmax(dim=-1)
        out = torch.matmul(attention, v)
        self.matmul_macs += 2 * batch * self.heads * tokens * tokens * head_dim
        return self.proj(out.transpose(1, 2).reshape(batch, tokens, width))


class Block(nn.Module):
    """A pre-norm transformer block: x + attn(ln(x)), then x + mlp(ln(x)) with GELU."""

    def __init__(self, width, heads, hidden):
        super().__init__()
        self.norm1, self.attention = nn.LayerNorm(width), Attention(width, heads)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Linear(hidden, width))

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    """A small vision transformer: conv patch embedding, class token, learned position embedding,
    pre-norm blocks, final layer norm, linear head on the class token."""

    def __init__(self, image=32, patch=4, width=192, depth=4, heads=3, hidden=384, classes=10, channels=3):
        super().__init__()
        tokens = (image // patch) ** 2
        self.patch = nn.Conv2d(channels, width, patch, stride=patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        self.pos = nn.Parameter(torch.zeros(1, tokens + 1, width))
        self.blocks = nn.Sequential(*[Block(width, heads, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


def mobilenet_v3_small_32():
    """torchvision's mobilenet_v3_small with 10 classes and group norm (8 groups) for batch norm (run at 32x32)."""
    return torchvision.models.mobilenet_v3_small(weights=None, num_classes=10,
                                                 norm_layer=lambda channels: nn.GroupNorm(8, channels))


# (JSON file stem, model constructor, input shape without the batch axis)
NETWORKS = [
    ("mobilenetv3-small", lambda: torchvision.models.mobilenet_v3_small(weights=None), (3, 224, 224)),
    ("efficientnet-b0", lambda: torchvision.models.efficientnet_b0(weights=None), (3, 224, 224)),
    ("shufflenetv2-x0.5", lambda: torchvision.models.shufflenet_v2_x0_5(weights=None), (3, 224, 224)),
    ("ds-cnn", DSCNN, (1, 49, 10)),
    ("vit-tiny", ViT, (3, 32, 32)),
    ("mobilenetv3-small-32", mobilenet_v3_small_32, (3, 32, 32)),
    ("vit-tiny-small", lambda: ViT(image=16, patch=4, width=48, depth=2, heads=3, hidden=96, classes=10), (3, 16, 16)),
]

FVCORE_OPS = ("conv", "linear", "addmm", "matmul", "bmm")


def fvcore_macs(model, sample):
    from fvcore.nn import FlopCountAnalysis

    analysis = FlopCountAnalysis(model, sample)
    analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    by_operator = analysis.by_operator()
    unexpected = [op for op in by_operator if op not in FVCORE_OPS and by_operator[op]]
    return sum(by_operator.get(op, 0) for op in FVCORE_OPS), unexpected


def hook_macs(model, sample):
    total = 0

    def conv_hook(module, inputs, output):
        nonlocal total
        kernel = module.weight.shape[2] * module.weight.shape[3]
        total += output.numel() * (module.in_channels // module.groups) * kernel

    def linear_hook(module, inputs, output):
        nonlocal total
        total += output.numel() * module.in_features

    handles = []
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            handles.append(module.register_forward_hook(conv_hook))
        elif isinstance(module, nn.Linear):
            handles.append(module.register_forward_hook(linear_hook))
        elif isinstance(module, Attention):
            module.matmul_macs = 0
    with torch.no_grad():
        model(sample)
    for handle in handles:
        handle.remove()
    return total + sum(m.matmul_macs for m in model.modules() if isinstance(m, Attention))


def main():
    rows = []
    for stem, build, shape in NETWORKS:
        torch.manual_seed(0)
        model = build().eval()
        sample = torch.randn(1, *shape)
        params = sum(p.numel() for p in model.parameters())
        by_fvcore, unexpected = fvcore_macs(model, sample)
        by_hooks = hook_macs(model, sample)
        if by_fvcore != by_hooks:
            print(f"warning: {stem}: fvcore {by_fvcore:,} != hooks {by_hooks:,}", file=sys.stderr)
        path = os.path.join(ROOT, "architectures", f"{stem}.json")
        if os.path.exists(path):
            counted = count_architecture_json.count_file(path)
            json_params, json_macs = f"{counted.parameters:,}", f"{counted.macs:,}"
        else:
            json_params = json_macs = "(no file)"
        rows.append((stem, f"{params:,}", json_params, f"{by_fvcore:,}", f"{by_hooks:,}", json_macs))
        if unexpected:
            print(f"note: {stem}: fvcore also counted {unexpected} (not included)", file=sys.stderr)
    header = ("network", "torch params", "json params", "torch MACs (fvcore)", "torch MACs (hooks)", "json MACs")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))))
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}; batch 1, eval mode")


if __name__ == "__main__":
    main()
