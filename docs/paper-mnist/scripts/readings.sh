#!/usr/bin/env bash
# Appendix B's readings (issue 19, item 5), first escape by time-lapse: depth 6, widths 1000, lr = c/|θ|^4 with
# c = 10000 (each step is c units of normalised time q because p = L - 2), float64, 2500 steps (5000 for per-pixel,
# whose plateau is longer). One run per reading
# and seed; then escape_q.py runs/readings/<reading>-s* for q_esc and its t-interval (docs/paper-mnist.md §7).
#   global     appendix B as written: one μ, σ over all pixels, N(0, 0.001²) per entry
#   per-pixel  each pixel standardised by its own μ, σ (constant pixels map to 0)
#   pytorch    nn.Linear's default U(±1/√fan_in), rescaled to the Gaussian draw's expected ‖θ0‖ = 0.001·√4,794,000
# --reduction sum needs no run: it is the mean with c·B (ReadingsTest, bit for bit), so its q is the global reading's.
# usage (from the repository root): docs/paper-mnist/scripts/readings.sh READING SEED...
set -euo pipefail
reading=$1; shift
case "$reading" in
  global)    extra=(--standardize scalar); steps=2500 ;;
  per-pixel) extra=(--standardize feature); steps=5000 ;;
  pytorch)   extra=(--init pytorch --init-norm 2.18952); steps=2500 ;;
  *) echo "readings.sh: unknown reading '$reading' (global, per-pixel, pytorch)" >&2; exit 2 ;;
esac
run=${SADDLESCOPE:-./saddlescope}
for seed in "$@"; do
  out=runs/readings/$reading-s$seed
  [ -d "$out" ] && continue
  $run train --preset mnist-paper --dtype float64 --lr 10000 --steps "$steps" --log-every 25 --eval-every 100000 \
     --threads 1 --top-k 0 --seed "$seed" --quiet "${extra[@]}" --out "$out"
done
