"""Tests of python/pmeta_torch.py: plan files read strictly, the fused updates equal stock autograd's gradients on
the selected weights (and nothing else moves), the memory the helper holds matches hand counts, importance is
lr ||g||^2 of a hand-derived gradient. Run: python3 -m unittest discover python"""

import copy
import json
import os
import sys
import tempfile
import unittest
from fractions import Fraction

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pmeta_torch as pt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def plan_document(updates, steps=1):
    return {"format": 1, "kind": "update-plan", "steps": [{"updates": updates} for _ in range(steps)]}


class Residual(nn.Module):
    """Every operator the helper rewrites: dense, depthwise and grouped convs, batch norm, ReLU, ReLU6, max and
    average pooling, a residual add and a linear head."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(3, 2, 1)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.bn2 = nn.BatchNorm2d(8)
        self.relu6 = nn.ReLU6()
        self.grouped = nn.Conv2d(8, 8, 1, groups=2)
        self.bn3 = nn.BatchNorm2d(8)
        self.avg = nn.AvgPool2d(2)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))
        y = self.relu6(self.bn2(self.dw(x)))
        y = self.bn3(self.grouped(y))
        x = self.relu(x + y)
        return self.fc(torch.flatten(self.avg(x), 1))


def seeded(model_class, seed=0):
    torch.manual_seed(seed)
    model = model_class()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    return model


class PlanReadingTests(unittest.TestCase):
    def test_a_plan_pmeta_plan_wrote_reads(self):
        # python/plans/resnet18-pmeta.json: written by pmeta-plan --budget ... -o (see reports/pytorch-plans/).
        plan = pt.load_plan(os.path.join(HERE, "plans", "resnet18-pmeta.json"))
        self.assertEqual(plan.architecture, "ResNet-18")
        self.assertEqual(plan.profile, "torch-helper")
        self.assertGreater(plan.predicted_peak_bytes, 0)
        first = plan.steps[0][0]
        self.assertTrue(first.parameter_names and first.parameter_names[0].endswith(".weight"))
        self.assertTrue(any(u.input_ratio < 1 for u in plan.steps[0]))

    def test_old_plan_files_read(self):
        plan = pt.load_plan(os.path.join(HERE, "plans", "4conv-last-blocks.json"))
        self.assertTrue(all(u.channel_selection == "first" and u.parameter_names == [] for u in plan.steps[0]))

    def test_unknown_members_and_bad_values_are_errors_naming_the_place(self):
        cases = [
            ({"format": 1, "step": [], "steps": [{"updates": []}]}, "step: unknown member"),
            (plan_document([{"layer": "fc", "ratio": "1/2"}]), "steps[0].updates[0].ratio: unknown member"),
            (plan_document([{"layer": "fc", "input_ratio": "3/2"}]), "steps[0].updates[0].input_ratio: expected a fraction from 0 to 1"),
            (plan_document([{"layer": "fc", "channel_selection": "largest"}]), "channel_selection: expected \"first\" or \"magnitude\""),
            (plan_document([{"layer": "fc", "parameters": "weights"}]), "parameters: expected \"all\" or \"bias\""),
            ({"format": 1, "steps": [{"inner_step": 2, "updates": []}]}, "steps[0].inner_step: expected 1"),
            ({"format": 2, "steps": [{"updates": []}]}, "format: expected 1"),
        ]
        for document, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(pt.PlanError) as caught:
                    pt.load_plan(document)
                self.assertIn(message, str(caught.exception))

    def test_kept_channels_round_up_as_pmeta_plan_counts_them(self):
        # ceil(1/8 x 3) = 1, ceil(3/4 x 10) = 8, ceil(1/2 x 64) = 32.
        self.assertEqual(pt.selected_count(Fraction(1, 8), 3), 1)
        self.assertEqual(pt.selected_count(Fraction(3, 4), 10), 8)
        self.assertEqual(pt.selected_count(Fraction(1, 2), 64), 32)

    def test_a_layer_the_model_lacks_is_an_error(self):
        with self.assertRaises(pt.PlanError) as caught:
            pt.apply(seeded(Residual), plan_document([{"layer": "head"}]))
        self.assertIn("'head' is not a layer with parameters of this model", str(caught.exception))
        with self.assertRaises(pt.PlanError) as caught:
            pt.apply(seeded(Residual), plan_document([{"layer": "conv1", "parameters": "bias"}]))
        self.assertIn("'conv1' has no bias in this model", str(caught.exception))
        with self.assertRaises(pt.PlanError) as caught:
            pt.apply(seeded(Residual), plan_document([{"layer": "fc", "parameter_names": ["head.weight"]}]))
        self.assertIn("'head.weight' is not a parameter of 'fc'", str(caught.exception))


class FusedUpdateTests(unittest.TestCase):
    """One inner step of the helper against stock autograd on a copy: every updated weight moves by -lr g on the
    selected slice exactly, and nothing else moves."""

    lr = 0.1

    def run_plan(self, updates, batch=2):
        model = seeded(Residual)
        reference = copy.deepcopy(model)
        generator = torch.Generator().manual_seed(3)
        x = torch.randn(batch, 3, 8, 8, generator=generator)
        y = torch.randint(0, 5, (batch,), generator=generator)
        before = {n: p.detach().clone() for n, p in model.named_parameters()}
        adapted = pt.apply(model, plan_document(updates), lr=self.lr)
        selections = {name: (layer.input_index, layer.output_index) for name, layer in adapted.layers.items()
                      if isinstance(layer, pt.PlanWeightLayer)}
        adapted.inner_step(x, y)
        reference.train()
        loss = F.cross_entropy(reference(x), y)
        gradients = dict(zip([n for n, _ in reference.named_parameters()],
                             torch.autograd.grad(loss, list(reference.parameters()))))
        return model, reference, before, gradients, selections

    def expected(self, name, before, gradient, update, selection, module):
        expected = before.clone()
        if update is None:
            return expected
        local = name.rsplit(".", 1)[-1]
        if local == "bias":
            return expected - self.lr * gradient
        if update.get("parameters") == "bias":
            return expected
        if expected.dim() == 1:  # a normalization's gamma
            return expected - self.lr * gradient
        inputs, outputs = selection if selection else (None, None)
        mask = torch.zeros_like(expected, dtype=torch.bool)
        rows = torch.arange(expected.shape[0]) if outputs is None else outputs
        if isinstance(module, nn.Conv2d) and module.groups > 1:
            per_group = module.weight.shape[1]
            out_per_group = module.out_channels // module.groups
            chosen = torch.arange(module.in_channels) if inputs is None else inputs
            for channel in chosen.tolist():
                group, local_channel = divmod(channel, per_group)
                mask[group * out_per_group:(group + 1) * out_per_group, local_channel] = True
        else:
            columns = torch.arange(expected.shape[1]) if inputs is None else inputs
            for row in rows.tolist():
                mask[row, columns] = True
        return torch.where(mask, expected - self.lr * gradient, expected)

    def check(self, updates):
        model, reference, before, gradients, selections = self.run_plan(updates)
        by_layer = {u["layer"]: u for u in updates}
        for name, parameter in model.named_parameters():
            layer = name.rsplit(".", 1)[0]
            module = model.get_submodule(layer)
            expected = self.expected(name, before[name], gradients[name], by_layer.get(layer), selections.get(layer), module)
            with self.subTest(parameter=name):
                torch.testing.assert_close(parameter.detach(), expected, rtol=1e-5, atol=1e-6)
        # Batch-norm statistics follow nn.BatchNorm2d's train-mode update.
        for name, buffer in model.named_buffers():
            with self.subTest(buffer=name):
                torch.testing.assert_close(buffer, dict(reference.named_buffers())[name], rtol=1e-5, atol=1e-6)

    def test_partial_channels_first_and_magnitude(self):
        self.check([
            {"layer": "conv1", "input_ratio": "2/3", "channel_selection": "magnitude"},
            {"layer": "bn1"},
            {"layer": "dw", "input_ratio": "1/2", "channel_selection": "first"},
            {"layer": "bn2", "parameters": "bias"},
            {"layer": "grouped", "input_ratio": "3/4", "channel_selection": "magnitude"},
            {"layer": "fc", "input_ratio": "1/4", "output_ratio": "3/5", "channel_selection": "magnitude"},
        ])

    def test_every_channel_and_bias_only(self):
        self.check([{"layer": "dw"}, {"layer": "grouped", "parameters": "bias"}, {"layer": "bn3"}, {"layer": "fc"}])

    def test_only_the_head(self):
        self.check([{"layer": "fc"}])

    def test_magnitude_keeps_the_input_channels_of_largest_weight_norm(self):
        model = seeded(Residual)
        with torch.no_grad():
            model.fc.weight.zero_()
            model.fc.weight[:, [3, 17, 30]] = torch.tensor([1.0, 3.0, 2.0])
        adapted = pt.apply(model, plan_document([{"layer": "fc", "input_ratio": "3/32", "channel_selection": "magnitude"}]))
        self.assertEqual(adapted.layers["fc"].input_index.tolist(), [3, 17, 30])

    def test_the_forward_pass_is_the_models(self):
        model = seeded(Residual)
        reference = copy.deepcopy(model).train()
        adapted = pt.apply(model, plan_document([{"layer": "dw", "input_ratio": "1/2"}]))
        x = torch.randn(2, 3, 8, 8)
        torch.testing.assert_close(adapted(x), reference(x))


class MemoryTests(unittest.TestCase):
    """Live tensor bytes of one step on small chains, against hand counts (float32 = 4 B)."""

    class Chain(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(4, 8, 3, padding=1, bias=False)
            self.bn = nn.BatchNorm2d(8)
            self.relu = nn.ReLU()
            self.b = nn.Conv2d(8, 8, 3, padding=1, bias=True)
            self.fc = nn.Linear(512, 2)

        def forward(self, x):
            return self.fc(torch.flatten(self.b(self.relu(self.bn(self.a(x)))), 1))

    def peak(self, updates):
        torch.manual_seed(0)
        model = self.Chain()
        x = torch.randn(1, 4, 8, 8)
        y = torch.tensor([1])
        return pt.measure(model, plan_document(updates), (x, y), quiet=True)["measured_peak_bytes"]

    def test_a_kept_fraction_of_channels_costs_exactly_its_bytes(self):
        # The peak is b's forward pass: its input (a's output, which batch norm and ReLU wrote over: 8 x 8 x 8 x 4 =
        # 2,048 B), its output (2,048 B) and the copy of the kept channels, 4 x 64 x 4 = 1,024 B at ratio 1/2, 512 B
        # at 1/4. (b's backward holds less: the copy, g(y) 2,048 B and g(w) 8 x 4 x 9 x 4 = 1,152 B.)
        self.assertEqual(self.peak([{"layer": "b", "input_ratio": "1/2"}]), 2048 + 2048 + 1024)
        self.assertEqual(self.peak([{"layer": "b", "input_ratio": "1/4"}]), 2048 + 2048 + 512)

    def test_bias_only_keeps_no_input(self):
        # Updating b's bias alone, b keeps nothing: the peak is b's forward pass, its input and its output, 2 x 2,048 B
        # (its backward holds g(y) 2,048 B and g(b) 32 B).
        self.assertEqual(self.peak([{"layer": "b", "parameters": "bias"}]), 2048 + 2048)

    def test_the_head_keeps_its_input_by_reference(self):
        # Updating the head only: it keeps b's output itself (2,048 B, no copy), and its backward holds g(W),
        # 2 x 512 x 4 = 4,096 B, beside it, with g(logits) (2 floats, 8 B), the loss and its seed gradient (4 B each).
        self.assertEqual(self.peak([{"layer": "fc"}]), 2048 + 4096 + 8 + 4 + 4)


    class Pooled(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(4, 8, 3, padding=1)
            self.pool = nn.MaxPool2d(2)
            self.fc = nn.Linear(128, 2)

        def forward(self, x):
            return self.fc(torch.flatten(self.pool(self.conv(x)), 1))

    def test_a_frozen_max_pool_never_holds_its_whole_int64_indices(self):
        # Head only, batch 2: the pool's forward holds the conv's output (2 x 8 x 64 x 4 = 4,096 B) and its own
        # (2 x 8 x 16 x 4 = 1,024 B). PyTorch's CPU max pool makes int64 indices even without a gradient (2 x 8 x 16
        # x 8 = 2,048 B at once); the helper pools a channel at a time, so only one channel's (256 B) exist.
        torch.manual_seed(0)
        model = self.Pooled()
        x, y = torch.randn(2, 4, 8, 8), torch.tensor([0, 1])
        peak = pt.measure(model, plan_document([{"layer": "fc"}]), (x, y), quiet=True)["measured_peak_bytes"]
        self.assertGreaterEqual(peak, 4096 + 1024)
        self.assertLess(peak, 4096 + 1024 + 2048)

    def test_batch_norm_backward_makes_no_copy_of_its_operands(self):
        # conv -> batch norm -> ReLU -> fc on a batch of 4, everything updated but the conv: batch norm's backward
        # reduces g(y) x-hat per channel one sample at a time (an einsum over the batch would copy both, 2 x 4,096 B,
        # beside x-hat and g(y): 16,384 B at batch norm, above the peak below).
        class Normed(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(4, 16, 3, padding=1, bias=False)
                self.bn = nn.BatchNorm2d(16)
                self.relu = nn.ReLU()
                self.fc = nn.Linear(256, 2)

            def forward(self, x):
                return self.fc(torch.flatten(self.relu(self.bn(self.conv(x))), 1))

        torch.manual_seed(0)
        x, y = torch.randn(4, 4, 4, 4), torch.tensor([0, 1, 0, 1])
        peak = pt.measure(Normed(), plan_document([{"layer": "bn"}, {"layer": "fc"}]), (x, y), quiet=True)["measured_peak_bytes"]
        # The peak is the head's backward: its input (4 x 256 x 4 = 4,096 B, kept by reference) beside g(W) (2 x 256 x 4
        # = 2,048 B) and g(b) (8 B), batch norm's x-hat (4,096 B) and the ReLU's bool mask (1,024 B), plus g(logits)
        # (32 B), the loss and its seed (4 B each) and batch norm's 1/std, one per channel (64 B).
        self.assertEqual(peak, 4096 + 2048 + 8 + 4096 + 1024 + 32 + 4 + 4 + 64)


class ImportanceTests(unittest.TestCase):
    def test_the_score_is_lr_times_the_squared_gradient_norm(self):
        # One linear layer y = W x + b under MSE: g(W) = 2/N (Wx + b - t) x^T (mean over N x outputs), summed squares.
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 2))
        x = torch.randn(4, 3)
        t = torch.randn(4, 2)
        with torch.no_grad():
            residual = model[0](x) - t
            grad_w = 2.0 / residual.numel() * residual.t() @ x
            grad_b = 2.0 / residual.numel() * residual.sum(0)
        expected = 0.05 * float(grad_w.pow(2).sum() + grad_b.pow(2).sum())
        scores = pt.importance(model, [(x, t)], steps=1, lr=0.05, loss_fn=F.mse_loss)
        self.assertAlmostEqual(scores["0"][0], expected, places=6)

    def test_the_file_is_an_importance_file_and_the_weights_are_restored(self):
        model = seeded(Residual)
        before = {k: v.clone() for k, v in model.state_dict().items()}
        batches = [(torch.randn(2, 3, 8, 8), torch.randint(0, 5, (2,))) for _ in range(2)]
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "importance.json")
            scores = pt.importance(model, batches, steps=2, path=path, architecture="Residual")
            with open(path) as handle:
                document = json.load(handle)
        self.assertEqual(document["kind"], "importance")
        self.assertEqual(document["inner_steps"], 2)
        self.assertEqual(set(document["step_sizes"]), {"conv1", "bn1", "dw", "bn2", "grouped", "bn3", "fc"})
        self.assertTrue(all(len(v) == 2 and all(s >= 0 for s in v) for v in document["step_sizes"].values()))
        self.assertEqual(scores["fc"], document["step_sizes"]["fc"])
        for key, value in model.state_dict().items():
            torch.testing.assert_close(value, before[key])


@unittest.skipUnless(__import__("importlib").util.find_spec("torchvision"), "needs torchvision")
class TorchvisionTests(unittest.TestCase):
    def test_module_paths_are_the_onnx_imports_layer_names(self):
        import torchvision
        layers = pt.trainable_layers(torchvision.models.resnet18())
        # Layer names `pmeta-plan convert Tests/PMetaPlanTests/Fixtures/ONNX/resnet18_training.onnx` prints.
        for name in ["conv1", "bn1", "layer1.0.conv1", "layer3.1.conv2", "layer3.1.bn2", "layer4.0.downsample.0",
                     "layer4.0.downsample.1", "fc"]:
            self.assertIn(name, layers)
        self.assertEqual(len(layers), 20 + 20 + 1)

    def test_a_torchvision_model_adapts(self):
        import torchvision
        torch.manual_seed(0)
        model = torchvision.models.resnet18(num_classes=4)
        x, y = torch.randn(2, 3, 32, 32), torch.tensor([0, 3])
        adapted = pt.apply(model, plan_document([{"layer": "layer4.1.conv2", "input_ratio": "1/8", "channel_selection": "magnitude"},
                                                 {"layer": "layer4.1.bn2"}, {"layer": "fc"}]), lr=0.05)
        before = model.fc.weight.detach().clone()
        losses = [float(adapted.inner_step(x, y)) for _ in range(3)]
        self.assertLess(losses[-1], losses[0])
        self.assertFalse(torch.equal(before, model.fc.weight.detach()))
        self.assertFalse(model.layer1[0].conv1.weight.requires_grad)


if __name__ == "__main__":
    unittest.main()
