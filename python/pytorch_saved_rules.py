"""The rules of docs/pytorch-memory.md as a hand-count predictor of autograd's saved bytes (no autograd involved).

    from pytorch_saved_rules import predict_saved
    per_layer, total, input_bytes = predict_saved(spec, shapes, trainable, batch)

`spec` and `shapes` come from torch_from_architecture (load_architecture, ArchitectureModule.shapes), `trainable`
maps a layer name to the set of its parameter names that require grad ({"weight", "bias"}). The predictor
walks the layers once, tracking which tensor storage each layer output lives in (views share their input's
storage) and which storages autograd keeps; it is what the Swift `pytorch` profile must compute. The measurement
script prints it beside the measured figure (--predict) and test_torch_memory_rules.py pins the two equal.
"""

import math

FLOAT = 4
INT64 = 8

KEEPS_OUTPUT = {"relu", "sigmoid", "tanh", "softmax"}
KEEPS_INPUT = {"relu6", "leaky_relu", "hard_sigmoid", "hard_swish", "silu", "gelu", "avg_pool"}
ELEMENTWISE = {"relu", "relu6", "leaky_relu", "sigmoid", "tanh", "hard_sigmoid", "hard_swish", "silu", "gelu",
               "scale", "dropout"}
VIEWS = {"flatten", "gather", "slice"}


class _Storage:
    def __init__(self, nbytes, kind="activation"):
        self.nbytes = nbytes
        self.kind = kind  # activation | input | model


def predict_saved(spec, shapes, trainable, batch, loss="cross_entropy"):
    """Per-layer saved activation bytes (deduplicated by storage, first saver), their total, and the bytes of the
    input batch (and labels) that autograd keeps."""
    storage = {"input": _Storage(batch * math.prod(spec.input_shape) * FLOAT, "input")}
    contiguous = {"input": True}
    needs_grad = {"input": False}
    kept = {}  # id(storage) -> (storage, first layer)
    order = []

    def keep(layer, s):
        if s.kind == "model":
            return
        if id(s) not in kept:
            kept[id(s)] = (s, layer)
            order.append(id(s))

    def fresh(shape, element=FLOAT):
        return _Storage(batch * math.prod(shape) * element)

    for layer in spec.layers:
        op, a, name = layer.op, layer.attributes, layer.name
        ins = layer.inputs
        out_shape = shapes[name]
        in_shape = shapes[ins[0]] if ins else None
        parameters = trainable.get(name, set())
        grad = any(needs_grad[i] for i in ins) or bool(parameters)
        needs_grad[name] = grad
        # The output's storage.
        if op == "parameter":
            storage[name], contiguous[name] = _Storage(0, "model"), False
        elif op in VIEWS:
            storage[name] = storage[ins[0]]
            contiguous[name] = contiguous[ins[0]] and op != "slice"
        elif op == "transpose":
            storage[name], contiguous[name] = storage[ins[0]], False
        elif op == "reshape":
            if contiguous[ins[0]]:
                storage[name], contiguous[name] = storage[ins[0]], True
            else:
                storage[name], contiguous[name] = fresh(out_shape), True  # reshape of a permuted view copies
        else:
            storage[name] = fresh(out_shape)
            contiguous[name] = contiguous[ins[0]] if op in ELEMENTWISE and ins else True
        if not grad:
            continue
        x = storage[ins[0]] if ins else None
        if op in ("conv2d", "conv1d"):
            keep(name, x)  # even with the weight frozen
        elif op == "linear":
            if "weight" in parameters:
                keep(name, x)  # the whole storage behind a view (a ViT's class token keeps all tokens)
        elif op == "batch_norm":
            keep(name, x)
            keep(name, _Storage(2 * in_shape[0] * FLOAT))  # save_mean and save_invstd, per channel
        elif op == "group_norm":
            keep(name, x)
            keep(name, _Storage(2 * batch * a["groups"] * FLOAT))  # mean and rstd per sample and group
        elif op == "layer_norm":
            keep(name, x)
            rows = 1 if len(in_shape) == 3 else math.prod(in_shape[:-1])
            keep(name, _Storage(2 * batch * rows * FLOAT))  # mean and rstd per sample (and token)
        elif op in KEEPS_OUTPUT:
            keep(name, storage[name])
        elif op in KEEPS_INPUT:
            keep(name, x)
        elif op == "max_pool":
            keep(name, x)
            keep(name, fresh(out_shape, INT64))
        elif op == "dropout":
            keep(name, fresh(in_shape))  # CPU: a float32 mask
        elif op == "mul":
            first, second = ins
            if needs_grad[first]:
                keep(name, storage[second])
            if needs_grad[second]:
                keep(name, storage[first])
        elif op == "matmul":
            first, second = ins

            def operand(i):
                return storage[i] if contiguous[i] else fresh(shapes[i])
            if needs_grad[first]:
                keep(name, operand(second))
            if needs_grad[second]:
                keep(name, operand(first))
        # add, concat, reduce_mean, global_avg_pool, scale, shuffle, views, parameter: nothing
    last = spec.layers[-1].name
    input_bytes = 0
    if needs_grad[last]:
        if loss == "cross_entropy":
            keep("loss", fresh(shapes[last]))  # log_softmax's output
            keep("loss", _Storage(FLOAT))  # nll_loss's total_weight, a 0-dim float
            input_bytes += batch * INT64  # the labels
        else:
            keep("loss", storage[last])  # mse_loss keeps its input ...
            input_bytes += batch * math.prod(shapes[last]) * FLOAT  # ... and the target
    per_layer = {}
    for key in order:
        s, layer = kept[key]
        if s.kind == "activation":
            per_layer[layer] = per_layer.get(layer, 0) + s.nbytes
        elif s.kind == "input":
            input_bytes += s.nbytes
    return per_layer, sum(per_layer.values()), input_bytes


def trainable_map(model):
    """{layer name: {parameter names requiring grad}} of an ArchitectureModule."""
    result = {}
    for name, module in zip(model.layer_names, model.blocks):
        names = {n.rsplit(".", 1)[-1] for n, p in module.named_parameters() if p.requires_grad}
        if names:
            result[name] = names
    return result
