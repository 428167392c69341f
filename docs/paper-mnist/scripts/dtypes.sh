#!/usr/bin/env bash
# docs/paper-mnist.md §5: the appendix-B network for 20,000 steps in each arithmetic (seed 0), and the widths-250
# network through its escape in float32 (the mixed run is `train --preset mnist-paper-w250`).
# usage (from the repository root): docs/paper-mnist/scripts/dtypes.sh
set -euo pipefail
for dt in float64 mixed float32; do
  ./saddlescope train --preset mnist-paper --dtype $dt --steps 20000 --log-every 1000 --eval-every 10000 \
     --threads 1 --quiet --out runs/dtype/d6w1000-$dt-s0
done
./saddlescope train --preset mnist-paper-w250 --dtype float32 --steps 400000 --threads 1 --quiet --out runs/dtype/d6w250-float32-s0
