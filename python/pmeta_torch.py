"""pmeta_torch: run a pmeta-plan update plan in PyTorch, measure what one adaptation step holds, and measure which
layers matter on your own data. One file; needs only torch (docs/pytorch-plans.md).

    import pmeta_torch
    scores = pmeta_torch.importance(model, loader, steps=1, path="importance.json")   # -> pmeta-plan --importance
    #   pmeta-plan --budget 2MB model.onnx --importance importance.json --profile torch-helper -o plan.json
    adapted = pmeta_torch.apply(model, "plan.json", lr=0.01)
    adapted.adapt(x, y)                       # the plan's K inner SGD steps on the support batch (x, y)
    pmeta_torch.measure(model, "plan.json", (x, y))   # one adaptation, measured vs the plan's predicted peak

What `apply` does (the conventions the `torch-helper` counting profile counts, docs/cost-model.md):
- Every parameter is frozen except those the plan's current inner step updates.
- conv2d / conv1d / linear run through one autograd Function. Updated with input ratio mu < 1: it keeps a copy of
  only the ceil(mu C) selected input channels and computes the weight gradient of only those channels (the selected
  slice of the weight; structured sparsity, not a mask applied afterwards). Ratio 1: it keeps its input itself (no
  copy). Bias-only or frozen: it keeps nothing (g(x) needs only the weight, g(b) only g(y)). The network input x_0 is
  kept by reference (it is the support batch, already in memory).
- Channel selection: `first` (channels 0..n-1, what pmeta-plan's trainer does) or `magnitude` (the n input channels
  whose weight slices have the largest L2 norm, as MIT tiny-training selects them), fixed when the plan is applied.
- batch norm (train mode, batch statistics) writes its output over its input and keeps x-hat and 1/std per channel
  when a gradient flows through it or gamma is updated; nothing otherwise.
- ReLU / ReLU6 (and train-mode dropout) write over their input and keep a bool mask (1 byte per element) when a
  gradient flows through them; ReLU, ReLU6, dropout and batch norm write g(x) over g(y) where the traced graph
  shows that no other operation holds g(y) (an add hands one gradient tensor to both operands).
- max pool keeps its int64 arg-max indices (not its input); average pool keeps nothing; add writes over an operand
  that no later operation reads.
- SGD is fused into the backward pass: each layer applies w -= lr g(w) to its parameters as soon as its gradient is
  computed and frees the gradient, so a layer's gradient buffer lives only while its own backward runs (no `.grad`
  buffers, no optimizer). A layer computes g(w) first, drops its kept input, then computes g(x) with the weights of
  the forward pass, then applies the update.
- Operations are found by tracing the model with torch.fx; modules are replaced in the traced copy, so the model
  passed in keeps its own modules and shares its parameters with the adapted copy.

What it does not do: gradient accumulation over micro-batches (one batch is one SGD step), momentum or Adam, group
or layer norm with the profile's conventions (they run as stock modules, with the update fused by a hook).
"""

import json
import math
import operator
import weakref
from dataclasses import dataclass, field
from fractions import Fraction

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

__all__ = ["PlanError", "Plan", "LayerUpdate", "load_plan", "apply", "AdaptedModel", "measure", "importance",
           "LiveTensorMeter", "trainable_layers"]

PLAN_KIND = "update-plan"
IMPORTANCE_KIND = "importance"
SELECTIONS = ("first", "magnitude")


class PlanError(ValueError):
    """A plan file that is malformed or does not fit the model; the message names the place and what was expected."""


# MARK: - Plan files (docs/plan-format.md)


@dataclass
class LayerUpdate:
    """One updated layer of one inner step."""
    layer: str
    parameters: str = "all"  # all | bias
    input_ratio: Fraction = Fraction(1)
    output_ratio: Fraction = Fraction(1)
    channel_selection: str = "first"
    parameter_names: list = field(default_factory=list)


@dataclass
class Plan:
    """A plan file: per inner step, the layers it updates; what it was made for and the peak pmeta-plan predicts."""
    steps: list  # [[LayerUpdate]]
    free_parameters: list  # [bool] per step
    architecture: str = None
    workload: dict = None
    profile: str = None
    predicted_peak_bytes: int = None
    budget_bytes: int = None
    source: str = "plan"

    @property
    def inner_steps(self):
        return len(self.steps)


_PLAN_MEMBERS = {"format", "kind", "architecture", "inner_steps", "steps", "workload", "profile", "budget_bytes",
                 "predicted_peak_bytes", "strategy", "sampling", "note"}
_STEP_MEMBERS = {"updates", "free_parameters", "inner_step"}
_UPDATE_MEMBERS = {"layer", "parameters", "input_ratio", "output_ratio", "channel_selection", "parameter_names"}


