#!/usr/bin/env bash
# docs/paper-mnist.md §4 "Against the theory": depth-4 appendix-B run past its first escape, then check-theory with
# the quick search settings. usage (from the repository root): docs/paper-mnist/scripts/theorycheck.sh
set -euo pipefail
out=runs/theory/d4-s0
[ -d $out ] || ./saddlescope train --preset mnist-paper-d4 --steps 4000 --threads 1 --quiet --out $out
./saddlescope check-theory $out --threads 1 --restarts 0 --iterations 1 --refine-iterations 1 --plateau-subset -1
