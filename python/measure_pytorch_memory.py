# Run: python3 python/measure_pytorch_memory.py architectures/resnet18.json --update last --batch 1 [--batch 8] [--update full --update bias] [--plan plan.json [--step K]] [--layers] [--ops] [--timeline] [--allocator] [--inplace]
"""What stock PyTorch holds in one standard training step, measured (issue 13; docs/pytorch-memory.md).

The step: model.train() (batch norm uses batch statistics), CPU, float32, one thread,
    output = model(x); loss = criterion(output, y); loss.backward(); optimizer.step(); optimizer.zero_grad(set_to_none=True)
with SGD (lr 0.01, no momentum, no weight decay: no optimizer state) over the parameters that require grad, and
criterion cross-entropy against random labels (MSE against random targets for the MLP regressors/policies, whose
architecture names start with "MLP").

Update modes (requires_grad on exactly these tensors, everything else frozen):
  full   every parameter (including the file's free parameters)
  last   every parameter of the last layer that has parameters (the head)
  bias   every tensor named `bias`: conv and linear biases and the normalization layers' beta; the normalization
         layers' gamma (their `weight`) stays frozen (TinyTL's "bias only")
  plan   the layers a plan file updates at step K (docs/plan-format.md): `parameters: all` or `bias`; channel ratios
         below 1 cannot be expressed with requires_grad and are refused (exit 65)

Measured:
  (a) autograd's saved tensors, through torch.autograd.graph.saved_tensors_hooks: every tensor a node packs, by the
      layer running when it was packed, deduplicated by storage (a storage saved by several nodes counts once, for the
      first layer that saved it). Storages of parameters and buffers (weights, running statistics, and views of them
      such as a linear's transposed weight) count 0: they are model memory. The input batch is reported apart.
  (b) live tensor bytes through the step: a TorchDispatchMode sees every aten op's outputs; each new storage
      (untyped_storage data_ptr -> nbytes) is live until its weakref.finalize fires. Counted: every storage an op
      creates during the step -- activations, saved tensors, gradients flowing backward, the .grad buffers, the loss.
      Not counted: parameters, buffers, the input batch and the labels (they exist before the step); buffers an op
      allocates internally and frees before returning (im2col columns, oneDNN scratchpads: see --allocator).
      SGD without momentum has no optimizer state. The peak is taken after each op returns (its outputs and inputs
      both alive).
  (c) reconciliation at the peak: saved tensors still alive + .grad buffers alive + transient (everything else:
      the op's outputs, gradients in flight, activations not saved but still referenced).
--allocator runs the same step again without instrumentation under torch.profiler(profile_memory=True) and prints
the CPU allocator's peak (every c10 allocation, including kernels' internal workspaces) for comparison.
"""

import argparse
import collections
import json
import os
import sys
import tempfile
import weakref
from fractions import Fraction

import torch
import torch.nn as nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_saved_rules import predict_saved, trainable_map  # noqa: E402
from torch_from_architecture import ArchitectureError, build_model, load_architecture  # noqa: E402

EXIT_USAGE, EXIT_DATA, EXIT_IO = 64, 65, 66


class PlanError(ValueError):
    """A plan that stock PyTorch cannot express, or that does not match the network."""


# MARK: - Which tensors require grad


def layer_parameters(model, name):
    return list(model.module_named(name).named_parameters())


def parameter_layers(model):
    """Layers with parameters, in file order."""
    return [layer.name for layer in model.spec.layers if layer_parameters(model, layer.name)]


