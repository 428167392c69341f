"""Tests of saddlescope_runs.py (unittest; Debian's python3-numpy, python3-pandas and python3-matplotlib).

    /usr/bin/python3 python/test_saddlescope_runs.py            # the loader on files written here
    SADDLESCOPE_RUN=DIR SADDLESCOPE_EXPECTED=FILE.json ...       # and on a real run, against what Java read of it

The second form is what PythonLoaderTest (JUnit) runs in CI: a run trained by saddlescope, and a JSON file of what
the Java code read from the same files (column sums, the last row bit for bit, weight shapes and norms, provenance).
With SADDLESCOPE_REQUIRE_PANDAS set, a missing pandas or matplotlib is a failure, not a skip.
"""
import json
import math
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import saddlescope_runs as sr  # noqa: E402

REQUIRE = bool(os.environ.get("SADDLESCOPE_REQUIRE_PANDAS"))


def have(module):
    try:
        __import__(module)
        return True
    except ImportError:
        if REQUIRE:
            raise
        return False


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


CONFIG = """dataset: "relu-modes:s=4/2/1,d=10,n=64,out=5"
subset: 0
hidden:
- 16
- 8
small_layers: []
init_file: null
lr: 0.2
lr_power: 2.0
dtype: float64
report_every: 300.0
nested:
  a: 1
  b:
  - x
  - 'y z'
"""


