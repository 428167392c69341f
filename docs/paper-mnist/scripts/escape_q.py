#!/usr/bin/python3
"""Escape in normalised time q of time-lapse runs (lr = c/|θ|^(L-2): q = c * step).
q_esc = q at the first logged step where |θ| >= 1.01 |θ0| (bracketed by the previous logged step)."""
import csv, sys, glob, re, math
import numpy as np

def load(path):
    rows = list(csv.DictReader(open(path)))
    step = np.array([float(r['step']) for r in rows]); norm = np.array([float(r['norm']) for r in rows])
    lr = [float(r['lr']) for r in rows if r['lr']]
    return step, norm, lr

def c_of(folder):
    for line in open(folder + '/config.yaml'):
        m = re.match(r'^lr:\s*(\S+)', line)
        if m: return float(m.group(1))

res = []
for folder in sys.argv[1:]:
    step, norm, _ = load(folder + '/metrics.csv')
    c = c_of(folder)
    rel = norm / norm[0] - 1
    i = np.argmax(rel >= 0.01)
    if rel[i] < 0.01:
        print(f"{folder}: no escape by step {int(step[-1])} (q = {c*step[-1]:.3g}), |θ|/|θ0|-1 = {rel[-1]:.3g}")
        continue
    res.append(c * step[i])
    print(f"{folder}: c={c:g} q_esc in ({c*step[i-1]:.4g}, {c*step[i]:.4g}]  (step {int(step[i])}, rel before {rel[i-1]:.3g})")
if len(res) > 1:
    from scipy import stats
    a = np.array(res); m = a.mean(); s = a.std(ddof=1); t = stats.t.ppf(0.975, len(a) - 1)
    print(f"n={len(a)} mean q_esc {m:.4g}, sd {s:.3g}, 95% t-interval [{m - t*s/math.sqrt(len(a)):.4g}, {m + t*s/math.sqrt(len(a)):.4g}]")
    print(f"at c=10: steps {m/10:.4g} [{(m - t*s/math.sqrt(len(a)))/10:.4g}, {(m + t*s/math.sqrt(len(a)))/10:.4g}], epochs (1875 steps) {m/10/1875:.0f}")
