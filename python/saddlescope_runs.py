"""Load saddlescope run folders into NumPy arrays (and pandas DataFrames, when pandas is installed).

One file, NumPy only (pandas and PyYAML are used when present, never needed). Copy it next to your notebook::

    import saddlescope_runs as sr
    run = sr.load_run("runs/mnist-paper-d4")          # one run folder
    run.metrics["loss"]                                # a numpy array per column of metrics.csv
    steps, sigma = run.singular_values(layer=3)        # (n_snapshots,), (n_snapshots, k): top-k of W_3 over time
    w = run.weights["final"]                           # w.W[1] .. w.W[L] as numpy arrays, w.provenance a dict
    run.config["lr"], run.manifest["steps"]            # config.yaml and manifest.json as dicts
    sr.describe("lost_updates_2")                      # what a column means, in words

    runs = sr.load_runs("runs/my-sweep")               # every run folder under a folder (a sweep's points)
    runs.summary()                                      # one row per run: config fields and last values

With ``pandas=True`` (or ``sr.load_run(path, pandas=True)``) every table is a DataFrame instead of a
:class:`Table` of arrays. Tables that a run does not have are ``None``. Columns added by later versions (the
fast-forward's ``q``, ``nominal_step``, ``nominal_epoch``; ``hessian.csv``, ``staircase.csv``) load like any
other: every CSV file of the folder is in ``run.tables`` by its name.

Numbers are read back exactly (the files hold shortest round-trip decimals); blank cells are NaN.
"""

import csv
import io
import json
import os
import re

import numpy as np

__all__ = ["load_run", "load_runs", "Run", "Runs", "Table", "Weights", "COLUMNS", "describe", "is_run"]
__version__ = "1"

# ----------------------------------------------------------------------------------------------- column dictionary

#: What each column means. ``{l}`` stands for a layer number (1 = the first weight matrix W_1).
COLUMNS = {
    # metrics.csv: one row per logged step
    "step": "optimiser steps taken (an integer; 0 is the initialisation)",
    "epoch": "complete passes over the training set (an integer)",
    "time_s": "wall-clock seconds of training since the run started (across resumes)",
    "lr": "learning rate of the step: c / ||theta||^p (lr and lr_power of config.yaml)",
    "loss": "mean minibatch loss over the logging window (the steps since the last row)",
    "norm": "||theta||, the Euclidean norm of all weights",
    "w_norm_{l}": "||W_{l}||_F, the Frobenius norm of layer {l}'s weights",
    "train_loss": "loss on eval_samples training samples (evaluated every eval_every steps, blank otherwise)",
    "train_acc": "accuracy on the same samples (classification data only)",
    "test_loss": "loss on the test set (blank when not evaluated or there is none)",
    "test_acc": "accuracy on the test set",
    "speed": "escape speed of theta's direction on the radius-sqrt(L) sphere: s = -L0(sqrt(L) theta/||theta||)",
    "speed_unit": "escape speed on the unit sphere: s_unit = -L0(theta/||theta||) = s * L^(-L/2)",
    "lost_updates_{l}": "share of the logged step's nonzero updates of W_{l} that rounding left unchanged (0..1)",
    "imbalance_drift_{l}": "change of ||W_{l}||^2 - ||W_{l1}||^2 since step 0 (gradient flow keeps it at 0 for ReLU)",
    "imbalance_gd_{l}": "what gradient descent gives for that change exactly (sum of lr^2 ||grad||^2 terms)",
    "q": "normalised time: the sum over steps of c/||theta||^p (plateau fast-forward, issue 19)",
    "nominal_step": "the step at the configured learning rate that a fast-forwarded row stands for",
    "nominal_epoch": "the epoch at the configured learning rate that a fast-forwarded row stands for",
    # spectra.csv: one row per (snapshot step, layer, index)
    "layer": "layer l of W_l (1-based)",
    "index": "i of the i-th largest singular value (1-based)",
    "singular_value": "sigma_i(W_l) at that step",
    "layer_frobenius_norm": "||W_l||_F at that step (tail ratios can be recomputed: sum_{i>=2} sigma_i^2 / ||W||_F^2)",
    # escapes.csv and plateaus.csv
    "escape": "escape k leaves plateau k-1 (numbered from 1)",
    "plateau": "plateau k is the saddle after k escapes (0 = the origin)",
    "start_step": "first step of the plateau or of the escape's fall",
    "end_step": "last step of the plateau or of the escape's fall",
    "middle_step": "step where half of the escape's fall in log-loss is done",
    "loss_before": "loss on the plateau the escape leaves",
    "loss_after": "loss on the plateau the escape reaches",
    "bottleneck_rank": "smallest numerical rank over the layers on the plateau (blank: every tracked value counts)",
    "rank_at_least": "a lower bound of the bottleneck rank when all tracked singular values count",
    "direction": "index of the singular value that rises across the escape in most layers",
    "spectral_rise": "growth (natural log) of that direction's end-to-end gain across the escape",
}


