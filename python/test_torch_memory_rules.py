"""What stock PyTorch autograd saves per op, and what it holds live, each against a hand count.

Run: python3 -m unittest discover python      (needs torch and torchvision; not part of swift test)

Every experiment is one op (or a short chain) on small tensors, float32 on CPU, one thread. "Saved" means the
storages autograd packs (torch.autograd.graph.saved_tensors_hooks), deduplicated by storage, parameters and
buffers excluded (they are model memory); the helper returns {(dtype, bytes)} per saved activation storage.
Shapes used throughout: x = [N=2, C=4, H=8, W=8] -> 512 elements = 2,048 B of float32.
"""

import collections
import os
import sys
import unittest

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure_pytorch_memory import LiveStorageTracker, SavedTensorRecorder, configure_updates, measure_step  # noqa: E402
from torch_from_architecture import build_model, load_architecture  # noqa: E402

torch.set_num_threads(1)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

X_BYTES = 2 * 4 * 8 * 8 * 4  # 2,048


def saved(function, *tensors, modules=()):
    """Runs function(*tensors) under saved-tensor hooks; returns sorted [(dtype, nbytes)] of saved activation
    storages (parameters/buffers of `modules` excluded, counted apart as model) and the total."""
    model_pointers = set()
    for module in modules:
        model_pointers |= {t.untyped_storage().data_ptr() for t in list(module.parameters()) + list(module.buffers())}
    tracker = LiveStorageTracker(set())
    recorder = SavedTensorRecorder(tracker, model_pointers, set())
    packed_dtypes = {}

    def pack(tensor):
        packed_dtypes[tensor.untyped_storage().data_ptr()] = str(tensor.dtype).replace("torch.", "")
        return recorder.pack(tensor)

    with torch.autograd.graph.saved_tensors_hooks(pack, recorder.unpack):
        out = function(*tensors)
    items = sorted((packed_dtypes[p], n) for p, n in recorder.storage_bytes.items() if recorder.kind[p] == "activation")
    # Keep the graph (and so the saved storages) alive until counted; then drop.
    del out
    return items, sum(n for _, n in items)


def x_needing_grad(*shape):
    """A non-leaf activation that needs a gradient (the output of an earlier trainable layer)."""
    leaf = torch.randn(*(shape or (2, 4, 8, 8)), requires_grad=True)
    return leaf * 1.0


