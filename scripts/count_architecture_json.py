# Run: python3 scripts/count_architecture_json.py architectures/X.json [...]   (plain Python 3, no packages)
"""Parameters and conv+linear+matmul forward MACs of architecture files, counted by hand.

An independent shape inference for the architecture format (docs/architecture-format.md plus the operators
of issue 11), written without looking at the Swift decoder, so that a JSON file can be checked against
PyTorch (scripts/count_torchvision.py) before and independently of the Swift side.
Shapes are per sample (no batch axis). MACs: conv = out elements * (in / groups) * kernel elements;
linear = rows * in * out; matmul [.., N, K] x [.., K, M] = batch * N * K * M. Everything else counts 0 here.
"""
import json
import math
import sys
from dataclasses import dataclass, field

ACTIVATIONS = {"relu", "relu6", "leaky_relu", "sigmoid", "tanh", "hard_sigmoid", "hard_swish", "silu", "swish",
               "gelu", "softmax", "dropout", "scale", "shuffle"}
AUTO_PREFIX = {"conv2d": "conv", "conv1d": "conv", "linear": "fc", "group_norm": "gn", "batch_norm": "bn",
               "layer_norm": "ln", "max_pool": "maxpool", "avg_pool": "avgpool", "global_avg_pool": "gap"}


class FormatError(Exception):
    pass


@dataclass
class Count:
    parameters: int = 0
    macs: int = 0
    shapes: dict = field(default_factory=dict)
    order: list = field(default_factory=list)


def prod(values):
    return math.prod(values)


def pair(value, name):
    if isinstance(value, int):
        return value, value
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    raise FormatError(f"{name}: expected an int or [h, w], found {value!r}")


def padding4(value, kernel, dilation, stride, name):
    """(top, left, bottom, right) from an int, [h, w], [t, l, b, r] or "same"."""
    if value == "same":
        if stride != (1, 1):
            raise FormatError(f"{name}: 'same' padding needs stride 1")
        total = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return total[0] // 2, total[1] // 2, total[0] - total[0] // 2, total[1] - total[1] // 2
    if isinstance(value, int):
        return value, value, value, value
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1], value[0], value[1]
    if isinstance(value, list) and len(value) == 4:
        return tuple(value)
    raise FormatError(f"{name}: bad padding {value!r}")


def window_output(size, before, after, kernel, stride, dilation, ceil_mode=False):
    span = size + before + after - dilation * (kernel - 1) - 1
    if span < 0:
        raise FormatError(f"window of {kernel} does not fit {size} (+{before}+{after})")
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + before:
        out -= 1
    return out


def broadcast(shapes, name):
    rank = max(len(s) for s in shapes)
    padded = [[1] * (rank - len(s)) + list(s) for s in shapes]
    result = []
    for dims in zip(*padded):
        sizes = {d for d in dims if d != 1}
        if len(sizes) > 1:
            raise FormatError(f"{name}: shapes {shapes} do not broadcast")
        result.append(sizes.pop() if sizes else 1)
    return result


def substitute(value, variables):
    if isinstance(value, str) and value.startswith("$") and value[1:] in variables:
        return variables[value[1:]]
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in ("inputs", "layers") else substitute(v, variables)) for k, v in value.items()}
    return value