def describe(column):
    """What a column means (layer-numbered columns such as ``w_norm_3`` resolve to ``w_norm_{l}``)."""
    if column in COLUMNS:
        return COLUMNS[column]
    m = re.fullmatch(r"(.*_)(\d+)", column)
    if m and (m.group(1) + "{l}") in COLUMNS:
        l = int(m.group(2))
        return COLUMNS[m.group(1) + "{l}"].format(l=l, l1=l + 1)
    raise KeyError("no description of column %r (known: %s)" % (column, ", ".join(sorted(COLUMNS))))


# ----------------------------------------------------------------------------------------------- tables


class Table(dict):
    """A CSV file as columns: ``table["loss"]`` is a numpy array (float64 for numbers, str otherwise)."""

    @property
    def columns(self):
        return list(self.keys())

    def __len__(self):  # rows, as a DataFrame counts them
        return 0 if not dict.__len__(self) else len(next(iter(self.values())))

    def rows(self):
        """Each row as a dict (small tables: escapes, plateaus)."""
        return [{c: self[c][i] for c in self.columns} for i in range(len(self))]

    def to_pandas(self):
        import pandas as pd
        return pd.DataFrame(dict(self))


def _number_or_none(text):
    try:
        return float(text) if text.strip() != "" else np.nan
    except ValueError:
        return None


def read_csv(path, pandas=False):
    """A CSV file with a header row as a :class:`Table` (or a DataFrame); None if it is absent or empty."""
    if not os.path.isfile(path):
        return None
    if pandas:
        import pandas as pd
        source = path
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() and (f.seek(-1, os.SEEK_END) or True) and f.read(1) != b"\n":
                f.seek(0)
                data = f.read()
                source = io.BytesIO(data[: data.rfind(b"\n") + 1])  # a row still being written is left out
        try:
            return pd.read_csv(source, float_precision="round_trip")
        except pd.errors.EmptyDataError:
            return None
    with open(path, "r", encoding="utf-8", newline="") as f:
        text = f.read()
    end = text.rfind("\n")
    text = text[: end + 1] if end >= 0 else ""  # a row still being written is left out
    first = text.find("\n")
    if first < 0:
        return None
    header = next(csv.reader([text[:first]]))
    body = text[first + 1:]
    table = _numeric(header, body)
    return table if table is not None else _mixed(header, body)


def _numeric(header, body):
    """Fast path: every cell a number or blank (metrics.csv, spectra.csv): one C parse by numpy."""
    if '"' in body or not body.strip():
        if not body.strip():
            return Table((c, np.zeros(0)) for c in header)
        return None
    # blank cells become nan: ",," twice (overlapping), and blanks at a line's start or end
    filled = re.sub(r"(?m)^,", "nan,", body)
    filled = re.sub(r"(?m),$", ",nan", filled)
    filled = filled.replace(",,", ",nan,").replace(",,", ",nan,")
    try:
        data = np.loadtxt(io.StringIO(filled), delimiter=",", dtype=np.float64, ndmin=2, comments=None)
    except ValueError:
        return None
    if data.shape[1] != len(header):
        return None
    return Table((c, data[:, i].copy()) for i, c in enumerate(header))


