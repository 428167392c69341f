#!/usr/bin/env bash
# docs/paper-mnist.md §7: what happens at and after the first escape under two readings of appendix B that move
# normalised time faster than the literal one, without paying for the ~2e7 q of origin plateau at their own speed.
# 1. a c = 10000 float64 time-lapse of the literal setup to q = 2.0e7, still on the plateau (seed 0: |θ| +0.09%);
# 2. from there, cross-entropy summed over the batch (= the mean with c·32, 320 units of q a step);
# 3. from the summed run's θ at its step 5624 (q = 2.18e7; seed 0: |θ| +0.2%), SGD with momentum 0.9 (PyTorch's formula; on
#    the plateau a step moves c/(1 - 0.9) = 100 units of q).
# On the plateau the direction's path in q does not depend on c (p = L - 2, §2), so each continuation starts where
# its own reading would stand at that q, up to the time-lapse's lag (§2) and SGD noise.
# usage (from the repository root): docs/paper-mnist/scripts/continuations.sh SEED [EPOCHS_SUM [EPOCHS_MOMENTUM]]
set -euo pipefail
seed=${1:?usage: continuations.sh SEED [EPOCHS_SUM [EPOCHS_MOMENTUM]]}
run=${SADDLESCOPE:-./saddlescope}
d=runs/readings
[ -d $d/tl-q2e7-s$seed ] || $run train --preset mnist-paper --dtype float64 --lr 10000 --steps 2000 --log-every 25 \
   --eval-every 100000 --threads 1 --top-k 0 --seed "$seed" --quiet --out $d/tl-q2e7-s$seed
[ -d $d/sum-from-q2e7-s$seed ] || $run train --preset mnist-paper --reduction sum --init npz \
   --init-file $d/tl-q2e7-s$seed/weights/final.npz --epochs "${2:-7}" --threads 1 --seed "$seed" --quiet \
   --out $d/sum-from-q2e7-s$seed
[ -d $d/mom-from-q218e7-s$seed ] || $run train --preset mnist-paper --optimizer momentum --init npz \
   --init-file $d/sum-from-q2e7-s$seed/weights/steps/step_5624.npz --epochs "${3:-100}" --threads 1 --seed "$seed" \
   --quiet --out $d/mom-from-q218e7-s$seed