def configure_updates(model, mode, plan=None, step=1):
    """Sets requires_grad for the update mode; returns the updated parameters' qualified names."""
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    chosen = []  # (layer, param name, tensor)
    if mode == "full":
        for layer in parameter_layers(model):
            chosen += [(layer, n, p) for n, p in layer_parameters(model, layer)]
        chosen += [("free", n, p) for n, p in model.free.named_parameters()]
    elif mode == "last":
        layer = parameter_layers(model)[-1]
        chosen += [(layer, n, p) for n, p in layer_parameters(model, layer)]
    elif mode == "bias":
        for layer in parameter_layers(model):
            chosen += [(layer, n, p) for n, p in layer_parameters(model, layer) if n.endswith("bias")]
    elif mode == "plan":
        steps = plan.get("steps")
        if not isinstance(steps, list) or not 1 <= step <= len(steps):
            raise PlanError(f"steps: expected at least {step} steps")
        known = set(parameter_layers(model))
        for position, update in enumerate(steps[step - 1].get("updates", [])):
            where = f"steps[{step - 1}].updates[{position}]"
            layer = update.get("layer")
            if layer not in known:
                raise PlanError(f"{where}.layer: expected a trainable layer of {model.spec.name}, found {layer!r}")
            for key in ("input_ratio", "output_ratio"):
                ratio = Fraction(str(update.get(key, 1)))
                if ratio != 1:
                    raise PlanError(f"{where}.{key}: {update[key]} -- a channel ratio below 1 cannot be expressed "
                                    f"with requires_grad in stock PyTorch (only whole tensors can be frozen)")
            which = update.get("parameters", "all")
            chosen += [(layer, n, p) for n, p in layer_parameters(model, layer) if which == "all" or n.endswith("bias")]
        if steps[step - 1].get("free_parameters"):
            chosen += [("free", n, p) for n, p in model.free.named_parameters()]
    else:
        raise ValueError(mode)
    for _, _, parameter in chosen:
        parameter.requires_grad_(True)
    return [(f"{layer}.{name}", p) for layer, name, p in chosen]


# MARK: - Instrumentation


def storage_key(tensor):
    storage = tensor.untyped_storage()
    return storage.data_ptr(), storage.nbytes()


class LiveStorageTracker(TorchDispatchMode):
    """Tracks every storage created by an op while active; frees are seen through weakref.finalize."""

    def __init__(self, excluded_pointers):
        super().__init__()
        self.excluded = set(excluded_pointers)
        self.live = {}  # ptr -> nbytes
        self.origin = {}  # ptr -> (phase, layer, op)
        self.live_bytes = 0
        self.peak_bytes = 0
        self.peak = None
        self.phase = "forward"
        self.layer = None
        self.node_layer = {}  # autograd node -> layer
        self.saved_pointers = set()
        self.parameters = []
        self.phase_peaks = collections.OrderedDict()
        self.phase_peak_ops = {}
        self.op_count = 0
        self.layer_peaks = collections.OrderedDict()  # (phase, layer) -> the most live bytes after one of its ops

    def _free(self, pointer):
        nbytes = self.live.pop(pointer, None)
        if nbytes is not None:
            self.live_bytes -= nbytes
            self.saved_pointers.discard(pointer)
            self.origin.pop(pointer, None)

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.op_count += 1
        where = self.layer
        layer = self.layer
        if self.phase == "backward":
            node = torch._C._current_autograd_node()
            where = self.node_layer.get(node, node.name() if node is not None else None) if node is not None else None
            layer = self.node_layer.get(node, "loss" if node is not None else None)
            if node is not None and node in self.node_layer:
                where = f"{self.node_layer[node]} ({node.name()})"
        for tensor in tree_flatten(out)[0]:
            if not isinstance(tensor, torch.Tensor) or tensor.device.type != "cpu":
                continue
            storage = tensor.untyped_storage()
            pointer, nbytes = storage.data_ptr(), storage.nbytes()
            if nbytes == 0 or pointer in self.excluded or pointer in self.live:
                continue
            self.live[pointer] = nbytes
            self.origin[pointer] = (self.phase, where, str(func))
            self.live_bytes += nbytes
            weakref.finalize(storage, self._free, pointer)
        key = (self.phase, layer)
        if self.live_bytes > self.layer_peaks.get(key, -1):
            self.layer_peaks[key] = self.live_bytes
        peak = self.phase_peaks.get(self.phase, 0)
        if self.live_bytes > peak:
            self.phase_peaks[self.phase] = self.live_bytes
            self.phase_peak_ops[self.phase] = f"{func}"
        if self.live_bytes > self.peak_bytes:
            self.peak_bytes = self.live_bytes
            self.peak = self.breakdown(f"{func}", where)
        return out

    def grad_pointers(self):
        return {p.grad.untyped_storage().data_ptr() for p in self.parameters if p.grad is not None}

    def breakdown(self, op, where):
        """Live bytes split into saved tensors, .grad buffers and the rest."""
        grads = self.grad_pointers()
        saved = grad = 0
        for pointer, nbytes in self.live.items():
            if pointer in grads:
                grad += nbytes
            elif pointer in self.saved_pointers:
                saved += nbytes
        return {"phase": self.phase, "op": op, "where": where, "live_bytes": self.live_bytes,
                "saved_bytes": saved, "grad_bytes": grad, "transient_bytes": self.live_bytes - saved - grad}


