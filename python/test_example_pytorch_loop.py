"""The end-to-end example (python/example_pytorch_loop.py) at small size: export, importance, plan, apply, measure.
Needs a built pmeta-plan (`swift build`; or PMETA_PLAN=/path/to/pmeta-plan) and torchvision; skipped otherwise."""

import importlib.util
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pmeta_plan_binary():
    candidates = [os.environ.get("PMETA_PLAN", "")] + [os.path.join(ROOT, ".build", kind, "pmeta-plan") for kind in ("release", "debug")]
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


@unittest.skipUnless(pmeta_plan_binary() and importlib.util.find_spec("torchvision") and importlib.util.find_spec("onnx"),
                     "needs a built pmeta-plan, torchvision and onnx")
class EndToEndTests(unittest.TestCase):
    def test_the_loop_at_small_size(self):
        import example_pytorch_loop as example
        lines = []
        with tempfile.TemporaryDirectory() as folder:
            figures = example.run(pmeta_plan_binary(), folder, size=32, per_class=10, epochs=1, steps=2,
                                  calibration_tasks=1, evaluation_tasks=2, log=lines.append)
            with open(os.path.join(folder, "importance.json")) as handle:
                importance = json.load(handle)
            with open(os.path.join(folder, "plan-measured.json")) as handle:
                plan = json.load(handle)
        # The importance file is keyed by the ONNX import's layer names (torchvision's module paths), and the planner
        # read it: the plan records the torch-helper profile and what it was made for.
        self.assertIn("layer4.1.conv2", importance["step_sizes"])
        self.assertEqual(importance["inner_steps"], 2)
        self.assertEqual(plan["profile"], "torch-helper")
        self.assertEqual(plan["workload"]["micro_batch"], 25)
        results = figures["results"]
        self.assertEqual(set(results), {"measured importance", "uniform importance", "update everything", "head only"})
        for name in ("measured importance", "uniform importance"):
            with self.subTest(plan=name):
                self.assertLessEqual(results[name]["predicted_peak_bytes"], figures["budget_bytes"])
                self.assertGreaterEqual(results[name]["ratio"], 0.95)
                self.assertLessEqual(results[name]["ratio"], 1.05)
        self.assertTrue(all(0 <= r["accuracy_after"][0] <= 1 for r in results.values()))
        self.assertTrue(any(line.startswith("| measured importance |") for line in lines))


if __name__ == "__main__":
    unittest.main()
