"""Build a torch.nn.Module from a pmeta-plan architecture file (docs/architecture-format.md).

Usage as a module:
    from torch_from_architecture import load_architecture, build_model
    spec = load_architecture("architectures/resnet18.json")
    model = build_model(spec, seed=0)      # deterministic random weights
    y = model(torch.randn(1, *spec.input_shape))

The expansion of repeats, "$var" substitution, "$in", local and full names, automatic names
(conv1, fc2, relu6_1, ...) and the "split" sugar follow the Swift decoder
(Sources/PMetaPlan/Graph/ArchitectureGraph+JSONDecoding.swift), so layer names match the planner's.
Shapes are per sample in the file; the module works on tensors with a leading batch axis.

How each op is expressed in stock PyTorch (what a user would write):
  conv2d / conv1d    nn.Conv2d / nn.Conv1d (an asymmetric padding becomes F.pad then the conv)
  linear             nn.Linear on the last axis
  batch_norm         nn.BatchNorm2d on [C,H,W], nn.BatchNorm1d on [C,L] and [C]
  group_norm         nn.GroupNorm
  layer_norm         nn.LayerNorm(D) on [D] and [N,D]; nn.GroupNorm(1, C) on [C,H,W] (statistics over the
                     whole sample, gamma and beta per channel, as the format defines it)
  relu, relu6, leaky_relu, sigmoid, tanh, hard_sigmoid, hard_swish, silu/swish, gelu, softmax, dropout:
                     the nn modules of the same name (not in place unless inplace_activations=True)
  max_pool/avg_pool  nn.MaxPool2d / nn.AvgPool2d (nn.*1d on [C,L]); asymmetric padding via F.pad
  global_avg_pool    nn.AdaptiveAvgPool2d(1) then torch.flatten (torchvision's head)
  flatten            torch.flatten(x, 1)
  add / mul / scale  a + b (+ ...), a * b, x * factor
  matmul             torch.matmul
  concat             torch.cat
  reshape/transpose/slice/gather: reshape, permute, basic slicing, select (views where PyTorch makes views)
  shuffle            view -> transpose -> contiguous -> view (torchvision's channel_shuffle)
  reduce_mean        x.mean(dims, keepdim)
  parameter          nn.Parameter, expanded over the batch (a view; no copy)
"""

import copy
import functools
import json
import operator
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

AUTO_NAME_STEMS = {
    "conv2d": "conv", "linear": "fc", "group_norm": "gn", "batch_norm": "bn", "layer_norm": "ln",
    "relu": "relu", "relu6": "relu6_", "leaky_relu": "lrelu", "max_pool": "maxpool", "avg_pool": "avgpool",
    "global_avg_pool": "gap", "flatten": "flatten", "add": "add", "concat": "concat", "conv1d": "conv1d_",
    "sigmoid": "sigmoid", "tanh": "tanh", "hard_sigmoid": "hsigmoid", "hard_swish": "hswish", "silu": "silu",
    "swish": "silu", "gelu": "gelu", "softmax": "softmax", "dropout": "dropout", "mul": "mul", "scale": "scale",
    "matmul": "matmul", "reshape": "reshape", "transpose": "transpose", "slice": "slice", "shuffle": "shuffle",
    "gather": "gather", "reduce_mean": "mean", "parameter": "param",
}

#: Ops with trainable parameters (the planner's trainable layers).
TRAINABLE_OPS = {"conv2d", "conv1d", "linear", "group_norm", "batch_norm", "layer_norm", "parameter"}

GRAPH_INPUT = "input"


class ArchitectureError(ValueError):
    """Bad architecture data: the message names the file, the place and what was expected."""


@dataclass
class LayerSpec:
    """One expanded layer: full name, op, attributes (after substitution) and resolved input names."""
    name: str
    op: str
    attributes: dict
    inputs: list  # layer names or GRAPH_INPUT