class SavedTensorRecorder:
    """saved_tensors_hooks that record, per layer, the storages autograd packs."""

    def __init__(self, tracker, model_pointers, input_pointers):
        self.tracker = tracker
        self.model_pointers = model_pointers
        self.input_pointers = input_pointers
        self.first_saver = {}  # ptr -> layer
        self.storage_bytes = {}  # ptr -> nbytes
        self.kind = {}  # ptr -> activation | model | input
        self.pack_count = 0

    def pack(self, tensor):
        self.pack_count += 1
        pointer, nbytes = storage_key(tensor)
        if pointer not in self.first_saver:
            self.first_saver[pointer] = self.tracker.layer or "loss"
            self.storage_bytes[pointer] = nbytes
            if pointer in self.model_pointers:
                self.kind[pointer] = "model"
            elif pointer in self.input_pointers:
                self.kind[pointer] = "input"
            else:
                self.kind[pointer] = "activation"
                self.tracker.saved_pointers.add(pointer)
        return tensor.detach()  # no grad_fn in the pack: avoids a reference cycle for saved outputs

    @staticmethod
    def unpack(tensor):
        return tensor

    def per_layer(self):
        result = collections.OrderedDict()
        for pointer, layer in self.first_saver.items():
            if self.kind[pointer] == "activation":
                result[layer] = result.get(layer, 0) + self.storage_bytes[pointer]
        return result

    def total(self, kind):
        return sum(n for p, n in self.storage_bytes.items() if self.kind[p] == kind)


def attach_node_mapping(model, tracker):
    """Forward hooks that map each new autograd node to the layer that made it."""
    seen = set()
    handles = []

    def hook(module, inputs, output, name):
        stack = [t.grad_fn for t in tree_flatten(output)[0] if isinstance(t, torch.Tensor) and t.grad_fn is not None]
        while stack:
            node = stack.pop()
            if node is None or node in seen:
                continue
            seen.add(node)
            tracker.node_layer[node] = name
            stack += [next_node for next_node, _ in node.next_functions]

    for name, module in zip(model.layer_names, model.blocks):
        handles.append(module.register_forward_hook(lambda m, i, o, name=name: hook(m, i, o, name)))
    return handles


def describe_saved(node, model_pointers, input_pointers):
    """The tensors a node saved: attribute name, dtype, shape, whose storage."""
    items = []
    for attribute in sorted(dir(node)):
        if not attribute.startswith("_saved_"):
            continue
        try:
            value = getattr(node, attribute)
        except RuntimeError:
            continue
        for tensor in (value if isinstance(value, (tuple, list)) else [value]):
            if isinstance(tensor, torch.Tensor):
                pointer, nbytes = storage_key(tensor)
                kind = "model" if pointer in model_pointers else "input" if pointer in input_pointers else "activation"
                items.append((attribute[len("_saved_"):], str(tensor.dtype).replace("torch.", ""),
                              tuple(tensor.shape), kind, nbytes))
    return items