def _ratio(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise PlanError(f"{where}: expected a fraction from 0 to 1 such as \"1/2\" or 0.25, found {type(value).__name__}")
    try:
        ratio = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise PlanError(f"{where}: expected a fraction from 0 to 1 such as \"1/2\" or 0.25, found {value!r}") from None
    if not 0 <= ratio <= 1:
        raise PlanError(f"{where}: expected a fraction from 0 to 1, found {value!r}")
    return ratio


def _reject_unknown(document, allowed, where):
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise PlanError(f"{where}{unknown[0]}: unknown member; expected one of {', '.join(sorted(allowed))}")


def load_plan(source):
    """Reads a plan file (a path, a parsed document or a Plan), as strictly as pmeta-plan does: unknown members are
    errors. Raises PlanError naming the JSON path."""
    if isinstance(source, Plan):
        return source
    name = "plan"
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        name = str(source)
        with open(source) as handle:
            try:
                document = json.load(handle)
            except json.JSONDecodeError as error:
                raise PlanError(f"{name}: line {error.lineno}, column {error.colno}: {error.msg}") from None
    else:
        document = source
    try:
        return _decode_plan(document, name)
    except PlanError as error:
        raise PlanError(f"{name}: {error}") from None


def _decode_plan(document, name):
    if not isinstance(document, dict):
        raise PlanError("expected a plan object at the top level")
    _reject_unknown(document, _PLAN_MEMBERS, "")
    if document.get("format") != 1:
        raise PlanError(f"format: expected 1, found {document.get('format')!r}")
    if document.get("kind", PLAN_KIND) != PLAN_KIND:
        raise PlanError(f"kind: expected \"{PLAN_KIND}\", found {document.get('kind')!r} (is this a plan file?)")
    raw_steps = document.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise PlanError("steps: expected a non-empty list of inner steps")
    if "inner_steps" in document and document["inner_steps"] != len(raw_steps):
        raise PlanError(f"inner_steps: says {document['inner_steps']} steps, but steps lists {len(raw_steps)}")
    steps, free = [], []
    for position, raw in enumerate(raw_steps):
        where = f"steps[{position}]"
        if not isinstance(raw, dict):
            raise PlanError(f"{where}: expected a step object with \"updates\"")
        _reject_unknown(raw, _STEP_MEMBERS, f"{where}.")
        if "inner_step" in raw and raw["inner_step"] != position + 1:
            raise PlanError(f"{where}.inner_step: expected {position + 1} (steps are listed in order), found {raw['inner_step']!r}")
        updates = raw.get("updates")
        if not isinstance(updates, list):
            raise PlanError(f"{where}.updates: expected a list of layer updates")
        step, seen = [], set()
        for index, item in enumerate(updates):
            here = f"{where}.updates[{index}]"
            if not isinstance(item, dict):
                raise PlanError(f"{here}: expected an update object with \"layer\"")
            _reject_unknown(item, _UPDATE_MEMBERS, f"{here}.")
            layer = item.get("layer")
            if not isinstance(layer, str) or not layer:
                raise PlanError(f"{here}.layer: expected a layer name")
            if layer in seen:
                raise PlanError(f"{here}.layer: '{layer}' is listed twice in this step")
            seen.add(layer)
            parameters = item.get("parameters", "all")
            if parameters not in ("all", "bias"):
                raise PlanError(f"{here}.parameters: expected \"all\" or \"bias\", found {parameters!r}")
            selection = item.get("channel_selection", "first")
            if selection not in SELECTIONS:
                raise PlanError(f"{here}.channel_selection: expected \"first\" or \"magnitude\", found {selection!r}")
            names = item.get("parameter_names", [])
            if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                raise PlanError(f"{here}.parameter_names: expected a list of parameter names")
            step.append(LayerUpdate(layer, parameters, _ratio(item.get("input_ratio", 1), f"{here}.input_ratio"),
                                    _ratio(item.get("output_ratio", 1), f"{here}.output_ratio"), selection, list(names)))
        steps.append(step)
        free.append(bool(raw.get("free_parameters", False)))
    workload = document.get("workload")
    if workload is not None and workload.get("inner_steps", len(steps)) != len(steps):
        raise PlanError(f"workload.inner_steps: says {workload['inner_steps']} steps, but steps lists {len(steps)}")
    return Plan(steps, free, document.get("architecture"), workload, document.get("profile"),
                document.get("predicted_peak_bytes"), document.get("budget_bytes"), name)


def selected_count(ratio, channels):
    """ceil(ratio x channels), exactly as pmeta-plan counts kept channels."""
    return -((-ratio.numerator * channels) // ratio.denominator)


# MARK: - Layers of a model by the names plans use


def trainable_layers(model):
    """{layer name: module} for every module that owns parameters directly, named as pmeta-plan names the layers:
    the architecture file's layer names for a module built by torch_from_architecture, else the module path (what
    pmeta-plan's ONNX import recovers from PyTorch's exporter: `layer3.1.conv2`)."""
    if hasattr(model, "layer_names") and hasattr(model, "module_named"):
        layers = {}
        for name in model.layer_names:
            module = model.module_named(name)
            inner = getattr(module, "conv", None)
            module = inner if isinstance(inner, (nn.Conv1d, nn.Conv2d)) else module
            if any(True for _ in module.parameters(recurse=False)):
                layers[name] = module
        return layers
    return {name: module for name, module in model.named_modules()
            if name and any(True for _ in module.parameters(recurse=False))}


# MARK: - Autograd functions with the profile's conventions


def _apply_sgd(tensor, gradient, lr, dim=None, index=None):
    with torch.no_grad():
        if index is None:
            tensor.add_(gradient, alpha=-lr)
        else:
            tensor.index_add_(dim, index, gradient, alpha=-lr)


class _WeightLayerFunction(torch.autograd.Function):
    """conv1d / conv2d / linear under a LayerPlan (see PlanWeightLayer)."""

    @staticmethod
    def forward(ctx, x, weight, bias, layer):
        y = layer.compute(x, weight, bias)
        ctx.layer = layer
        ctx.input_shape = x.shape
        ctx.kept = None
        ctx.needs_x_grad = ctx.needs_input_grad[0]
        if layer.updates_weight and ctx.needs_input_grad[1]:
            if layer.input_index is None:
                ctx.kept = x  # the input itself, not a copy
            else:
                ctx.kept = x.index_select(layer.channel_axis(x), layer.input_index)
        return y

    @staticmethod
    def backward(ctx, gy):
        layer = ctx.layer
        weight_gradient = bias_gradient = None
        if ctx.kept is not None:
            weight_gradient = layer.weight_gradient(ctx.kept, gy)
        ctx.kept = None  # the input dies before g(x) is made
        if layer.updates_bias and layer.module.bias is not None:
            bias_gradient = gy.sum(dim=layer.bias_reduction_dims(gy))
        gx = layer.input_gradient(gy, ctx.input_shape) if ctx.needs_x_grad else None
        if weight_gradient is not None:
            layer.apply_weight_gradient(weight_gradient)
            del weight_gradient
        if bias_gradient is not None:
            _apply_sgd(layer.module.bias, bias_gradient, layer.lr)
        return gx, None, None, None


class PlanWeightLayer(nn.Module):
    """A conv1d / conv2d / linear layer run with the plan's update: its parameters are the original module's."""

    def __init__(self, module, name):
        super().__init__()
        self.module = module
        self.layer_name = name
        self.is_linear = isinstance(module, nn.Linear)
        self.rank = 0 if self.is_linear else (2 if isinstance(module, nn.Conv2d) else 1)
        if not self.is_linear and (module.padding_mode != "zeros" or isinstance(module.padding, str)):
            raise PlanError(f"{name}: only zero padding given as numbers is supported")
        self.configure(None, lr=0.0)

    # The update in force.
    def configure(self, update, lr):
        self.update = update
        self.lr = lr
        self.updates_weight = update is not None and update.parameters == "all"
        self.updates_bias = update is not None
        self.input_index = None
        self.output_index = None
        if self.updates_weight:
            channels = self.input_channels
            kept = selected_count(update.input_ratio, channels)
            if kept == 0:
                raise PlanError(f"{self.layer_name}: input_ratio {update.input_ratio} keeps no channel")
            if kept < channels:
                self.input_index = self.select_inputs(kept, update.channel_selection)
            outputs = self.output_channels
            kept_outputs = selected_count(update.output_ratio, outputs)
            if kept_outputs < outputs:
                if self.groups != 1:
                    raise PlanError(f"{self.layer_name}: an output_ratio below 1 needs a dense (groups 1) layer")
                self.output_index = self.select_outputs(kept_outputs, update.channel_selection)

    @property
    def input_channels(self):
        return self.module.in_features if self.is_linear else self.module.in_channels

    @property
    def output_channels(self):
        return self.module.out_features if self.is_linear else self.module.out_channels

    @property
    def groups(self):
        return 1 if self.is_linear else self.module.groups

    def channel_axis(self, x):
        return x.dim() - 1 if self.is_linear else 1

    def bias_reduction_dims(self, gy):
        axis = gy.dim() - 1 if self.is_linear else 1
        return [d for d in range(gy.dim()) if d != axis]

    def input_slice_norms(self):
        """||w[:, c]|| per input channel c (per filter of a depthwise convolution)."""
        w = self.module.weight.detach()
        if self.is_linear:
            return w.norm(dim=0)
        per_group = w.shape[1]
        out_per_group = w.shape[0] // self.groups
        # input channel c = g * per_group + j reads w[g * out_per_group : (g + 1) * out_per_group, j]
        grouped = w.reshape(self.groups, out_per_group, per_group, -1)
        return grouped.permute(0, 2, 1, 3).reshape(self.groups * per_group, -1).norm(dim=1)

    def select_inputs(self, kept, selection):
        if selection == "first":
            return torch.arange(kept)
        return torch.sort(torch.topk(self.input_slice_norms(), kept).indices).values

    def select_outputs(self, kept, selection):
        if selection == "first":
            return torch.arange(kept)
        rows = self.module.weight.detach().reshape(self.output_channels, -1).norm(dim=1)
        return torch.sort(torch.topk(rows, kept).indices).values

    # The arithmetic.
    def _convolution_arguments(self):
        m = self.module
        return m.stride, m.padding, m.dilation

    def compute(self, x, weight, bias):
        if self.is_linear:
            return F.linear(x, weight, bias)
        stride, padding, dilation = self._convolution_arguments()
        convolve = F.conv2d if self.rank == 2 else F.conv1d
        return convolve(x, weight, bias, stride, padding, dilation, self.groups)

    def input_gradient(self, gy, input_shape):
        weight = self.module.weight
        if self.is_linear:
            return gy.matmul(weight)
        stride, padding, dilation = self._convolution_arguments()
        grad = torch.nn.grad.conv2d_input if self.rank == 2 else torch.nn.grad.conv1d_input
        return grad(input_shape, weight, gy, stride, padding, dilation, self.groups)

    def weight_gradient(self, kept, gy):
        """g(w) of the selected slice: rows = selected outputs, columns = selected inputs."""
        if self.output_index is not None:
            gy = gy.index_select(self.channel_axis(gy), self.output_index)
        if self.is_linear:
            rows = gy.reshape(-1, gy.shape[-1])
            columns = kept.reshape(-1, kept.shape[-1])
            return rows.t().matmul(columns)
        stride, padding, dilation = self._convolution_arguments()
        grad = torch.nn.grad.conv2d_weight if self.rank == 2 else torch.nn.grad.conv1d_weight
        kernel = tuple(self.module.weight.shape[2:])
        per_group = self.module.weight.shape[1]
        out_per_group = self.output_channels // self.groups
        if self.groups == 1:
            return grad(kept, (gy.shape[1], kept.shape[1]) + kernel, gy, stride, padding, dilation, 1)
        if per_group == 1:
            # Depthwise (with a channel multiplier): input channel c feeds filters c*m .. c*m+m-1 alone.
            filters = self.filter_index()
            gy_kept = gy if filters is None else gy.index_select(1, filters)
            groups = kept.shape[1]
            return grad(kept, (gy_kept.shape[1], 1) + kernel, gy_kept, stride, padding, dilation, groups)
        # Grouped: each group's selected inputs against the group's outputs.
        index = self.input_index if self.input_index is not None else torch.arange(self.input_channels)
        parts = []
        for g in range(self.groups):
            inside = ((index >= g * per_group) & (index < (g + 1) * per_group)).nonzero().flatten()
            if inside.numel() == 0:
                continue
            part = grad(kept.index_select(1, inside), (out_per_group, inside.numel()) + kernel,
                        gy[:, g * out_per_group:(g + 1) * out_per_group], stride, padding, dilation, 1)
            parts.append(part)
        return parts

    def filter_index(self):
        if self.input_index is None:
            return None
        multiplier = self.output_channels // self.groups
        return (self.input_index.unsqueeze(1) * multiplier + torch.arange(multiplier)).flatten()

    def apply_weight_gradient(self, gradient):
        weight = self.module.weight
        if self.is_linear or self.groups == 1:
            if self.output_index is not None:
                if self.input_index is not None:
                    with torch.no_grad():
                        rows = weight.index_select(0, self.output_index)
                        rows.index_add_(1, self.input_index, gradient, alpha=-self.lr)
                        weight.index_copy_(0, self.output_index, rows)
                    return
                _apply_sgd(weight, gradient, self.lr, 0, self.output_index)
                return
            if self.input_index is None:
                _apply_sgd(weight, gradient, self.lr)
            else:
                _apply_sgd(weight, gradient, self.lr, 1, self.input_index)
            return
        per_group = weight.shape[1]
        if per_group == 1:
            filters = self.filter_index()
            if filters is None:
                _apply_sgd(weight, gradient, self.lr)
            else:
                _apply_sgd(weight, gradient, self.lr, 0, filters)
            return
        out_per_group = self.output_channels // self.groups
        index = self.input_index if self.input_index is not None else torch.arange(self.input_channels)
        parts = iter(gradient)
        for g in range(self.groups):
            inside = ((index >= g * per_group) & (index < (g + 1) * per_group)).nonzero().flatten()
            if inside.numel() == 0:
                continue
            local = index[inside] - g * per_group
            with torch.no_grad():
                weight[g * out_per_group:(g + 1) * out_per_group].index_add_(1, local, next(parts), alpha=-self.lr)

    def forward(self, x):
        return _WeightLayerFunction.apply(x, self.module.weight, self.module.bias, self)

    def extra_repr(self):
        return f"{self.layer_name}: {self.describe()}"

    def describe(self):
        if self.update is None:
            return "frozen"
        if not self.updates_weight:
            return "bias only"
        kept = self.input_channels if self.input_index is None else self.input_index.numel()
        return f"weights of {kept}/{self.input_channels} input channels ({self.update.channel_selection})"


def _channel_dot(a, b):
    """sum over everything but the channel axis (1) of a * b, without a temporary of their size: one sample at a time,
    each a [C, L] matrix whose rows einsum reduces in place (an einsum over the batch copies both operands)."""
    total = None
    for n in range(a.shape[0]):
        rows_a, rows_b = a[n].reshape(a.shape[1], -1), b[n].reshape(b.shape[1], -1)
        part = torch.einsum("cl,cl->c", rows_a, rows_b)
        total = part if total is None else total.add_(part)
    return total


class _BatchNormFunction(torch.autograd.Function):
    """Train-mode batch norm that writes over its input and keeps x-hat and 1/std (see PlanBatchNorm)."""

    @staticmethod
    def forward(ctx, x, weight, bias, layer):
        module = layer.module
        dims = [0] + list(range(2, x.dim()))
        shape = [1, x.shape[1]] + [1] * (x.dim() - 2)
        count = x.numel() // x.shape[1]
        variance, mean = torch.var_mean(x, dim=dims, unbiased=False)
        if module.track_running_stats and module.running_mean is not None:
            with torch.no_grad():
                momentum = module.momentum if module.momentum is not None else 1.0 / float(module.num_batches_tracked + 1)
                module.running_mean.mul_(1 - momentum).add_(mean, alpha=momentum)
                module.running_var.mul_(1 - momentum).add_(variance * (count / max(count - 1, 1)), alpha=momentum)
                module.num_batches_tracked.add_(1)
        inverse_std = (variance + module.eps).rsqrt()
        needs_x_hat = ctx.needs_input_grad[0] or ctx.needs_input_grad[1]
        ctx.layer = layer
        ctx.needs_x_grad = ctx.needs_input_grad[0]
        ctx.x_hat = ctx.inverse_std = None
        gamma = weight if weight is not None else torch.ones_like(mean)
        beta = bias if bias is not None else torch.zeros_like(mean)
        if needs_x_hat:
            x_hat = torch.sub(x, mean.view(shape)).mul_(inverse_std.view(shape))
            ctx.x_hat, ctx.inverse_std = x_hat, inverse_std
            out = x if layer.overwrites_input else torch.empty_like(x)
            torch.mul(x_hat, gamma.view(shape), out=out)
        else:
            scale = inverse_std * gamma
            out = x if layer.overwrites_input else torch.empty_like(x)
            torch.sub(x, mean.view(shape), out=out)
            out.mul_(scale.view(shape))
        out.add_(beta.view(shape))
        if layer.overwrites_input:
            ctx.mark_dirty(x)
        return out

    @staticmethod
    def backward(ctx, gy):
        layer = ctx.layer
        module = layer.module
        dims = [0] + list(range(2, gy.dim()))
        shape = [1, gy.shape[1]] + [1] * (gy.dim() - 2)
        count = gy.numel() // gy.shape[1]
        x_hat = ctx.x_hat
        sum_gy = gy.sum(dim=dims)
        sum_gy_x_hat = None
        if x_hat is not None:
            sum_gy_x_hat = _channel_dot(gy, x_hat)
        gx = None
        if ctx.needs_x_grad:
            gamma = module.weight.detach() if module.weight is not None else torch.ones_like(sum_gy)
            if layer.overwrites_gradient:
                gx = gy.sub_((sum_gy / count).view(shape))
            else:
                gx = torch.sub(gy, (sum_gy / count).view(shape))
            gx.addcmul_(x_hat, (sum_gy_x_hat / count).view(shape), value=-1)
            gx.mul_((gamma * ctx.inverse_std).view(shape))
        ctx.x_hat = ctx.inverse_std = None
        if layer.updates_weight and module.weight is not None:
            _apply_sgd(module.weight, sum_gy_x_hat, layer.lr)
        if layer.updates_bias and module.bias is not None:
            _apply_sgd(module.bias, sum_gy, layer.lr)
        return gx, None, None, None


class PlanBatchNorm(nn.Module):
    """Batch norm in train mode (batch statistics, running statistics updated as nn.BatchNorm does), written over
    its input when no later operation reads the input."""

    def __init__(self, module, name, overwrites_input, overwrites_gradient):
        super().__init__()
        self.module = module
        self.layer_name = name
        self.overwrites_input = overwrites_input
        self.overwrites_gradient = overwrites_gradient
        self.configure(None, 0.0)

    def configure(self, update, lr):
        self.update = update
        self.lr = lr
        self.updates_weight = update is not None and update.parameters == "all"
        self.updates_bias = update is not None

    def forward(self, x):
        m = self.module
        if not self.training:
            return F.batch_norm(x, m.running_mean, m.running_var, m.weight, m.bias, False, 0.0, m.eps)
        return _BatchNormFunction.apply(x, m.weight, m.bias, self)

    def extra_repr(self):
        return f"{self.layer_name}: {'frozen' if self.update is None else 'beta only' if not self.updates_weight else 'gamma and beta'}"


_MASK_SLICE = 1 << 14


class _PiecewiseLinearFunction(torch.autograd.Function):
    """ReLU / ReLU6 keeping a bool mask of where the slope is 1."""

    @staticmethod
    def forward(ctx, x, upper, overwrites_input, overwrites_gradient):
        ctx.overwrites_gradient = overwrites_gradient
        ctx.mask = None
        if ctx.needs_input_grad[0]:
            if upper is None:
                mask = x > 0
            else:
                # 0 < x < upper, a slice at a time, so the second comparison's bool temporary stays small.
                mask = torch.empty(x.shape, dtype=torch.bool)
                flat_x, flat_mask = x.reshape(-1), mask.view(-1)
                for part in range(0, flat_x.numel(), _MASK_SLICE):
                    piece = flat_x[part:part + _MASK_SLICE]
                    torch.gt(piece, 0, out=flat_mask[part:part + _MASK_SLICE])
                    flat_mask[part:part + _MASK_SLICE].logical_and_(piece < upper)
            ctx.mask = mask
        if overwrites_input:
            x.clamp_(0, upper)
            ctx.mark_dirty(x)
            return x
        return x.clamp(0, upper)

    @staticmethod
    def backward(ctx, gy):
        gx = gy.mul_(ctx.mask) if ctx.overwrites_gradient else gy * ctx.mask
        ctx.mask = None
        return gx, None, None, None


class PlanReLU(nn.Module):
    """ReLU (upper None) or ReLU6 (upper 6) keeping a bool mask; it writes its output over its input and its input
    gradient over its output gradient where the traced graph shows no one else holds them."""

    def __init__(self, upper, overwrites_input, overwrites_gradient):
        super().__init__()
        self.upper = upper
        self.overwrites_input = overwrites_input
        self.overwrites_gradient = overwrites_gradient

    def forward(self, x):
        return _PiecewiseLinearFunction.apply(x, self.upper, self.overwrites_input, self.overwrites_gradient)

    def extra_repr(self):
        return f"{'relu' if self.upper is None else 'relu6'}, bool mask{', in place' if self.overwrites_input else ''}"


def _max_pool_without_indices(x, module, pool):
    """Max pooling whose int64 indices are never made whole: PyTorch's CPU kernel makes them (8 B per output element)
    even when no gradient is needed, so the pool runs a few channels at a time and keeps only the output."""
    channels = x.shape[1]
    step = max(1, channels // 64)
    out = None
    for start in range(0, channels, step):
        part = pool(x[:, start:start + step], module.kernel_size, module.stride, module.padding, module.dilation,
                    module.ceil_mode)
        if out is None:
            out = x.new_empty((x.shape[0], channels) + tuple(part.shape[2:]))
        out[:, start:start + step].copy_(part)
        del part
    return out


class _MaxPoolFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, module):
        pool = F.max_pool2d if x.dim() == 4 else F.max_pool1d
        if not ctx.needs_input_grad[0]:
            return _max_pool_without_indices(x, module, pool)
        y, indices = pool(x, module.kernel_size, module.stride, module.padding, module.dilation, module.ceil_mode,
                          return_indices=True)
        ctx.indices = indices
        ctx.input_shape = x.shape
        return y

    @staticmethod
    def backward(ctx, gy):
        shape = ctx.input_shape
        gx = gy.new_zeros(shape)
        gx.view(shape[0], shape[1], -1).scatter_add_(2, ctx.indices.view(shape[0], shape[1], -1),
                                                     gy.reshape(shape[0], shape[1], -1))
        ctx.indices = None
        return gx, None


class PlanMaxPool(nn.Module):
    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        return _MaxPoolFunction.apply(x, self.module)


class _AveragePoolFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, module):
        ctx.module = module
        ctx.input_shape = x.shape
        return module(x)

    @staticmethod
    def backward(ctx, gy):
        m = ctx.module
        stand_in = gy.new_zeros(()).expand(ctx.input_shape)  # only the shape is read
        if len(ctx.input_shape) == 4:
            pair = torch.nn.modules.utils._pair
            gx = torch.ops.aten.avg_pool2d_backward(gy, stand_in, pair(m.kernel_size), pair(m.stride),
                                                    pair(m.padding), m.ceil_mode, m.count_include_pad,
                                                    m.divisor_override)
        else:
            single = torch.nn.modules.utils._single
            gx = torch.ops.aten.avg_pool2d_backward(gy.unsqueeze(2), stand_in.unsqueeze(2), (1,) + single(m.kernel_size),
                                                    (1,) + single(m.stride), (0,) + single(m.padding), m.ceil_mode,
                                                    m.count_include_pad, None).squeeze(2)
        return gx, None


class PlanAveragePool(nn.Module):
    """Average pooling that keeps nothing (the gradient is g / window everywhere)."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        return _AveragePoolFunction.apply(x, self.module)


class _DropoutFunction(torch.autograd.Function):
    """Train-mode dropout keeping a bool mask of the kept elements."""

    @staticmethod
    def forward(ctx, x, probability, overwrites_input, overwrites_gradient):
        keep = 1.0 - probability
        mask = torch.empty(x.shape, dtype=torch.bool).bernoulli_(keep)
        ctx.mask = mask if ctx.needs_input_grad[0] else None
        ctx.scale = 1.0 / keep
        ctx.overwrites_gradient = overwrites_gradient
        if overwrites_input:
            x.mul_(mask).mul_(ctx.scale)
            ctx.mark_dirty(x)
            return x
        return (x * mask).mul_(ctx.scale)

    @staticmethod
    def backward(ctx, gy):
        gx = gy.mul_(ctx.mask) if ctx.overwrites_gradient else gy * ctx.mask
        ctx.mask = None
        return gx.mul_(ctx.scale), None, None, None


class PlanDropout(nn.Module):
    def __init__(self, probability, overwrites_input, overwrites_gradient):
        super().__init__()
        self.probability = probability
        self.overwrites_input = overwrites_input
        self.overwrites_gradient = overwrites_gradient

    def forward(self, x):
        if not self.training or self.probability == 0:
            return x
        if self.probability == 1:
            return x * 0
        return _DropoutFunction.apply(x, self.probability, self.overwrites_input, self.overwrites_gradient)


def _add_into_first(a, *others):
    out = a
    for other in others:
        out = out.add_(other)
    return out


# MARK: - apply


_VIEW_FUNCTIONS = {torch.flatten, torch.reshape, torch.squeeze, torch.unsqueeze, torch.transpose, torch.permute,
                   operator.getitem, torch.narrow, torch.select}
_VIEW_METHODS = {"view", "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "permute", "expand", "narrow",
                 "select", "view_as", "t"}
_STORAGE_NEUTRAL_MODULES = (nn.Flatten, nn.Identity)


def _is_view(node, modules):
    if node.op == "call_function":
        return node.target in _VIEW_FUNCTIONS
    if node.op == "call_method":
        return node.target in _VIEW_METHODS
    if node.op == "call_module":
        return isinstance(modules.get(node.target), _STORAGE_NEUTRAL_MODULES)
    return False


def _may_overwrite(node, reader, modules):
    """Whether `reader` may write over the tensor `node` produces: no other operation reads it or any view of the
    same storage (another reader may keep it for its backward pass), and it is an activation (not the network
    input, not a parameter)."""
    current, consumer = node, reader
    while True:
        if not isinstance(current, torch.fx.Node) or current.op in ("placeholder", "get_attr"):
            return False
        if any(user is not consumer for user in current.users):
            return False
        if not _is_view(current, modules):
            return True
        consumer, current = current, current.args[0]


_FRESH_GRADIENT_MODULES = (nn.Conv1d, nn.Conv2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d, nn.ReLU, nn.ReLU6,
                           nn.Hardtanh, nn.Dropout, nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d, nn.AdaptiveAvgPool1d,
                           nn.AdaptiveAvgPool2d)
_FRESH_GRADIENT_FUNCTIONS = {F.adaptive_avg_pool2d, F.adaptive_avg_pool1d, torch.mean}


def _consumers(node, modules):
    """The operations that read `node`'s tensor, looking through views."""
    found = []
    for user in node.users:
        if _is_view(user, modules):
            found += _consumers(user, modules)
        else:
            found.append(user)
    return found


def _owns_its_gradient(node, modules):
    """Whether the gradient arriving at `node`'s output in the backward pass is a tensor no one else holds, so the
    node's backward may write g(x) over it: it has several readers (autograd sums their gradients into a new
    tensor) or one whose backward makes a new tensor (a convolution, a normalization, a pool, ...). An add hands
    the same gradient tensor to both operands, so a node read only by an add does not own it."""
    consumers = _consumers(node, modules)
    if len(consumers) != 1:
        return len(consumers) > 1
    consumer = consumers[0]
    if consumer.op == "call_module":
        return isinstance(modules.get(consumer.target), _FRESH_GRADIENT_MODULES)
    if consumer.op == "call_function":
        return consumer.target in _FRESH_GRADIENT_FUNCTIONS
    if consumer.op == "call_method":
        return consumer.target == "mean"
    return False


class AdaptedModel(nn.Module):
    """The model traced and rewritten for a plan: calling it runs the forward pass; `inner_step` / `adapt` run
    the plan's SGD steps. Parameters are shared with the model given to `apply`."""

    def __init__(self, graph_module, plan, layers, lr, loss_fn):
        super().__init__()
        self.graph_module = graph_module
        self.plan = plan
        self.lr = lr
        self.loss_fn = loss_fn
        self._layers = layers  # name -> Plan* module (weight layers and norms) or original module (hooked)
        self._hooks = []
        self.step_index = None
        self.set_step(1)

    def forward(self, x):
        return self.graph_module(x)

    @property
    def layers(self):
        return dict(self._layers)

    def set_step(self, step):
        """Configures the layers for inner step `step` (1-based): what it updates, with which channels."""
        if not 1 <= step <= self.plan.inner_steps:
            raise PlanError(f"{self.plan.source}: inner step {step} is outside 1..{self.plan.inner_steps}")
        for hook in self._hooks:
            hook.remove()
        self._hooks = []
        for parameter in self.graph_module.parameters():
            parameter.requires_grad_(False)
        updates = {u.layer: u for u in self.plan.steps[step - 1]}
        for name, module in self._layers.items():
            update = updates.get(name)
            if isinstance(module, (PlanWeightLayer, PlanBatchNorm)):
                module.configure(update, self.lr)
                inner = module.module
                if update is not None:
                    if module.updates_weight and inner.weight is not None:
                        inner.weight.requires_grad_(True)
                    if inner.bias is not None:
                        inner.bias.requires_grad_(True)
            elif update is not None:
                # A stock module (group norm, layer norm, ...): the update is fused by a hook on each tensor.
                for pname, parameter in module.named_parameters(recurse=False):
                    if update.parameters == "all" or pname == "bias":
                        parameter.requires_grad_(True)
                        self._hooks.append(parameter.register_post_accumulate_grad_hook(self._fused_sgd))
        self.step_index = step

    def _fused_sgd(self, parameter):
        _apply_sgd(parameter, parameter.grad, self.lr)
        parameter.grad = None

    def inner_step(self, x, y, step=None):
        """One SGD step of inner step `step` (default: the current one) on the batch (x, y); returns the loss."""
        if step is not None and step != self.step_index:
            self.set_step(step)
        self.train()
        loss = self.loss_fn(self(x), y)
        if loss.requires_grad:
            loss.backward()
        return loss.detach()

    def adapt(self, x, y):
        """The plan's K inner steps on the support batch (x, y); returns the losses before each step."""
        losses = [float(self.inner_step(x, y, step)) for step in range(1, self.plan.inner_steps + 1)]
        self.set_step(1)
        return losses

    def describe(self):
        lines = []
        for name, module in self._layers.items():
            text = module.describe() if isinstance(module, PlanWeightLayer) else module.extra_repr() if isinstance(module, PlanBatchNorm) else type(module).__name__
            lines.append(f"{name}: {text}")
        return lines


def _qualified_names(model):
    return {id(module): name for name, module in model.named_modules()}


def apply(model, plan, lr=0.01, loss_fn=None, strict=True):
    """The model rewritten to run `plan` (a path, a plan document or a Plan): an AdaptedModel configured for inner
    step 1. Raises PlanError when a planned layer is not in the model, has no parameter the update needs, or the
    plan's parameter names disagree with the model's (strict)."""
    plan = load_plan(plan)
    loss_fn = loss_fn or F.cross_entropy
    layers = trainable_layers(model)
    paths = _qualified_names(model)
    named_parameters = {id(p): n for n, p in model.named_parameters()}
    for position, step in enumerate(plan.steps):
        for index, update in enumerate(step):
            where = f"{plan.source}: steps[{position}].updates[{index}]"
            if update.layer not in layers:
                known = ", ".join(list(layers)[:6])
                raise PlanError(f"{where}.layer: '{update.layer}' is not a layer with parameters of this model "
                                f"(its layers are named like {known}, ...)")
            module = layers[update.layer]
            if update.parameters == "bias" and getattr(module, "bias", None) is None:
                raise PlanError(f"{where}.parameters: '{update.layer}' has no bias in this model (a plan made from an "
                                f"ONNX inference export folds batch norm into a conv bias; export in training mode)")
            if strict and update.parameter_names:
                own = {named_parameters[id(p)] for p in module.parameters(recurse=False)}
                # A plan made from an architecture file names a layer's tensors after the layer ("head.weight");
                # "onnx::Conv_538" is an inference export's folded initializer, which no module is named after.
                by_layer_name = {f"{update.layer}.{n.rsplit('.', 1)[-1]}" for n in own}
                missing = [n for n in update.parameter_names if "::" not in n and n not in own and n not in by_layer_name]
                if missing:
                    raise PlanError(f"{where}.parameter_names: '{missing[0]}' is not a parameter of '{update.layer}' "
                                    f"(it has {', '.join(sorted(own))})")
    try:
        graph_module = torch.fx.symbolic_trace(model)
    except Exception as error:  # noqa: BLE001 -- any tracing failure means the same thing to the user
        raise PlanError(f"the model cannot be traced by torch.fx ({type(error).__name__}: {error}); "
                        f"pmeta_torch needs a traceable forward") from None
    modules = dict(graph_module.named_modules())
    path_to_layer = {paths[id(module)]: name for name, module in layers.items()}
    planned = {}  # layer name -> its Plan* module (one per module, whatever the number of call sites)
    by_target = {}
    call_sites = 0
    graph = graph_module.graph
    for node in list(graph.nodes):
        if node.op == "call_module":
            module = modules[node.target]
            name = path_to_layer.get(node.target, node.target)
            if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d)):
                if node.target not in by_target:
                    if isinstance(module, nn.BatchNorm1d | nn.BatchNorm2d):
                        by_target[node.target] = PlanBatchNorm(module, name, _may_overwrite(node.args[0], node, modules),
                                                               _owns_its_gradient(node, modules))
                    else:
                        by_target[node.target] = PlanWeightLayer(module, name)
                    graph_module.add_submodule(node.target, by_target[node.target])
                    planned[name] = by_target[node.target]
                elif isinstance(by_target[node.target], PlanBatchNorm):
                    norm = by_target[node.target]
                    norm.overwrites_input = norm.overwrites_input and _may_overwrite(node.args[0], node, modules)
                    norm.overwrites_gradient = norm.overwrites_gradient and _owns_its_gradient(node, modules)
                continue
            if isinstance(module, (nn.ReLU, nn.ReLU6)) or (type(module) is nn.Hardtanh and module.min_val == 0):
                upper = None if isinstance(module, nn.ReLU) else float(module.max_val)
                replacement = PlanReLU(upper, _may_overwrite(node.args[0], node, modules), _owns_its_gradient(node, modules))
            elif type(module) is nn.Dropout:
                replacement = PlanDropout(module.p, _may_overwrite(node.args[0], node, modules), _owns_its_gradient(node, modules))
            elif isinstance(module, (nn.MaxPool1d, nn.MaxPool2d)):
                replacement = PlanMaxPool(module)
            elif isinstance(module, (nn.AvgPool1d, nn.AvgPool2d)):
                replacement = PlanAveragePool(module)
            else:
                continue
            # One replacement per call site (torchvision calls one ReLU module twice per block, and only one of
            # the calls may write over its input).
            call_sites += 1
            site = f"pmeta_site{call_sites}"
            graph_module.add_submodule(site, replacement)
            node.target = site
        elif node.op == "call_function" and node.target in (operator.add, torch.add, operator.iadd) and not node.kwargs:
            operands = [a for a in node.args if isinstance(a, torch.fx.Node)]
            if len(operands) == len(node.args) >= 2:
                for position, operand in enumerate(operands):
                    if _may_overwrite(operand, node, modules):
                        node.target = _add_into_first
                        node.args = tuple([operand] + operands[:position] + operands[position + 1:])
                        break
    for name, module in layers.items():
        if name not in planned:
            planned[name] = module  # stock modules with parameters (group norm, layer norm, ...)
    graph.lint()
    graph_module.recompile()
    return AdaptedModel(graph_module, plan, planned, lr, loss_fn)