@dataclass
class ArchitectureSpec:
    """An expanded architecture file."""
    name: str
    input_shape: list
    layers: list
    free_parameters: list = field(default_factory=list)  # (name, count)
    path: str = ""


def _substitute(value, variables):
    """Replace every string "$name" by variables[name], except inside "inputs" and "layers" (as the Swift decoder)."""
    if not variables:
        return value
    if isinstance(value, str) and value.startswith("$"):
        return variables.get(value[1:], value)
    if isinstance(value, list):
        return [_substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in ("inputs", "layers") else _substitute(v, variables)) for k, v in value.items()}
    return value


class _Expander:
    def __init__(self, path):
        self.path = path
        self.layers = []
        self.names = set()
        self.counters = {}

    def error(self, where, message):
        return ArchitectureError(f"{self.path}: {where}: {message}")

    def expand(self, items, prefix, variables, scopes, entering, where):
        previous = entering
        for position, raw in enumerate(items):
            here = f"{where}[{position}]"
            item = _substitute(raw, variables)
            if not isinstance(item, dict):
                raise self.error(here, "expected a layer object like {\"op\": \"relu\"}")
            if "repeat" in item:
                previous = self.expand_repeat(item, prefix, variables, scopes, previous, here)
                continue
            if item.get("op") == "split":
                names = self.decode_split(item, prefix, scopes, previous, here)
            else:
                names = [self.decode_layer(item, prefix, scopes, previous, here)]
            if scopes:
                for name in names:
                    scopes[-1]["local"][name[len(prefix):]] = name
            previous = names[-1]
        return previous

    def expand_repeat(self, item, prefix, variables, scopes, entering, where):
        spec = item["repeat"]
        if isinstance(spec, bool) or not isinstance(spec, (int, dict)):
            raise self.error(f"{where}.repeat", "expected a count or an object of per-iteration values")
        if isinstance(spec, int):
            iterations = [{} for _ in range(spec)]
        else:
            counts = {len(v) for v in spec.values()}
            if len(counts) != 1:
                raise self.error(f"{where}.repeat", "every variable needs the same number of values")
            count = counts.pop()
            iterations = [{k: v[i] for k, v in spec.items()} for i in range(count)]
        block = item.get("name", "block")
        body = item.get("layers")
        if not isinstance(body, list) or not body:
            raise self.error(f"{where}.layers", "expected a non-empty list of layers")
        previous = entering
        for iteration in iterations:
            key = prefix + block
            number = self.counters.get(key, 0) + 1
            self.counters[key] = number
            merged = dict(variables)
            merged.update(iteration)
            scope = {"local": {}, "entering": previous}
            previous = self.expand(body, f"{prefix}{block}{number}.", merged, scopes + [scope], previous,
                                   f"{where}.layers")
        return previous

    def layer_name(self, item, prefix, stem, where):
        if "name" in item:
            name = prefix + item["name"]
        else:
            full = prefix + stem
            number = self.counters.get(full, 0)
            while True:
                number += 1
                if full + str(number) not in self.names:
                    break
            self.counters[full] = number
            name = full + str(number)
        if name in self.names:
            raise self.error(where, f"duplicate layer name '{name}'")
        return name

    def resolve(self, reference, scopes, where):
        if reference == "input":
            return GRAPH_INPUT
        if reference == "$in":
            if not scopes:
                raise self.error(where, "'$in' is only defined inside a repeat")
            return scopes[-1]["entering"]
        for scope in reversed(scopes):
            if reference in scope["local"]:
                return scope["local"][reference]
        if reference in self.names:
            return reference
        raise self.error(where, f"unknown input '{reference}'")

    def inputs_of(self, item, scopes, previous, where):
        if "inputs" in item:
            return [self.resolve(r, scopes, f"{where}.inputs") for r in item["inputs"]]
        if item.get("op") == "parameter":
            return []
        return [previous]

    def decode_layer(self, item, prefix, scopes, previous, where):
        op = item.get("op")
        if op not in AUTO_NAME_STEMS:
            raise self.error(f"{where}.op", f"unknown op {op!r}")
        if op == "swish":
            op = "silu"
        name = self.layer_name(item, prefix, AUTO_NAME_STEMS[op], where)
        inputs = self.inputs_of(item, scopes, previous, where)
        attributes = {k: v for k, v in item.items() if k not in ("op", "name", "inputs", "parameters")}
        self.layers.append(LayerSpec(name, op, attributes, inputs))
        self.names.add(name)
        return name

    def decode_split(self, item, prefix, scopes, previous, where):
        name = self.layer_name(item, prefix, "split", where)
        inputs = self.inputs_of(item, scopes, previous, where)
        axis = item.get("axis", 0)
        start = 0
        names = []
        for part, size in enumerate(item["sizes"]):
            part_name = f"{name}.{part}"
            self.layers.append(LayerSpec(part_name, "slice",
                                         {"axis": axis, "start": start, "end": start + size, "step": 1}, inputs))
            self.names.add(part_name)
            names.append(part_name)
            start += size
        return names