# MARK: - One step


def make_batch(spec, model, batch, seed):
    generator = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, *spec.input_shape, generator=generator)
    out_shape = model.shapes[spec.layers[-1].name]
    if spec.name.startswith("MLP"):
        target = torch.randn(batch, *out_shape, generator=generator)
        criterion = nn.MSELoss()
    else:
        target = torch.randint(0, out_shape[-1], (batch,), generator=generator)
        criterion = nn.CrossEntropyLoss()
    return x, target, criterion


def measure_step(model, x, target, criterion, parameters, want_ops=False):
    """One instrumented training step of any module; returns the figures as a dict (and the per-node-type saves).

    Per-layer attribution needs an ArchitectureModule (its layer_hook); other modules report everything under None."""
    optimizer = torch.optim.SGD(parameters, lr=0.01) if parameters else None
    model_pointers = {t.untyped_storage().data_ptr() for t in list(model.parameters()) + list(model.buffers())}
    input_pointers = {x.untyped_storage().data_ptr(), target.untyped_storage().data_ptr()}
    tracker = LiveStorageTracker(model_pointers | input_pointers)
    tracker.parameters = parameters
    recorder = SavedTensorRecorder(tracker, model_pointers, input_pointers)
    handles = attach_node_mapping(model, tracker) if hasattr(model, "layer_names") else []
    if hasattr(model, "layer_hook"):
        model.layer_hook = lambda name: setattr(tracker, "layer", name)
    op_saves = None
    with tracker, torch.autograd.graph.saved_tensors_hooks(recorder.pack, recorder.unpack):
        output = model(x)
        tracker.layer = "loss"
        loss = criterion(output, target)
        tracker.layer = None
        end_of_forward = tracker.breakdown("end of forward", None)
        if want_ops:
            op_saves = collections.OrderedDict()
            for node in tracker.node_layer:
                op_saves.setdefault(node.name(), describe_saved(node, model_pointers, input_pointers))
        tracker.phase = "backward"
        if loss.requires_grad:
            loss.backward()
        after_backward = tracker.breakdown("after backward", None)
        tracker.phase = "step"
        if optimizer is not None:
            optimizer.step()
        tracker.phase = "zero_grad"
        if optimizer is not None:
            optimizer.zero_grad(set_to_none=True)
        del output, loss
    for handle in handles:
        handle.remove()
    if hasattr(model, "layer_hook"):
        model.layer_hook = None
    tracker.node_layer.clear()
    result = collections.OrderedDict(
        updated_tensors=len(parameters), updated_elements=sum(p.numel() for p in parameters),
        gradient_bytes=sum(p.numel() * p.element_size() for p in parameters),
        saved_activation_bytes=recorder.total("activation"),
        saved_input_bytes=recorder.total("input"),
        saved_parameter_storages=sum(1 for k in recorder.kind.values() if k == "model"),
        pack_calls=recorder.pack_count,
        peak_live_bytes=tracker.peak_bytes,
        peak=tracker.peak,
        end_of_forward=end_of_forward,
        after_backward=after_backward,
        phase_peaks=dict(tracker.phase_peaks),
        live_after_zero_grad_bytes=tracker.live_bytes,
        saved_per_layer=recorder.per_layer(),
        timeline=[[phase, layer, nbytes] for (phase, layer), nbytes in tracker.layer_peaks.items()],
    )
    return result, op_saves