def _mixed(header, body):
    """Tables with text cells (plateaus.csv's layer_ranks, theory_check.csv): numbers where every cell is one."""
    rows = list(csv.reader(io.StringIO(body)))
    rows = [r for r in rows if r]
    out = Table()
    for i, c in enumerate(header):
        cells = [r[i] if i < len(r) else "" for r in rows]
        nums = [_number_or_none(x) for x in cells]
        out[c] = np.array(nums, dtype=np.float64) if all(v is not None for v in nums) else np.array(cells, dtype=str)
    return out


# ----------------------------------------------------------------------------------------------- YAML (config.yaml)


def _scalar(text):
    t = text.strip()
    if t in ("null", "~", ""):
        return None
    if t in ("true", "false"):
        return t == "true"
    if t.startswith('"'):
        return json.loads(t)
    if t.startswith("'"):
        return t[1:-1].replace("''", "'")
    if t.startswith("[") and t.endswith("]"):
        inner = t[1:-1].strip()
        return [] if not inner else [_scalar(x) for x in inner.split(",")]
    for kind in (int, float):
        try:
            return kind(t)
        except ValueError:
            pass
    return t


def read_yaml(path):
    """config.yaml as a dict: PyYAML when installed, else the subset saddlescope writes (nested maps, lists)."""
    with open(path, "r", encoding="utf-8") as f:
        text = f.read()
    try:
        import yaml
        return yaml.safe_load(text) or {}
    except ImportError:
        return _small_yaml(text)


def _small_yaml(text):
    lines = [l.rstrip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith(("#", "---"))]
    value, _ = _block(lines, 0, 0)
    return value if isinstance(value, dict) else {}


def _block(lines, i, indent):
    """The map or list starting at line i with this indent; returns (value, next line)."""
    if i < len(lines) and lines[i].lstrip().startswith("- ") and _indent(lines[i]) == indent:
        out = []
        while i < len(lines) and _indent(lines[i]) == indent and lines[i].lstrip().startswith("- "):
            item = lines[i].strip()[2:]
            if ":" in item and not item.startswith(('"', "'")):  # a list of maps
                sub = [" " * (indent + 2) + item] + []
                j = i + 1
                while j < len(lines) and _indent(lines[j]) > indent:
                    sub.append(lines[j])
                    j += 1
                value, _ = _block(sub, 0, indent + 2)
                out.append(value)
                i = j
            else:
                out.append(_scalar(item))
                i += 1
        return out, i
    out = {}
    while i < len(lines) and _indent(lines[i]) == indent:
        key, _, rest = lines[i].strip().partition(":")
        key = json.loads(key) if key.startswith('"') else key
        if rest.strip():
            out[key] = _scalar(rest)
            i += 1
        elif i + 1 < len(lines) and (_indent(lines[i + 1]) > indent or lines[i + 1].lstrip().startswith("- ")):
            out[key], i = _block(lines, i + 1, _indent(lines[i + 1]))
        else:
            out[key] = None
            i += 1
    return out, i


def _indent(line):
    return len(line) - len(line.lstrip(" "))


# ----------------------------------------------------------------------------------------------- weights


class Weights:
    """A weights file (weights/*.npz): ``W[l]`` is W_l (n_l x n_{l-1}), ``provenance`` what made it (a dict)."""

    def __init__(self, path):
        self.path = path
        with np.load(path, allow_pickle=False) as z:
            names = sorted((n for n in z.files if re.fullmatch(r"W\d+", n)), key=lambda n: int(n[1:]))
            self.W = {int(n[1:]): z[n] for n in names}
            self.provenance = json.loads(str(z["provenance"])) if "provenance" in z.files else None

    @property
    def depth(self):
        return len(self.W)

    @property
    def widths(self):
        """n_0, n_1, ..., n_L."""
        return [self.W[1].shape[1]] + [self.W[l].shape[0] for l in sorted(self.W)]

    def norm(self):
        """||theta|| = sqrt(sum_l ||W_l||_F^2), in float64."""
        return float(np.sqrt(sum(np.sum(np.asarray(w, dtype=np.float64) ** 2) for w in self.W.values())))

    def __repr__(self):
        return "Weights(%r, widths=%s)" % (os.path.basename(self.path), self.widths)