# MARK: - Live-tensor accounting


class LiveTensorMeter(TorchDispatchMode):
    """Every tensor storage an op creates while the meter is active, from its creation until it is freed; the peak
    is taken after each op returns (its inputs and outputs alive). Storages that existed before (parameters,
    buffers, the batch) are not counted."""

    def __init__(self, existing=()):
        super().__init__()
        self.existing = {t.untyped_storage().data_ptr() for t in existing}
        self.live = {}
        self.live_bytes = 0
        self.peak_bytes = 0
        self.peak_op = None
        self.label = None
        self.peak_label = None

    def _free(self, pointer):
        nbytes = self.live.pop(pointer, None)
        if nbytes is not None:
            self.live_bytes -= nbytes

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for tensor in torch.utils._pytree.tree_flatten(out)[0]:
            if not isinstance(tensor, torch.Tensor) or tensor.device.type != "cpu":
                continue
            storage = tensor.untyped_storage()
            pointer, nbytes = storage.data_ptr(), storage.nbytes()
            if nbytes == 0 or pointer in self.live or pointer in self.existing:
                continue
            self.live[pointer] = nbytes
            self.live_bytes += nbytes
            weakref.finalize(storage, self._free, pointer)
        if self.live_bytes > self.peak_bytes:
            self.peak_bytes = self.live_bytes
            self.peak_op = str(func)
            self.peak_label = self.label
        return out


