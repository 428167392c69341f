"""Figure 1 of the paper, redrawn from a saddlescope run folder with matplotlib (a worked example of python/saddlescope_runs.py).

    /usr/bin/python3 docs/python/figure1.py RUN [OUT.png]

Left: the training loss against steps, with dashed lines at the two steps whose singular values are shown (after the
first escape, and the end of training: saddles.json's choice, as the run's own loss_snapshots and layer_spectra
figures). Centre and right: the top singular values of every layer's weights at those two steps, one line per layer
(paper, Figure 1: "deeper layers show a stronger bias toward low-rank structure").
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import saddlescope_runs as sr  # noqa: E402


def snapshot_steps(run):
    """The two snapshot steps: after the first escape and at the end (saddles.json), else the spectra's last step."""
    s = run.saddles or {}
    steps = [s[k]["step"] for k in ("after_first_escape", "end") if k in s]
    if not steps:
        steps = [int(np.max(run.spectra["step"]))]
    return steps


def figure1(run, out):
    m = run.metrics
    step, loss = np.asarray(m["step"]), np.asarray(m["loss"])
    ok = np.isfinite(loss)
    shots = snapshot_steps(run)
    fig, axes = plt.subplots(1, 1 + len(shots), figsize=(5 + 4.2 * len(shots), 3.8), constrained_layout=True)
    ax = axes[0]
    ax.plot(step[ok], loss[ok], color="C0", lw=1.2, label="loss (window mean)")
    for k, s in enumerate(shots):
        ax.axvline(s, color="0.3", ls="--", lw=1, label="snapshot steps" if k == 0 else None)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    ax.set_title("Training loss")
    ax.legend(frameon=False)
    for ax, s in zip(axes[1:], shots):
        for layer in range(1, run.depth + 1):
            sigma = run.singular_values(layer, at=s)
            sigma = sigma[np.isfinite(sigma) & (sigma > 0)]
            ax.semilogy(np.arange(1, len(sigma) + 1), sigma, marker="o", ms=3, lw=1.2, color="C%d" % ((layer - 1) % 10),
                        label=r"$W_{%d}$" % layer)
        ax.set_xlabel(r"index $i$")
        ax.set_ylabel(r"singular value $\sigma_i$")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))  # indices are integers
        ax.set_title("step %d" % s)
        ax.legend(frameon=False, ncol=2, fontsize=8)
    fig.suptitle("%s: %s, widths %s" % (run.name, run.config.get("dataset"), "-".join(map(str, run.manifest.get("widths", [])))))
    fig.savefig(out, dpi=150)
    return out


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    run = sr.load_run(sys.argv[1])
    print(figure1(run, sys.argv[2] if len(sys.argv) > 2 else "figure1.png"))