class _LazyWeights(dict):
    """weights/NAME.npz by NAME ("initial", "final", "loss_drop_0.100", "steps/step_120"), loaded when asked for."""

    def __init__(self, folder):
        super().__init__()
        self._files = {}
        if os.path.isdir(folder):
            for root, _, files in os.walk(folder):
                for f in files:
                    if f.endswith(".npz"):
                        rel = os.path.relpath(os.path.join(root, f), folder)[:-4].replace(os.sep, "/")
                        self._files[rel] = os.path.join(root, f)

    def __missing__(self, name):
        if name not in self._files:
            raise KeyError("no weights/%s.npz (there are: %s)" % (name, ", ".join(sorted(self._files)) or "none"))
        w = Weights(self._files[name])
        self[name] = w
        return w

    def names(self):
        return sorted(self._files)

    def __contains__(self, name):
        return name in self._files

    def __iter__(self):
        return iter(self.names())

    def __len__(self):
        return len(self._files)


# ----------------------------------------------------------------------------------------------- runs

_MARKERS = ("manifest.json", "config.yaml", "sweep.yaml")
_SKIP = ("checkpoints", "figures", "weights")


def is_run(path):
    """Whether a folder is a saddlescope run folder (it has manifest.json, config.yaml or sweep.yaml)."""
    return os.path.isdir(path) and any(os.path.isfile(os.path.join(path, m)) for m in _MARKERS)


class Run:
    """One run folder. Tables are read when first asked for; ``tables`` holds every CSV file by name."""

    def __init__(self, path, pandas=False):
        if not os.path.isdir(path):
            raise FileNotFoundError("no run folder at %s" % path)
        if not is_run(path):
            raise ValueError("%s is not a saddlescope run folder (no manifest.json or config.yaml)" % path)
        self.path = os.path.abspath(path)
        self.name = os.path.basename(self.path)
        self.pandas = pandas
        self.config = read_yaml(os.path.join(path, "config.yaml")) if os.path.isfile(os.path.join(path, "config.yaml")) else {}
        self.manifest = _json(os.path.join(path, "manifest.json"))
        self.saddles = _json(os.path.join(path, "saddles.json"))
        self.weights = _LazyWeights(os.path.join(path, "weights"))
        self._tables = {}

    # every CSV by name ("metrics", "spectra", "escapes", "plateaus", "plateau_layers", "loss_smoothed", ...)
    @property
    def tables(self):
        names = sorted(f[:-4] for f in os.listdir(self.path) if f.endswith(".csv") and not f.startswith("."))
        return {n: self.table(n) for n in names}

    def table(self, name):
        if name not in self._tables:
            self._tables[name] = read_csv(os.path.join(self.path, name + ".csv"), self.pandas)
        return self._tables[name]

    metrics = property(lambda self: self.table("metrics"))
    spectra = property(lambda self: self.table("spectra"))
    escapes = property(lambda self: self.table("escapes"))
    plateaus = property(lambda self: self.table("plateaus"))
    plateau_layers = property(lambda self: self.table("plateau_layers"))
    loss_smoothed = property(lambda self: self.table("loss_smoothed"))

    @property
    def depth(self):
        """L, the number of weight matrices (from the manifest's widths, else the metrics' w_norm_ columns)."""
        if self.manifest and "widths" in self.manifest:
            return len(self.manifest["widths"]) - 1
        cols = [c for c in (self.metrics.columns if self.metrics is not None else []) if re.fullmatch(r"w_norm_\d+", c)]
        return len(cols)

    @property
    def status(self):
        """finished, interrupted, failed (diverged), or running/killed (no end recorded)."""
        m = self.manifest or {}
        stop = m.get("stop")
        if stop == "diverged":
            return "failed"
        if stop == "interrupted":
            return "interrupted"
        if stop in ("budget", "loss_target") or m.get("end"):
            return "finished"
        return "running or killed"

    def singular_values(self, layer, at=None):
        """Top-k singular values of W_layer: (steps, values) with values[t, i-1] = sigma_i at steps[t];
        or, with ``at=STEP``, the values at that snapshot step (1-D)."""
        sp = self.spectra
        if sp is None:
            raise ValueError("%s has no spectra.csv (top_k was 0?)" % self.path)
        step, lay, idx, val = (np.asarray(sp[c]) for c in ("step", "layer", "index", "singular_value"))
        keep = lay == layer
        if not keep.any():
            raise ValueError("no layer %d in spectra.csv (layers %s)" % (layer, sorted(set(lay.astype(int).tolist()))))
        step, idx, val = step[keep], idx[keep].astype(int), val[keep]
        steps = np.unique(step)
        out = np.full((len(steps), idx.max()), np.nan)
        out[np.searchsorted(steps, step), idx - 1] = val
        if at is not None:
            where = np.flatnonzero(steps == at)
            if not len(where):
                raise ValueError("no snapshot at step %s (the nearest: %s)" % (at, steps[np.argmin(np.abs(steps - at))]))
            return out[where[0]]
        return steps.astype(np.int64), out

    def __repr__(self):
        return "Run(%r, %s)" % (self.path, self.status)