class FilesWrittenHere(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.run = os.path.join(self.dir, "runs", "r1")
        write(os.path.join(self.run, "config.yaml"), CONFIG)
        write(os.path.join(self.run, "manifest.json"), json.dumps({"command": "train", "widths": [10, 16, 8, 5], "stop": "budget",
                                                                  "end": "2026-01-01T00:00:00Z"}))
        # blank cells at the start, middle and end of rows; a row still being written at the end
        write(os.path.join(self.run, "metrics.csv"), "step,loss,norm,train_loss\n0,,1.5,\n10,2.5,,3\n20,0.1,1e-300,\n30,0.")
        write(os.path.join(self.run, "plateaus.csv"), "plateau,start_step,layer_ranks\n0,1,5;5;5\n1,74,\"5,1\"\n")
        write(os.path.join(self.run, "spectra.csv"), "step,layer,index,singular_value\n"
              + "".join("%d,%d,%d,%r\n" % (s, l, i, 1.0 / (i + l) + s) for s in (0, 7) for l in (1, 2) for i in (1, 2, 3)))
        write(os.path.join(self.dir, "runs", ".staging-x", "manifest.json"), "{}")
        write(os.path.join(self.run, "checkpoints", "manifest.json"), "{}")
        write(os.path.join(self.dir, "runs", "sweep", "sweep.yaml"), "kind: train\n")
        write(os.path.join(self.dir, "runs", "sweep", "p1", "config.yaml"), "seed: 3\n")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_numbers_blanks_and_the_unfinished_row(self):
        m = sr.load_run(self.run).metrics
        self.assertEqual(m.columns, ["step", "loss", "norm", "train_loss"])
        self.assertEqual(len(m), 3, "the half-written row is left out")
        np.testing.assert_array_equal(m["step"], [0, 10, 20])
        self.assertTrue(math.isnan(m["loss"][0]) and math.isnan(m["norm"][1]) and math.isnan(m["train_loss"][2]))
        self.assertEqual(m["norm"][2], 1e-300, "read back exactly")

    def test_text_columns_and_quotes(self):
        p = sr.load_run(self.run).plateaus
        self.assertEqual(list(p["layer_ranks"]), ["5;5;5", "5,1"])
        np.testing.assert_array_equal(p["start_step"], [1, 74])

    def test_config_without_pyyaml_reads_the_same(self):
        text = open(os.path.join(self.run, "config.yaml"), encoding="utf-8").read()
        small = sr._small_yaml(text)
        self.assertEqual(small["hidden"], [16, 8])
        self.assertEqual(small["dataset"], "relu-modes:s=4/2/1,d=10,n=64,out=5")
        self.assertEqual(small["nested"], {"a": 1, "b": ["x", "y z"]})
        self.assertIsNone(small["init_file"])
        self.assertEqual(small["small_layers"], [])
        if have("yaml"):
            import yaml
            self.assertEqual(small, yaml.safe_load(text))

    def test_singular_values_by_layer(self):
        steps, v = sr.load_run(self.run).singular_values(2)
        np.testing.assert_array_equal(steps, [0, 7])
        self.assertEqual(v.shape, (2, 3))
        self.assertEqual(v[1, 2], 1.0 / (3 + 2) + 7)
        np.testing.assert_array_equal(sr.load_run(self.run).singular_values(1, at=0), [1 / 2, 1 / 3, 1 / 4])

    def test_runs_under_a_folder(self):
        runs = sr.load_runs(os.path.join(self.dir, "runs"))
        names = sorted(os.path.relpath(r.path, runs.root) for r in runs)
        self.assertEqual(names, ["r1", os.path.join("sweep", "p1")], "hidden and checkpoints/ skipped, the sweep's point found")
        s = runs.summary()
        self.assertEqual(len(s), 2)

    def test_describe(self):
        self.assertIn("W_3", sr.describe("w_norm_3"))
        self.assertIn("||W_2||^2 - ||W_3||^2", sr.describe("imbalance_drift_2"))
        self.assertIn("configured learning rate", sr.describe("nominal_step"))
        with self.assertRaises(KeyError):
            sr.describe("no_such_column")

    def test_pandas_gives_the_same_numbers(self):
        if not have("pandas"):
            self.skipTest("pandas not installed")
        a, b = sr.load_run(self.run).metrics, sr.load_run(self.run, pandas=True).metrics
        self.assertEqual(list(b.columns), a.columns)
        for c in a.columns:
            np.testing.assert_array_equal(b[c].to_numpy(), a[c])

    def test_not_a_run(self):
        with self.assertRaises(ValueError):
            sr.load_run(self.dir)
        with self.assertRaises(FileNotFoundError):
            sr.load_run(os.path.join(self.dir, "nothing"))


@unittest.skipUnless(os.environ.get("SADDLESCOPE_RUN"), "no SADDLESCOPE_RUN given")
class ARealRun(unittest.TestCase):
    """A run trained by saddlescope, against what the Java code read of the same files (SADDLESCOPE_EXPECTED)."""

    @classmethod
    def setUpClass(cls):
        cls.loaded = sr.load_run(os.environ["SADDLESCOPE_RUN"])
        with open(os.environ["SADDLESCOPE_EXPECTED"], encoding="utf-8") as f:
            cls.expected = json.load(f)

    def test_metrics(self):
        m, e = self.loaded.metrics, self.expected["metrics"]
        self.assertEqual(m.columns, e["columns"])
        self.assertEqual(len(m), e["rows"])
        for c, last in zip(e["columns"], e["last_row"]):
            got = m[c][-1]
            self.assertTrue((last is None and math.isnan(got)) or got == last, "%s: %r != %r" % (c, got, last))
        for c, total in e["sums"].items():
            # Java summed the finite values one by one in row order; Python's sum() does the same: the same bits
            self.assertEqual(sum(float(x) for x in m[c] if not math.isnan(x)), total, c)

    def test_spectra_and_saddles(self):
        e = self.expected
        steps, v = self.loaded.singular_values(e["spectra"]["layer"])
        self.assertEqual(len(steps), e["spectra"]["snapshots"])
        self.assertEqual(list(v[-1]), e["spectra"]["last"])
        self.assertEqual(len(self.loaded.escapes) if self.loaded.escapes is not None else 0, e["escapes"])
        self.assertEqual(self.loaded.saddles["escapes"], e["escapes"])

    def test_weights_and_provenance(self):
        for name, w in self.expected["weights"].items():
            got = self.loaded.weights[name]
            self.assertEqual(got.widths, w["widths"], name)
            self.assertEqual(got.provenance["seed"], w["seed"], name)
            self.assertAlmostEqual(got.norm(), w["norm"], delta=1e-12 * w["norm"],
                                   msg="%s: ||theta|| (sums in another order: 1e-12 relative)" % name)
        self.assertEqual(self.loaded.config["hidden"], self.expected["hidden"])
        self.assertEqual(self.loaded.depth, len(self.expected["hidden"]) + 1)

    def test_pandas_frames(self):
        if not have("pandas"):
            self.skipTest("pandas not installed")
        df = sr.load_run(self.loaded.path, pandas=True).metrics
        self.assertEqual(list(df.columns), self.expected["metrics"]["columns"])
        self.assertEqual(len(df), self.expected["metrics"]["rows"])
        np.testing.assert_array_equal(df["loss"].to_numpy(), self.loaded.metrics["loss"])
        s = sr.load_runs(os.path.dirname(self.loaded.path)).summary()
        self.assertIn(self.loaded.name, list(s["run"]))

    def test_figure1_example_draws(self):
        if not have("matplotlib"):
            self.skipTest("matplotlib not installed")
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "python"))
        import figure1
        out = os.path.join(tempfile.mkdtemp(), "figure1.png")
        figure1.figure1(self.loaded, out)
        with open(out, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