def load_architecture(path):
    """Read and expand an architecture file into an ArchitectureSpec."""
    with open(path) as handle:
        document = json.load(handle)
    expander = _Expander(path)
    expander.expand(document["layers"], "", {}, [], GRAPH_INPUT, "layers")
    free = [(p["name"], p["count"]) for p in document.get("free_parameters", [])]
    return ArchitectureSpec(document["name"], list(document["input"]["shape"]), expander.layers, free, path)


# MARK: - Ops


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def _batch_axis(axis, rank):
    """A per-sample axis (negative counts from the end) as an axis of the batched tensor."""
    return axis + 1 if axis >= 0 else axis + rank + 1


class Conv(nn.Module):
    """conv2d / conv1d; an asymmetric padding is an explicit F.pad in front (what PyTorch itself does for 'same')."""

    def __init__(self, rank, in_channels, a):
        super().__init__()
        kernel, stride, dilation = a["kernel"], a.get("stride", 1), a.get("dilation", 1)
        padding = a.get("padding", 0)
        self.pad = None
        if rank == 2:
            cls = nn.Conv2d
            if isinstance(padding, list) and len(padding) == 4:
                top, left, bottom, right = padding
                if top == bottom and left == right:
                    padding = (top, left)
                else:
                    self.pad = (left, right, top, bottom)
                    padding = 0
        else:
            cls = nn.Conv1d
            if isinstance(padding, list):
                left, right = padding
                if left == right:
                    padding = left
                else:
                    self.pad = (left, right)
                    padding = 0
        if isinstance(padding, list):
            padding = tuple(padding)
        if isinstance(kernel, list):
            kernel = tuple(kernel)
        if isinstance(stride, list):
            stride = tuple(stride)
        if isinstance(dilation, list):
            dilation = tuple(dilation)
        self.conv = cls(in_channels, a["out_channels"], kernel, stride=stride, padding=padding, dilation=dilation,
                        groups=a.get("groups", 1), bias=a.get("bias", True))

    def forward(self, x):
        if self.pad is not None:
            x = F.pad(x, self.pad)
        return self.conv(x)


class Pool(nn.Module):
    def __init__(self, kind, rank, a):
        super().__init__()
        kernel = a["kernel"]
        stride = a.get("stride", kernel)
        padding = a.get("padding", 0)
        ceil = a.get("ceil_mode", False)
        self.pad = None
        if isinstance(padding, list) and len(padding) == 4:
            top, left, bottom, right = padding
            if top == bottom and left == right:
                padding = (top, left)
            else:
                self.pad = (left, right, top, bottom)
                padding = 0
        if isinstance(padding, list):
            padding = tuple(padding)
        kernel = tuple(kernel) if isinstance(kernel, list) else kernel
        stride = tuple(stride) if isinstance(stride, list) else stride
        self.pad_value = float("-inf") if kind == "max" else 0.0
        if kind == "max":
            cls = nn.MaxPool2d if rank == 3 else nn.MaxPool1d
            self.pool = cls(kernel, stride, padding, ceil_mode=ceil)
        else:
            cls = nn.AvgPool2d if rank == 3 else nn.AvgPool1d
            self.pool = cls(kernel, stride, padding, ceil_mode=ceil)

    def forward(self, x):
        if self.pad is not None:
            x = F.pad(x, self.pad, value=self.pad_value)
        return self.pool(x)