def measure(path, mode, batch, plan=None, step=1, seed=0, inplace=False, want_ops=False):
    """Builds the network of an architecture file and measures one step under an update mode."""
    spec = load_architecture(path)
    model = build_model(spec, seed=seed, inplace_activations=inplace)
    model.train()
    updated = configure_updates(model, mode, plan, step)
    x, target, criterion = make_batch(spec, model, batch, seed)
    loss_kind = "mse" if isinstance(criterion, nn.MSELoss) else "cross_entropy"
    predicted_layers, predicted, predicted_input = predict_saved(spec, model.shapes, trainable_map(model), batch, loss_kind)
    figures, op_saves = measure_step(model, x, target, criterion, [p for _, p in updated], want_ops)
    result = collections.OrderedDict(network=spec.name, file=path, update=mode if mode != "plan" else f"plan step {step}",
                                     batch=batch, inplace_activations=inplace)
    result.update(figures)
    result["rules_saved_activation_bytes"] = predicted
    result["rules_saved_input_bytes"] = predicted_input
    result["rules_mismatched_layers"] = {
        layer: [predicted_layers.get(layer, 0), figures["saved_per_layer"].get(layer, 0)]
        for layer in set(predicted_layers) | set(figures["saved_per_layer"])
        if predicted_layers.get(layer, 0) != figures["saved_per_layer"].get(layer, 0)} if not inplace else None
    return result, op_saves


def allocator_peak(path, mode, batch, plan=None, step=1, seed=0, inplace=False):
    """The CPU allocator's peak over the same step, uninstrumented, from the profiler's memory events."""
    from torch.profiler import ProfilerActivity, profile
    spec = load_architecture(path)
    model = build_model(spec, seed=seed, inplace_activations=inplace)
    model.train()
    parameters = [p for _, p in configure_updates(model, mode, plan, step)]
    x, target, criterion = make_batch(spec, model, batch, seed)
    optimizer = torch.optim.SGD(parameters, lr=0.01) if parameters else None
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        output = model(x)
        loss = criterion(output, target)
        if loss.requires_grad:
            loss.backward()
        if optimizer is not None:
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
        del output, loss
    with tempfile.TemporaryDirectory() as folder:
        trace = os.path.join(folder, "trace.json")
        prof.export_chrome_trace(trace)
        with open(trace) as handle:
            events = json.load(handle)["traceEvents"]
    memory = [e["args"] for e in events if e.get("name") == "[memory]" and e["args"].get("Device Type") == 0]
    kernels = collections.Counter(e["name"] for e in events if e.get("cat") == "cpu_op" and e["name"] in (
        "aten::thnn_conv2d", "aten::mkldnn_convolution", "aten::_nnpack_spatial_convolution",
        "aten::_slow_conv2d_forward", "aten::slow_conv_dilated2d", "aten::_mkldnn_convolution"))
    # Total Allocated counts from the profiler's start: the model and batch existed before and are not in it.
    peak = max((m["Total Allocated"] for m in memory), default=0)
    return {"allocator_peak_bytes": peak, "conv_kernels": dict(kernels)}


# MARK: - Output


def megabytes(n):
    return f"{n / 1e6:.3f} MB"


def print_timeline(result):
    """The most live bytes after any op of each layer, forward then backward (the Swift cost model's timeline)."""
    print(f"  {'phase':<9} {'layer':<32} {'live bytes':>14}")
    for phase, layer, nbytes in result["timeline"]:
        print(f"  {phase:<9} {str(layer):<32} {nbytes:>14,}")