class ConvolutionRules(unittest.TestCase):
    def conv(self, weight_grad, bias_grad):
        conv = nn.Conv2d(4, 8, 3, padding=1)
        conv.weight.requires_grad_(weight_grad)
        conv.bias.requires_grad_(bias_grad)
        return conv

    def test_trainable_conv_saves_its_input(self):
        conv = self.conv(True, True)
        # input x: 2,048 B float32; the weight is saved too but it is a parameter (0 activation bytes).
        self.assertEqual(saved(conv, x_needing_grad(), modules=[conv]), ([("float32", 2048)], 2048))

    def test_frozen_conv_still_saves_its_input(self):
        conv = self.conv(False, False)
        # Only g(x) is needed, which needs the weight alone, yet ConvolutionBackward0 keeps x: 2,048 B.
        self.assertEqual(saved(conv, x_needing_grad(), modules=[conv]), ([("float32", 2048)], 2048))

    def test_bias_only_conv_saves_its_input(self):
        conv = self.conv(False, True)
        # g(b) = sum of g(y) needs no x, but x is kept: 2,048 B.
        self.assertEqual(saved(conv, x_needing_grad(), modules=[conv]), ([("float32", 2048)], 2048))

    def test_depthwise_conv_saves_its_input(self):
        conv = nn.Conv2d(4, 4, 3, padding=1, groups=4, bias=False)
        conv.weight.requires_grad_(False)
        self.assertEqual(saved(conv, x_needing_grad(), modules=[conv]), ([("float32", 2048)], 2048))

    def test_first_layer_skips_the_input_gradient(self):
        """The network input needs no gradient: convolution_backward's output_mask is [False, True, True]
        (no g(x) computed) and the input batch itself is what is saved."""
        conv = self.conv(True, True)
        x = torch.randn(2, 4, 8, 8)  # requires_grad False: the input batch
        masks = []

        class Spy(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                if func is torch.ops.aten.convolution_backward.default:
                    masks.append(list(args[-1]))
                return func(*args, **(kwargs or {}))

        with Spy():
            conv(x).sum().backward()
        self.assertEqual(masks, [[False, True, True]])
        model_pointers = {conv.weight.untyped_storage().data_ptr(), conv.bias.untyped_storage().data_ptr()}
        recorder = SavedTensorRecorder(LiveStorageTracker(set()), model_pointers, {x.untyped_storage().data_ptr()})
        with torch.autograd.graph.saved_tensors_hooks(recorder.pack, recorder.unpack):
            out = conv(x)
        self.assertEqual(recorder.total("input"), 2048)  # the batch, 2,048 B
        self.assertEqual(recorder.total("activation"), 0)
        del out

    def test_conv_on_a_frozen_prefix_saves_nothing(self):
        """No input needs grad and no parameter does: no graph, nothing saved."""
        conv = self.conv(False, False)
        self.assertEqual(saved(conv, torch.randn(2, 4, 8, 8), modules=[conv]), ([], 0))

    def test_conv1d_saves_its_input(self):
        conv = nn.Conv1d(4, 8, 3, padding=1)
        x = x_needing_grad(2, 4, 16)  # 128 elements = 512 B
        self.assertEqual(saved(conv, x, modules=[conv]), ([("float32", 512)], 512))


class LinearRules(unittest.TestCase):
    def linear(self, weight_grad, bias_grad):
        linear = nn.Linear(16, 8)
        linear.weight.requires_grad_(weight_grad)
        linear.bias.requires_grad_(bias_grad)
        return linear

    def test_trainable_linear_saves_its_input(self):
        linear = self.linear(True, True)
        # addmm keeps mat1 = x [2, 16] = 128 B (and mat2 = weight.t(), a view of the parameter: 0).
        self.assertEqual(saved(linear, x_needing_grad(2, 16), modules=[linear]), ([("float32", 128)], 128))

    def test_frozen_linear_saves_no_input(self):
        linear = self.linear(False, False)
        # g(x) = g(y) W needs only W: x is not kept.
        self.assertEqual(saved(linear, x_needing_grad(2, 16), modules=[linear]), ([], 0))

    def test_bias_only_linear_saves_no_input(self):
        linear = self.linear(False, True)
        self.assertEqual(saved(linear, x_needing_grad(2, 16), modules=[linear]), ([], 0))

    def test_head_on_frozen_features_saves_its_input(self):
        linear = self.linear(True, True)
        x = torch.randn(2, 16)  # features of a frozen backbone: no grad
        self.assertEqual(saved(linear, x, modules=[linear]), ([("float32", 128)], 128))

    def test_linear_on_tokens_saves_its_input(self):
        """On [N, tokens, D] a linear is a matmul over a reshaped view: x [2, 5, 16] = 640 B kept when W trains,
        nothing when W is frozen."""
        linear = self.linear(True, True)
        self.assertEqual(saved(linear, x_needing_grad(2, 5, 16), modules=[linear])[1], 640)
        frozen = self.linear(False, False)
        self.assertEqual(saved(frozen, x_needing_grad(2, 5, 16), modules=[frozen])[1], 0)


class NormalizationRules(unittest.TestCase):
    def test_batch_norm_train_saves_input_mean_invstd(self):
        bn = nn.BatchNorm2d(4).train()
        # input 2,048 B + save_mean [C=4] 16 B + save_invstd [4] 16 B = 2,080 B.
        self.assertEqual(saved(bn, x_needing_grad(), modules=[bn]),
                         ([("float32", 16), ("float32", 16), ("float32", 2048)], 2080))

    def test_batch_norm_with_frozen_gamma_and_beta_saves_the_same(self):
        bn = nn.BatchNorm2d(4).train()
        bn.weight.requires_grad_(False)
        bn.bias.requires_grad_(False)
        # Only g(x) is needed; it needs x, mean and invstd all the same: 2,080 B.
        self.assertEqual(saved(bn, x_needing_grad(), modules=[bn])[1], 2080)

    def test_batch_norm_bias_only_on_frozen_input_still_saves_input(self):
        """The first BN of a bias-only update: its input needs no grad and gamma is frozen, only beta trains.
        g(beta) = sum g(y) needs nothing, yet NativeBatchNormBackward0 keeps x, mean and invstd: 2,080 B."""
        bn = nn.BatchNorm2d(4).train()
        bn.weight.requires_grad_(False)
        self.assertEqual(saved(bn, torch.randn(2, 4, 8, 8), modules=[bn])[1], 2080)

    def test_group_norm_saves_input_mean_rstd(self):
        gn = nn.GroupNorm(2, 4)
        # input 2,048 B + mean [N*G = 4] 16 B + rstd [4] 16 B = 2,080 B.
        self.assertEqual(saved(gn, x_needing_grad(), modules=[gn]),
                         ([("float32", 16), ("float32", 16), ("float32", 2048)], 2080))

    def test_layer_norm_saves_input_mean_rstd(self):
        ln = nn.LayerNorm(16)
        # input [2, 5, 16] 640 B + mean [2, 5, 1] 40 B + rstd 40 B = 720 B.
        self.assertEqual(saved(ln, x_needing_grad(2, 5, 16), modules=[ln]),
                         ([("float32", 40), ("float32", 40), ("float32", 640)], 720))


class ActivationRules(unittest.TestCase):
    def check(self, module, expected, shape=(2, 4, 8, 8)):
        self.assertEqual(saved(module, x_needing_grad(*shape), modules=[module]), expected)

    def test_relu_saves_its_float_output(self):
        self.check(nn.ReLU(), ([("float32", 2048)], 2048))

    def test_relu6_saves_its_float_input(self):
        self.check(nn.ReLU6(), ([("float32", 2048)], 2048))  # hardtanh keeps self

    def test_leaky_relu_saves_its_float_input(self):
        self.check(nn.LeakyReLU(0.1), ([("float32", 2048)], 2048))

    def test_sigmoid_and_tanh_save_their_output(self):
        self.check(nn.Sigmoid(), ([("float32", 2048)], 2048))
        self.check(nn.Tanh(), ([("float32", 2048)], 2048))

    def test_hard_sigmoid_hard_swish_silu_gelu_save_their_input(self):
        for module in (nn.Hardsigmoid(), nn.Hardswish(), nn.SiLU(), nn.GELU(), nn.GELU(approximate="tanh")):
            with self.subTest(module=module):
                self.check(module, ([("float32", 2048)], 2048))

    def test_softmax_saves_its_output(self):
        self.check(nn.Softmax(dim=-1), ([("float32", 2048)], 2048))

    def test_dropout_on_cpu_saves_a_float_mask(self):
        """On CPU, nn.Dropout in train mode is x * (bernoulli mask / (1 - p)) (MulBackward0; the fused
        native_dropout with a bool mask is used on CUDA only): the float32 mask is kept, 512 x 4 B = 2,048 B."""
        torch.manual_seed(0)
        self.check(nn.Dropout(0.5).train(), ([("float32", 2048)], 2048))
        y = nn.Dropout(0.5).train()(x_needing_grad())
        self.assertEqual(y.grad_fn.name(), "MulBackward0")

    def test_in_place_relu_saves_the_same_bytes(self):
        """ReLU(inplace=True) after a batch norm: BN keeps its input (2,080 B with statistics) and relu_ keeps its
        result, which is now the BN output's storage (2,048 B): 4,128 B, as with inplace=False."""
        for inplace in (False, True):
            with self.subTest(inplace=inplace):
                bn = nn.BatchNorm2d(4).train()
                chain = nn.Sequential(bn, nn.ReLU(inplace=inplace))
                self.assertEqual(saved(chain, x_needing_grad(), modules=[chain])[1], 4128)

    def test_in_place_relu6_and_hardswish_save_the_same_bytes(self):
        """ReLU6(inplace=True) (hardtanh_) and Hardswish(inplace=True) keep one float tensor of the activation's size
        (2,048 B) after a BN (2,080 B): 4,128 B either way."""
        for activation in (nn.ReLU6(inplace=True), nn.Hardswish(inplace=True), nn.SiLU(inplace=True)):
            with self.subTest(activation=activation):
                chain = nn.Sequential(nn.BatchNorm2d(4).train(), activation)
                self.assertEqual(saved(chain, x_needing_grad(), modules=[chain])[1], 4128)


class PoolingAndLayoutRules(unittest.TestCase):
    def test_max_pool_saves_input_and_int64_indices(self):
        # input 2,048 B + indices of the [2, 4, 4, 4] output: 128 x 8 B (int64) = 1,024 B.
        self.assertEqual(saved(nn.MaxPool2d(2), x_needing_grad()), ([("float32", 2048), ("int64", 1024)], 3072))

    def test_avg_pool_saves_its_input(self):
        # avg_pool2d_backward takes self: the float input is kept, 2,048 B (the output's 512 B are not).
        self.assertEqual(saved(nn.AvgPool2d(2), x_needing_grad()), ([("float32", 2048)], 2048))

    def test_global_average_pool_saves_nothing(self):
        # AdaptiveAvgPool2d(1) (torchvision's head) becomes a mean over H, W: MeanBackward1 keeps only sizes.
        self.assertEqual(saved(nn.AdaptiveAvgPool2d(1), x_needing_grad()), ([], 0))

    def test_mean_saves_nothing(self):
        self.assertEqual(saved(lambda t: t.mean(dim=(2, 3), keepdim=True), x_needing_grad()), ([], 0))

    def test_views_save_nothing(self):
        for name, function in [("flatten", lambda t: torch.flatten(t, 1)), ("view", lambda t: t.view(2, -1)),
                               ("reshape", lambda t: t.reshape(2, 4, 64)), ("permute", lambda t: t.permute(0, 2, 3, 1)),
                               ("slice", lambda t: t[:, :2]), ("select", lambda t: t.select(1, 0)),
                               ("reshape of a permute (copies)", lambda t: t.permute(0, 2, 3, 1).reshape(2, -1)),
                               ("channel shuffle", lambda t: t.view(2, 2, 2, 8, 8).transpose(1, 2).contiguous().view(2, 4, 8, 8)),
                               ("scale", lambda t: t * 0.125)]:
            with self.subTest(op=name):
                self.assertEqual(saved(function, x_needing_grad()), ([], 0))

    def test_add_and_cat_save_nothing(self):
        self.assertEqual(saved(lambda a, b: a + b, x_needing_grad(), x_needing_grad()), ([], 0))
        self.assertEqual(saved(lambda a, b: torch.cat([a, b], 1), x_needing_grad(), x_needing_grad()), ([], 0))


class ProductRules(unittest.TestCase):
    def test_mul_saves_each_operand_the_other_needs(self):
        # both need grad: a and b, 2 x 2,048 B.
        self.assertEqual(saved(lambda a, b: a * b, x_needing_grad(), x_needing_grad())[1], 4096)
        # only a needs grad: g(a) = g * b keeps b (2,048 B); a is not kept.
        self.assertEqual(saved(lambda a, b: a * b, x_needing_grad(), torch.randn(2, 4, 8, 8))[1], 2048)

    def test_squeeze_excite_mul_keeps_both(self):
        # x [2,4,8,8] 2,048 B times gate [2,4,1,1] 32 B: both need grad -> 2,080 B.
        self.assertEqual(saved(lambda a, b: a * b, x_needing_grad(), x_needing_grad(2, 4, 1, 1))[1], 2080)

    def test_matmul_saves_both_operands(self):
        # [2,3,5,8] x [2,3,8,5]: 240 + 240 floats = 960 + 960 B; bmm over the head axes keeps both (views).
        a, b = x_needing_grad(2, 3, 5, 8), x_needing_grad(2, 3, 8, 5)
        self.assertEqual(saved(torch.matmul, a, b)[1], 1920)

    def test_matmul_with_one_operand_frozen_keeps_the_other(self):
        a, b = x_needing_grad(2, 3, 5, 8), torch.randn(2, 3, 8, 5)
        self.assertEqual(saved(torch.matmul, a, b)[1], 960)  # g(a) = g b^T keeps b only


class LossRules(unittest.TestCase):
    def test_cross_entropy_saves_log_softmax_output(self):
        logits = x_needing_grad(2, 10)
        target = torch.tensor([1, 3])
        # log_softmax keeps its output [2, 10] = 80 B; nll_loss keeps the target (16 B, int64) and total_weight
        # (a 0-dim float, 4 B).
        items, total = saved(lambda t: F.cross_entropy(t, target), logits)
        self.assertEqual(items, [("float32", 4), ("float32", 80), ("int64", 16)])


class LiveMemoryRules(unittest.TestCase):
    def test_conv_backward_holds_x_gy_gx_gw_at_once(self):
        """Live storages after convolution_backward returns, batch 2, conv 4 -> 8, 3x3, pad 1, on 8x8:
        x (saved) 2,048 + gy (held by the caller) 4,096 + g(y) = gy * 1 from the mul 4,096
        + g(x) 2,048 + g(w) 8*4*9*4 = 1,152 + g(b) 32 + the leaf's input to x (a) 2,048, whose grad is not yet made
        + the loss 4 + its incoming gradient 4 = 15,528 B."""
        conv = nn.Conv2d(4, 8, 3, padding=1)
        parameters = list(conv.parameters())
        excluded = {p.untyped_storage().data_ptr() for p in parameters}
        tracker = LiveStorageTracker(excluded)
        tracker.parameters = parameters
        with tracker:
            a = torch.randn(2, 4, 8, 8, requires_grad=True)  # 2,048 B (a leaf created inside: tracked)
            x = a * 1.0  # 2,048 B
            gy = torch.randn(2, 8, 8, 8)  # 4,096 B
            loss = (conv(x) * gy).sum()  # mul keeps gy (already live); the conv output is freed
            tracker.phase = "backward"
            loss.backward()
        self.assertEqual(tracker.phase_peak_ops["backward"], "aten.convolution_backward.default")
        # a 2,048 + x 2,048 + gy 4,096 + g(y) 4,096 + g(x) 2,048 + g(w) 1,152 + g(b) 32 + loss 4 + its grad 4
        self.assertEqual(tracker.phase_peaks["backward"], 2048 + 2048 + 4096 + 4096 + 2048 + 1152 + 32 + 4 + 4)
        del a, x, gy, loss

    def test_grads_live_from_backward_until_zero_grad(self):
        linear = nn.Linear(16, 8)  # weight 128 floats + bias 8 = 544 B of .grad
        optimizer = torch.optim.SGD(linear.parameters(), lr=0.1)
        tracker = LiveStorageTracker({p.untyped_storage().data_ptr() for p in linear.parameters()})
        tracker.parameters = list(linear.parameters())
        x = torch.randn(4, 16)
        with tracker:
            loss = linear(x).square().sum()
            loss.backward()
            after_backward = tracker.breakdown("after backward", None)
            optimizer.step()
            after_step = tracker.breakdown("after step", None)
            optimizer.zero_grad(set_to_none=True)
            after_zero = tracker.breakdown("after zero_grad", None)
        self.assertEqual(after_backward["grad_bytes"], 544)
        self.assertEqual(after_step["grad_bytes"], 544)  # SGD steps in place; no optimizer state
        self.assertEqual(after_zero["grad_bytes"], 0)
        del loss

    def test_workspaces_are_not_tensors(self):
        """The im2col columns of the slow (non-oneDNN) conv are allocated and freed inside the op: the dispatch
        mode never sees them, the CPU allocator does. Columns for conv 4 -> 8, 3x3 on [1, 4, 8, 8]:
        4 * 9 * 64 floats = 9,216 B."""
        from torch.profiler import ProfilerActivity, profile
        conv = nn.Conv2d(4, 8, 3, padding=1)
        conv.requires_grad_(False)
        x = torch.randn(1, 4, 8, 8)
        tracker = LiveStorageTracker({x.untyped_storage().data_ptr()} | {p.untyped_storage().data_ptr() for p in conv.parameters()})
        with torch.backends.mkldnn.flags(enabled=False), torch.no_grad():
            with tracker:
                y = conv(x)
            self.assertEqual(tracker.peak_bytes, 2048)  # only the output [1, 8, 8, 8]
            del y
            with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
                y = conv(x)
        sizes = [e.cpu_memory_usage for e in prof.events() if e.cpu_memory_usage > 0]
        self.assertIn(9216, [abs(e.cpu_memory_usage) for e in prof.events()] + sizes)


class BuilderAgainstTorchvision(unittest.TestCase):
    """The builder reproduces torchvision's own networks: same parameter count, same saved bytes."""

    def compare(self, file, torchvision_model, resolution):
        spec = load_architecture(os.path.join(ROOT, "architectures", file))
        spec.input_shape = [3, resolution, resolution]
        ours = build_model(spec).train()
        theirs = torchvision_model.train()
        self.assertEqual(sum(p.numel() for p in ours.parameters()), sum(p.numel() for p in theirs.parameters()))
        figures = []
        for model in (ours, theirs):
            parameters = list(model.parameters())
            x = torch.randn(1, 3, resolution, resolution)
            result, _ = measure_step(model, x, torch.tensor([3]), nn.CrossEntropyLoss(), parameters)
            figures.append(result["saved_activation_bytes"])
        return figures

    def test_resnet18(self):
        import torchvision
        ours, theirs = self.compare("resnet18.json", torchvision.models.resnet18(), 64)
        self.assertEqual(ours, theirs)

    def test_mobilenet_v2(self):
        import torchvision
        theirs = torchvision.models.mobilenet_v2()
        # torchvision's classifier starts with Dropout(0.2), which our file does not have (on CPU it would keep a
        # float mask of 1,280 x 4 = 5,120 B): compare without it.
        theirs.classifier[0] = nn.Identity()
        ours, theirs = self.compare("mobilenetv2.json", theirs, 64)
        self.assertEqual(ours, theirs)


class UpdateModes(unittest.TestCase):
    def test_bias_mode_updates_every_bias_and_no_gamma(self):
        spec = load_architecture(os.path.join(ROOT, "architectures", "resnet18.json"))
        model = build_model(spec)
        updated = configure_updates(model, "bias")
        # 20 batch norms' beta (64*5 + 128*5 + 256*5 + 512*5 = 4,800) + fc bias 1,000 = 5,800 elements, 21 tensors.
        self.assertEqual(len(updated), 21)
        self.assertEqual(sum(p.numel() for _, p in updated), 5800)

    def test_plan_with_a_channel_ratio_is_refused(self):
        from measure_pytorch_memory import PlanError
        spec = load_architecture(os.path.join(ROOT, "architectures", "4conv.json"))
        model = build_model(spec)
        plan = {"steps": [{"updates": [{"layer": "block4.conv", "input_ratio": "1/2"}]}]}
        with self.assertRaises(PlanError):
            configure_updates(model, "plan", plan, 1)


if __name__ == "__main__":
    unittest.main()


class RulesReproduceTheMeasurement(unittest.TestCase):
    """pytorch_saved_rules (the hand-count rules) against the instrumented step, layer by layer."""

    def check(self, path):
        from measure_pytorch_memory import measure
        for mode in ("full", "last", "bias"):
            for batch in (1, 3):
                with self.subTest(path=os.path.basename(path), mode=mode, batch=batch):
                    result, _ = measure(path, mode, batch)
                    self.assertEqual(result["rules_mismatched_layers"], {})
                    self.assertEqual(result["rules_saved_activation_bytes"], result["saved_activation_bytes"])
                    self.assertEqual(result["rules_saved_input_bytes"], result["saved_input_bytes"])

    def test_small_networks(self):
        paths = [os.path.join(ROOT, "architectures", f) for f in ("4conv-small.json", "mlp-sinusoid.json")]
        # The issue-11 networks, where present (they may live in another branch until merged).
        for folder in (os.path.join(ROOT, "architectures"), "/work/wt-archs/architectures"):
            for name in ("vit-tiny-small.json", "mobilenetv3-small-32.json", "ds-cnn.json"):
                candidate = os.path.join(folder, name)
                if os.path.exists(candidate) and all(os.path.basename(p) != name for p in paths):
                    paths.append(candidate)
        for path in paths:
            self.check(path)