def measure(model, plan, sample_batch, lr=0.01, loss_fn=None, quiet=False, restore=True):
    """Runs the plan's inner steps once on `sample_batch` = (x, y) and measures the live tensor bytes of each step
    (everything the step creates: activations, what the backward pass keeps, gradients; not the model, not the
    batch). Prints and returns measured vs the peak the plan file predicts (`predicted_peak_bytes`, as
    `pmeta-plan --budget ... -o plan.json` writes it for the plan's workload and profile). `model` may be an
    AdaptedModel already; with `restore` the weights (and batch-norm statistics) are put back afterwards."""
    adapted = model if isinstance(model, AdaptedModel) else apply(model, plan, lr=lr, loss_fn=loss_fn)
    plan = adapted.plan
    x, y = sample_batch
    saved = {k: v.detach().clone() for k, v in adapted.graph_module.state_dict().items()} if restore else None
    existing = list(adapted.graph_module.parameters()) + list(adapted.graph_module.buffers()) + [x, y]
    adapted.train()
    step_peaks = []
    for step in range(1, plan.inner_steps + 1):
        adapted.set_step(step)
        meter = LiveTensorMeter(existing)
        with meter:
            meter.label = "forward"
            loss = adapted.loss_fn(adapted(x), y)
            meter.label = "backward"
            if loss.requires_grad:
                loss.backward()
            del loss
        step_peaks.append({"step": step, "peak_bytes": meter.peak_bytes, "peak_in": meter.peak_label,
                           "peak_op": meter.peak_op, "left_after_step_bytes": meter.live_bytes})
    adapted.set_step(1)
    if saved is not None:
        adapted.graph_module.load_state_dict(saved)
    measured = max(s["peak_bytes"] for s in step_peaks)
    predicted = plan.predicted_peak_bytes
    result = {"plan": plan.source, "profile": plan.profile, "batch": int(x.shape[0]), "measured_peak_bytes": measured,
              "predicted_peak_bytes": predicted, "ratio": (measured / predicted) if predicted else None, "steps": step_peaks}
    recorded = (plan.workload or {}).get("micro_batch")
    if recorded is not None and recorded != x.shape[0]:
        result["note"] = f"the plan was made for micro-batches of {recorded}, this batch has {x.shape[0]}"
    if not quiet:
        print(format_measurement(result))
    return result