class Counter:
    def __init__(self, document):
        self.count = Count()
        self.auto = {}
        self.input_shape = list(document["input"]["shape"])
        self.count.shapes["input"] = self.input_shape
        self.used = set()
        for free in document.get("free_parameters", []):
            self.count.parameters += free["count"]
        self.expand(document["layers"], "", {}, [], "input")
        for name in self.count.order[:-1]:
            if name not in self.used:
                raise FormatError(f"output of {name} is never used")

    def resolve(self, name, scopes):
        if name == "$in":
            if not scopes:
                raise FormatError("$in outside a repeat")
            return scopes[-1][1]
        for prefix, _ in reversed(scopes):
            if prefix + name in self.count.shapes:
                return prefix + name
        if name in self.count.shapes:
            return name
        raise FormatError(f"unknown input {name!r}")

    def expand(self, items, prefix, variables, scopes, previous):
        for item in items:
            item = substitute(item, variables)
            if "repeat" in item:
                previous = self.expand_repeat(item, prefix, variables, scopes, previous)
            else:
                previous = self.layer(item, prefix, scopes, previous)
        return previous

    def expand_repeat(self, item, prefix, variables, scopes, previous):
        spec, block = item["repeat"], item["name"]
        iterations = [{}] * spec if isinstance(spec, int) else [
            dict(zip(spec, values)) for values in zip(*spec.values())]
        for iteration in iterations:
            number = self.auto.get(("repeat", prefix + block), 0) + 1
            self.auto[("repeat", prefix + block)] = number
            inner = f"{prefix}{block}{number}."
            previous = self.expand(item["layers"], inner, {**variables, **iteration}, scopes + [(inner, previous)],
                                   previous)
        return previous

    def fresh_name(self, prefix, op):
        base = AUTO_PREFIX.get(op, op.replace("_", ""))
        while True:
            number = self.auto.get((prefix, base), 0) + 1
            self.auto[(prefix, base)] = number
            if prefix + base + str(number) not in self.count.shapes:
                return prefix + base + str(number)

    def layer(self, item, prefix, scopes, previous):
        op = item["op"]
        name = prefix + item["name"] if "name" in item else self.fresh_name(prefix, op)
        if name in self.count.shapes:
            raise FormatError(f"duplicate name {name}")
        if op == "parameter":
            inputs = []
        else:
            inputs = [self.resolve(n, scopes) for n in item["inputs"]] if "inputs" in item else [previous]
        self.used.update(inputs)
        shapes = [self.count.shapes[i] for i in inputs]
        if op == "split":
            axis = item.get("axis", 0)
            shape = shapes[0]
            if sum(item["sizes"]) != shape[axis]:
                raise FormatError(f"{name}: split sizes {item['sizes']} do not add up to {shape[axis]}")
            parts = []
            for index, size in enumerate(item["sizes"]):
                part = list(shape)
                part[axis] = size
                self.count.shapes[f"{name}.{index}"] = part
                self.count.order.append(f"{name}.{index}")
                parts.append(f"{name}.{index}")
            return parts[-1]
        out, params, macs = self.infer(op, item, shapes, name)
        self.count.shapes[name] = out
        self.count.order.append(name)
        self.count.parameters += params
        self.count.macs += macs
        return name

    def infer(self, op, item, shapes, name):
        x = shapes[0] if shapes else None
        if op == "conv2d":
            c, h, w = x
            out_c, groups = item["out_channels"], item.get("groups", 1)
            kernel, stride = pair(item["kernel"], name), pair(item.get("stride", 1), name)
            dilation = pair(item.get("dilation", 1), name)
            top, left, bottom, right = padding4(item.get("padding", 0), kernel, dilation, stride, name)
            if c % groups or out_c % groups:
                raise FormatError(f"{name}: groups {groups} do not divide {c} -> {out_c}")
            oh = window_output(h, top, bottom, kernel[0], stride[0], dilation[0])
            ow = window_output(w, left, right, kernel[1], stride[1], dilation[1])
            weights = out_c * (c // groups) * kernel[0] * kernel[1]
            bias = out_c if item.get("bias", True) else 0
            return [out_c, oh, ow], weights + bias, out_c * oh * ow * (c // groups) * kernel[0] * kernel[1]
        if op == "conv1d":
            c, length = x
            out_c, groups, k = item["out_channels"], item.get("groups", 1), item["kernel"]
            stride, dilation, pad = item.get("stride", 1), item.get("dilation", 1), item.get("padding", 0)
            if pad == "same":
                left, right = dilation * (k - 1) // 2, dilation * (k - 1) - dilation * (k - 1) // 2
            else:
                left, right = (pad, pad) if isinstance(pad, int) else pad
            ol = window_output(length, left, right, k, stride, dilation)
            weights = out_c * (c // groups) * k + (out_c if item.get("bias", True) else 0)
            return [out_c, ol], weights, out_c * ol * (c // groups) * k
        if op == "linear":
            out_f = item["out_features"]
            rows = prod(x[:-1])
            return x[:-1] + [out_f], x[-1] * out_f + (out_f if item.get("bias", True) else 0), rows * x[-1] * out_f
        if op in ("batch_norm", "group_norm"):
            if op == "group_norm" and x[0] % item["groups"]:
                raise FormatError(f"{name}: groups do not divide {x[0]}")
            return x, 2 * x[0], 0
        if op == "layer_norm":
            return x, 2 * (x[-1] if len(x) <= 2 else x[0]), 0
        if op in ACTIVATIONS:
            if op == "softmax":
                axis = item.get("axis", -1)
                if not -len(x) <= axis < len(x):
                    raise FormatError(f"{name}: axis {axis} out of range")
            if op == "shuffle" and x[0] % item["groups"]:
                raise FormatError(f"{name}: groups {item['groups']} do not divide {x[0]}")
            return x, 0, 0
        if op in ("max_pool", "avg_pool"):
            c, h, w = x
            kernel = pair(item["kernel"], name)
            stride = pair(item.get("stride", item["kernel"]), name)
            top, left, bottom, right = padding4(item.get("padding", 0), kernel, (1, 1), stride, name)
            ceil_mode = item.get("ceil_mode", False)
            return [c, window_output(h, top, bottom, kernel[0], stride[0], 1, ceil_mode),
                    window_output(w, left, right, kernel[1], stride[1], 1, ceil_mode)], 0, 0
        if op == "global_avg_pool":
            return [x[0]], 0, 0
        if op == "flatten":
            return [prod(x)], 0, 0
        if op in ("add", "mul"):
            return broadcast(shapes, name), 0, 0
        if op == "concat":
            axis = item.get("axis", 0)
            rest = {tuple(s[:axis] + s[axis + 1:]) for s in shapes}
            if len(rest) != 1 or len({len(s) for s in shapes}) != 1:
                raise FormatError(f"{name}: cannot concat {shapes} on axis {axis}")
            out = list(x)
            out[axis] = sum(s[axis] for s in shapes)
            return out, 0, 0
        if op == "matmul":
            a, b = shapes
            if a[:-2] != b[:-2] or a[-1] != b[-2]:
                raise FormatError(f"{name}: cannot multiply {a} by {b}")
            return a[:-1] + [b[-1]], 0, prod(a[:-2]) * a[-2] * a[-1] * b[-1]
        if op == "reshape":
            target = list(item["shape"])
            if -1 in target:
                known = prod(d for d in target if d != -1)
                target[target.index(-1)] = prod(x) // known
            if prod(target) != prod(x):
                raise FormatError(f"{name}: reshape {x} to {item['shape']} changes the element count")
            return target, 0, 0
        if op == "transpose":
            perm = item["perm"]
            if sorted(perm) != list(range(len(x))):
                raise FormatError(f"{name}: {perm} is not a permutation of {len(x)} axes")
            return [x[p] for p in perm], 0, 0
        if op == "slice":
            axis = item.get("axis", 0)
            out = list(x)
            out[axis] = len(range(x[axis])[slice(item.get("start", 0), item.get("end"), item.get("step", 1))])
            return out, 0, 0
        if op == "gather":
            axis = item.get("axis", 0)
            index = item["index"]
            if not -x[axis] <= index < x[axis]:
                raise FormatError(f"{name}: index {index} out of range")
            return x[:axis] + x[axis + 1:], 0, 0
        if op == "reduce_mean":
            axes = [a % len(x) for a in item["axes"]]
            if item.get("keep_dims", True):
                return [1 if i in axes else d for i, d in enumerate(x)], 0, 0
            return [d for i, d in enumerate(x) if i not in axes], 0, 0
        if op == "parameter":
            return list(item["shape"]), prod(item["shape"]), 0
        raise FormatError(f"{name}: unknown op {op!r}")


def count_file(path):
    with open(path) as handle:
        return Counter(json.load(handle)).count


def main(paths):
    for path in paths:
        counted = count_file(path)
        last = counted.order[-1]
        print(f"{path}: {counted.parameters:,} parameters, {counted.macs:,} conv+linear+matmul MACs, "
              f"{len(counted.order)} layers, output {last} {counted.shapes[last]}")


if __name__ == "__main__":
    main(sys.argv[1:])