def _json(path):
    if not os.path.isfile(path):
        return None
    with open(path, "r", encoding="utf-8") as f:
        return json.load(f)


def load_run(path, pandas=False):
    """The run folder at ``path``; tables as :class:`Table` of numpy arrays, or DataFrames with ``pandas=True``."""
    return Run(path, pandas)


class Runs(list):
    """Runs found under a folder, sorted by path."""

    def summary(self, fields=("dataset", "hidden", "activation", "cost", "dtype", "batch", "lr", "lr_power", "init_scale", "seed")):
        """One row per run: name, status, the config fields, steps and the last logged loss and norm
        (a DataFrame when pandas is installed, else a :class:`Table`)."""
        cols = {"run": [], "status": []}
        cols.update({f: [] for f in fields})
        cols.update({"steps": [], "loss": [], "norm": [], "escapes": []})
        for r in self:
            cols["run"].append(os.path.relpath(r.path, self.root) if self.root else r.name)
            cols["status"].append(r.status)
            for f in fields:
                v = r.config.get(f)
                cols[f].append(str(v) if isinstance(v, (list, dict)) else v)
            m = r.metrics
            last = {}
            if m is not None and len(m):
                for c in ("step", "loss", "norm"):
                    if c in m.columns:
                        col = np.asarray(m[c], dtype=np.float64)
                        finite = col[np.isfinite(col)]
                        last[c] = finite[-1] if len(finite) else np.nan
            cols["steps"].append(last.get("step", np.nan))
            cols["loss"].append(last.get("loss", np.nan))
            cols["norm"].append(last.get("norm", np.nan))
            e = r.escapes
            cols["escapes"].append(0 if e is None else len(e))
        try:
            import pandas as pd
            return pd.DataFrame(cols)
        except ImportError:
            return Table((k, np.array(v, dtype=object if k in ("run", "status") or k in fields else np.float64)) for k, v in cols.items())


def load_runs(folder, pandas=False, depth=4):
    """Every run folder under ``folder`` (down to ``depth`` levels: a sweep's points are in subfolders); hidden,
    checkpoints/, figures/ and weights/ folders are skipped."""
    if not os.path.isdir(folder):
        raise FileNotFoundError("no folder %s" % folder)
    found = []

    def walk(d, level):
        if level > depth:
            return
        if level > 0 and any(os.path.isfile(os.path.join(d, m)) for m in ("manifest.json", "config.yaml")):
            found.append(d)  # a run (a sweep's own folder, with sweep.yaml only, is walked into, not listed)
        for n in sorted(os.listdir(d)):
            p = os.path.join(d, n)
            if n.startswith(".") or n in _SKIP or os.path.islink(p) or not os.path.isdir(p):
                continue
            walk(p, level + 1)

    walk(folder, 0)
    runs = Runs(Run(p, pandas) for p in found)
    runs.root = os.path.abspath(folder)
    return runs