def format_measurement(result):
    measured = result["measured_peak_bytes"]
    line = f"{result['plan']}: batch {result['batch']}: measured peak {measured:,} B"
    if result["predicted_peak_bytes"]:
        line += (f", predicted {result['predicted_peak_bytes']:,} B ({result['profile']} profile): "
                 f"measured / predicted = {result['ratio']:.4f}")
    else:
        line += " (the plan records no predicted_peak_bytes; plan with -o to record it)"
    if result.get("note"):
        line += f" [{result['note']}]"
    return line


# MARK: - importance


def importance(model, loader, steps, lr=0.01, loss_fn=None, layers=None, path=None, architecture=None):
    """Per layer and inner step, the first-order loss drop of one SGD step on that layer alone:
    score_l^k = lr x ||g_l^k||^2, the squared norm of the gradient of the batch loss with respect to layer l's
    parameters at inner step k, averaged over the batches of `loader` (each an (x, y) support batch, one task).

    Each batch is adapted from the model's weights for `steps` SGD steps updating every layer (the trajectory the
    inner steps follow); the model's weights are restored afterwards. The score is the decrease of the batch loss
    predicted to first order by updating layer l alone: L(w - lr g_l) = L(w) - lr ||g_l||^2 + O(lr^2), and it adds
    up over layers as the planner's objective does (updating a set of layers drops the loss by the sum, to first
    order). A Fisher-information score (the mean of per-sample squared gradients) measures how sensitive the loss
    is, signal and noise alike; on a few-shot support set the step follows the mean gradient, so its norm is what
    predicts the drop.

    Returns {layer name: [score per step]}; writes pmeta-plan's importance file when `path` is given (keys: the layer
    names plans use; `layers` restricts them, e.g. to the layers of the ONNX graph)."""
    loss_fn = loss_fn or F.cross_entropy
    named = trainable_layers(model)
    if layers is not None:
        missing = [n for n in layers if n not in named]
        if missing:
            raise PlanError(f"importance: '{missing[0]}' is not a layer with parameters of this model")
        named = {n: named[n] for n in layers}
    parameters = {name: [p for p in module.parameters(recurse=False)] for name, module in named.items()}
    everything = [p for ps in parameters.values() for p in ps]
    saved_requires = [p.requires_grad for p in model.parameters()]
    saved_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for p in model.parameters():
        p.requires_grad_(False)
    for p in everything:
        p.requires_grad_(True)
    totals = {name: [0.0] * steps for name in named}
    batches = 0
    was_training = model.training
    model.train()
    try:
        for x, y in loader:
            batches += 1
            for step in range(steps):
                loss = loss_fn(model(x), y)
                grads = torch.autograd.grad(loss, everything, allow_unused=True)
                position = 0
                for name, ps in parameters.items():
                    squared = 0.0
                    for g in grads[position:position + len(ps)]:
                        if g is not None:
                            squared += float(g.pow(2).sum())
                    totals[name][step] += lr * squared
                    position += len(ps)
                with torch.no_grad():
                    for p, g in zip(everything, grads):
                        if g is not None:
                            p.add_(g, alpha=-lr)
            model.load_state_dict(saved_state)
    finally:
        model.load_state_dict(saved_state)
        for p, flag in zip(model.parameters(), saved_requires):
            p.requires_grad_(flag)
        model.train(was_training)
    if batches == 0:
        raise PlanError("importance: the loader gave no batch")
    scores = {name: [value / batches for value in values] for name, values in totals.items()}
    if path is not None:
        write_importance(scores, steps, path, architecture,
                         note=f"pmeta_torch.importance: lr x ||g_l^k||^2 averaged over {batches} batches, lr {lr}")
    return scores


def write_importance(scores, steps, path, architecture=None, note=None):
    """Writes {layer: [score per step]} as pmeta-plan's importance file (docs/plan-format.md)."""
    document = {"format": 1, "kind": IMPORTANCE_KIND}
    if architecture is not None:
        document["architecture"] = architecture
    document["inner_steps"] = steps
    document["step_sizes"] = {name: [float(v) for v in values] for name, values in scores.items()}
    if note:
        document["note"] = note
    for name, values in document["step_sizes"].items():
        if len(values) != steps or not all(math.isfinite(v) for v in values):
            raise PlanError(f"importance: '{name}' needs {steps} finite scores")
    with open(path, "w") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")
    return document