def print_human(result, show_layers):
    peak = result["peak"] or {}
    eof = result["end_of_forward"]
    print(f"{result['network']} | update {result['update']} | batch {result['batch']}: "
          f"{result['updated_elements']:,} updated elements in {result['updated_tensors']} tensors")
    print(f"  saved by autograd (activations, dedup by storage) {result['saved_activation_bytes']:>14,} B"
          f"   (+ input batch {result['saved_input_bytes']:,} B saved, not counted)")
    print(f"  the rules of docs/pytorch-memory.md predict {result['rules_saved_activation_bytes']:,} B saved"
          f" (+ input {result['rules_saved_input_bytes']:,} B)"
          + ("" if not result["rules_mismatched_layers"] else f"; layers that differ [rules, measured]: {result['rules_mismatched_layers']}"))
    print(f"  end of forward: live {eof['live_bytes']:,} B = saved {eof['saved_bytes']:,} + other {eof['transient_bytes']:,}")
    print(f"  peak live tensors {result['peak_live_bytes']:>14,} B ({megabytes(result['peak_live_bytes'])}) in {peak.get('phase')}"
          f" at {peak.get('op')} [{peak.get('where')}]")
    print(f"    = saved still alive {peak.get('saved_bytes', 0):,} + .grad buffers {peak.get('grad_bytes', 0):,}"
          f" + transient {peak.get('transient_bytes', 0):,}")
    print(f"  phase peaks: " + ", ".join(f"{k} {v:,}" for k, v in result["phase_peaks"].items()))
    if "allocator_peak_bytes" in result:
        print(f"  CPU allocator peak (uninstrumented, includes kernel workspaces) {result['allocator_peak_bytes']:,} B;"
              f" conv kernels {result['conv_kernels']}")
    if show_layers:
        print(f"  {'layer':<32} {'saved bytes':>14}")
        for layer, nbytes in result["saved_per_layer"].items():
            print(f"  {layer:<32} {nbytes:>14,}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("architectures", nargs="+")
    parser.add_argument("--update", action="append", choices=["full", "last", "bias", "plan"])
    parser.add_argument("--batch", action="append", type=int)
    parser.add_argument("--plan", help="a plan file (implies --update plan)")
    parser.add_argument("--step", type=int, default=1, help="the plan's inner step (1-based)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inplace", action="store_true", help="activations in place, as torchvision builds them")
    parser.add_argument("--layers", action="store_true", help="print saved bytes per layer")
    parser.add_argument("--ops", action="store_true", help="print what each autograd node type saves")
    parser.add_argument("--timeline", action="store_true",
                        help="print the most live bytes while each layer runs, per pass (the JSON line always has it)")
    parser.add_argument("--allocator", action="store_true", help="also the CPU allocator peak, uninstrumented")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    plan = None
    modes = args.update or []
    if args.plan:
        try:
            with open(args.plan) as handle:
                plan = json.load(handle)
        except OSError as error:
            print(f"Error: {args.plan}: cannot read: {error.strerror}", file=sys.stderr)
            return EXIT_IO
        except json.JSONDecodeError as error:
            print(f"Error: {args.plan}: line {error.lineno}, column {error.colno}: {error.msg}", file=sys.stderr)
            return EXIT_DATA
        if "plan" not in modes:
            modes.append("plan")
    if "plan" in modes and plan is None:
        print("Error: --update plan needs --plan FILE", file=sys.stderr)
        return EXIT_USAGE
    modes = modes or ["full", "last", "bias"]
    batches = args.batch or [1, 8]
    for path in args.architectures:
        for mode in modes:
            for batch in batches:
                try:
                    result, op_saves = measure(path, mode, batch, plan, args.step, args.seed, args.inplace, args.ops)
                    if args.allocator:
                        result.update(allocator_peak(path, mode, batch, plan, args.step, args.seed, args.inplace))
                except OSError as error:
                    print(f"Error: {path}: cannot read: {error.strerror}", file=sys.stderr)
                    return EXIT_IO
                except (ArchitectureError, json.JSONDecodeError, KeyError) as error:
                    print(f"Error: {path}: {error}", file=sys.stderr)
                    return EXIT_DATA
                except PlanError as error:
                    print(f"Error: {args.plan}: {error}", file=sys.stderr)
                    return EXIT_DATA
                print(json.dumps(result))
                if not args.json_only:
                    print_human(result, args.layers)
                    if args.timeline:
                        print_timeline(result)
                    if op_saves:
                        print("  what each autograd node type saves (first node of each type):")
                        for name, items in op_saves.items():
                            described = ", ".join(f"{a}:{d}{list(s)}({k})" for a, d, s, k, _ in items) or "nothing"
                            print(f"    {name:<32} {described}")
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
