#!/usr/bin/env bash
# Depth-6 appendix-B network, lr = c/|θ|^4 with c = 10000: each step is c units of normalised time q (p = L - 2 = 4),
# a 1000x time-lapse of the paper's c = 10 on the plateau (docs/paper-mnist.md §2). Then: escape_q.py runs/timelapse/*
# usage (from the repository root): docs/paper-mnist/scripts/timelapse.sh SEED...
set -euo pipefail
for seed in "$@"; do
  out=runs/timelapse/d6-c10000-f64-s$seed
  [ -d "$out" ] && continue
  ./saddlescope train --preset mnist-paper --dtype float64 --lr 10000 --steps 2500 --log-every 25 --eval-every 100000 \
     --threads 1 --top-k 0 --seed "$seed" --quiet --out "$out"
done