class GlobalAveragePool(nn.Module):
    def __init__(self, rank):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1) if rank == 3 else nn.AdaptiveAvgPool1d(1)

    def forward(self, x):
        return torch.flatten(self.pool(x), 1)


class Function(nn.Module):
    """A parameter-free op as a module (so every layer is a named module)."""

    def __init__(self, function, description):
        super().__init__()
        self.function = function
        self.description = description

    def forward(self, *inputs):
        return self.function(*inputs)

    def extra_repr(self):
        return self.description


class LearnedTensor(nn.Module):
    """The `parameter` op: a learned tensor, expanded over the batch (a view of the parameter)."""

    def __init__(self, shape):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(*shape) * 0.02)

    def forward(self, batch):
        return self.weight.unsqueeze(0).expand(batch, *self.weight.shape)


def _make_module(layer, shapes, inplace):
    op, a = layer.op, layer.attributes
    x = shapes[0] if shapes else None
    rank = len(x) if x else 0
    if op == "conv2d":
        return Conv(2, x[0], a)
    if op == "conv1d":
        return Conv(1, x[0], a)
    if op == "linear":
        return nn.Linear(x[-1], a["out_features"], bias=a.get("bias", True))
    if op == "batch_norm":
        return nn.BatchNorm2d(x[0]) if rank == 3 else nn.BatchNorm1d(x[0])
    if op == "group_norm":
        return nn.GroupNorm(a["groups"], x[0])
    if op == "layer_norm":
        return nn.GroupNorm(1, x[0]) if rank == 3 else nn.LayerNorm(x[-1])
    if op == "relu":
        return nn.ReLU(inplace=inplace)
    if op == "relu6":
        return nn.ReLU6(inplace=inplace)
    if op == "leaky_relu":
        return nn.LeakyReLU(a.get("negative_slope", 0.01), inplace=inplace)
    if op == "sigmoid":
        return nn.Sigmoid()
    if op == "tanh":
        return nn.Tanh()
    if op == "hard_sigmoid":
        return nn.Hardsigmoid(inplace=inplace)
    if op == "hard_swish":
        return nn.Hardswish(inplace=inplace)
    if op == "silu":
        return nn.SiLU(inplace=inplace)
    if op == "gelu":
        return nn.GELU(approximate=a.get("approximate", "none"))
    if op == "softmax":
        return nn.Softmax(dim=_batch_axis(a.get("axis", -1), rank))
    if op == "dropout":
        return nn.Dropout(a.get("p", 0.5), inplace=False)
    if op == "max_pool":
        return Pool("max", rank, a)
    if op == "avg_pool":
        return Pool("avg", rank, a)
    if op == "global_avg_pool":
        return GlobalAveragePool(rank)
    if op == "flatten":
        return Function(lambda t: torch.flatten(t, 1), "flatten")
    if op == "add":
        return Function(lambda *ts: functools.reduce(operator.add, ts), "add")
    if op == "mul":
        return Function(operator.mul, "mul")
    if op == "scale":
        factor = float(a["factor"])
        return Function(lambda t: t * factor, f"scale {factor}")
    if op == "matmul":
        return Function(torch.matmul, "matmul")
    if op == "concat":
        dim = _batch_axis(a.get("axis", 0), rank)
        return Function(lambda *ts: torch.cat(ts, dim=dim), f"cat dim={dim}")
    if op == "reshape":
        target = list(a["shape"])
        return Function(lambda t: t.reshape(t.shape[0], *target), f"reshape {target}")
    if op == "transpose":
        perm = [0] + [(p % rank) + 1 for p in a["perm"]]
        return Function(lambda t: t.permute(*perm), f"permute {perm}")
    if op == "slice":
        dim = _batch_axis(a.get("axis", 0), rank)
        part = slice(a.get("start", 0), a.get("end"), a.get("step", 1))
        index = (slice(None),) * dim + (part,)
        return Function(lambda t: t[index], f"slice dim={dim} {part}")
    if op == "shuffle":
        groups = a["groups"]

        def shuffle(t):
            b, c = t.shape[0], t.shape[1]
            rest = t.shape[2:]
            return t.view(b, groups, c // groups, *rest).transpose(1, 2).contiguous().view(b, c, *rest)
        return Function(shuffle, f"channel shuffle groups={groups}")
    if op == "gather":
        dim = _batch_axis(a.get("axis", 0), rank)
        index = a["index"]
        return Function(lambda t: t.select(dim, index), f"select dim={dim} index={index}")
    if op == "reduce_mean":
        dims = [_batch_axis(d, rank) for d in a["axes"]]
        keep = a.get("keep_dims", True)
        return Function(lambda t: t.mean(dim=dims, keepdim=keep), f"mean dims={dims} keepdim={keep}")
    if op == "parameter":
        return LearnedTensor(a["shape"])
    raise ArchitectureError(f"op {op!r} is not supported by the PyTorch builder")


class ArchitectureModule(nn.Module):
    """The network: one named submodule per layer, run in file order; intermediate outputs are dropped after
    their last reader, as a hand-written forward does with local variables.

    `layer_hook(name)`, when set, is called just before each layer runs (the memory script uses it to
    attribute saved tensors to layers)."""

    def __init__(self, spec, inplace_activations=False):
        super().__init__()
        self.spec = spec
        self.layer_names = [layer.name for layer in spec.layers]
        self.blocks = nn.ModuleList()
        self.layer_hook = None
        self.free = nn.ParameterDict({name: nn.Parameter(torch.zeros(count)) for name, count in spec.free_parameters})
        shapes = {GRAPH_INPUT: list(spec.input_shape)}
        last_use = {}
        for index, layer in enumerate(spec.layers):
            for name in layer.inputs:
                last_use[name] = index
        self.last_use = last_use
        with torch.no_grad():
            probe = {GRAPH_INPUT: torch.zeros(1, *spec.input_shape)}
            for layer in spec.layers:
                module = _make_module(layer, [shapes[n] for n in layer.inputs], inplace_activations)
                self.blocks.append(module)
                if layer.op == "parameter":
                    out = module(1)
                else:
                    was_training = module.training
                    module.eval()  # the shape probe must not touch batch-norm running statistics
                    out = module(*[probe[n] for n in layer.inputs])
                    module.train(was_training)
                probe[layer.name] = out
                shapes[layer.name] = list(out.shape[1:])
        self.shapes = shapes

    def module_named(self, name):
        return self.blocks[self.layer_names.index(name)]

    def forward(self, x):
        values = {GRAPH_INPUT: x}
        batch = x.shape[0]
        for index, (layer, module) in enumerate(zip(self.spec.layers, self.blocks)):
            if self.layer_hook is not None:
                self.layer_hook(layer.name)
            if layer.op == "parameter":
                out = module(batch)
            else:
                out = module(*[values[n] for n in layer.inputs])
            for name in set(layer.inputs):
                if self.last_use.get(name) == index:
                    del values[name]
            values[layer.name] = out
        if self.layer_hook is not None:
            self.layer_hook(None)
        return values[self.spec.layers[-1].name]


def build_model(spec, seed=0, inplace_activations=False):
    """The module with PyTorch's default initialisation drawn from torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    return ArchitectureModule(spec, inplace_activations)


def trainable_layers(model):
    """Names of the layers with parameters, in file order."""
    return [layer.name for layer in model.spec.layers if any(True for _ in model.module_named(layer.name).parameters())]
