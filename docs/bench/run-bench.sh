#!/usr/bin/env bash
# Issue 21's speed table in one sitting: the appendix-B step (784-1000x5-10) at batch 32 and 1024 in float32, mixed and
# float64, beside the PyTorch peer and the GEMM peak, with OpenBLAS's kernels as it picks them (OPENBLAS_CORETYPE unset)
# and held to Haswell's, on 1 and 2 threads; then interleaved A/B medians of the three arithmetics (the ratios that
# survive a shared machine), the three products of a step against the GEMM peak, OpenBLAS 0.3.30 (ours) against 0.3.31,
# and train's own thread choice and 1000-epoch estimate. Prints uptime before and after every part: a busy machine
# gives lower and noisier figures; ratios measured side by side hold better.
# usage (from the repository root): docs/bench/run-bench.sh [OUTDIR]   (about 30 min on an idle 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-runs/bench-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
shared="${SADDLESCOPE_SHARED:-../shared}"
[ -d "$shared/bench" ] || shared=/work/shared
py=/usr/bin/python3
[ -f target/saddlescope.jar ] || mvn -q -B -DskipTests package
jar=target/saddlescope.jar
log() { echo "== $* | $(uptime)" | tee -a "$out/sitting.log"; }
log "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) $(nproc) cores, flags avx2=$(grep -c -m1 avx2 /proc/cpuinfo) avx512f=$(grep -c -m1 avx512f /proc/cpuinfo || true)"
log "NumPy GEMM peak"; $py "$shared/bench/gemm_peak.py" | tee -a "$out/sitting.log"
for core in unset Haswell; do
  for t in 1 2; do
    dtypes=float32,mixed,float64; [ "$t" = 2 ] && dtypes=float32,mixed
    log "bench threads $t OPENBLAS_CORETYPE=$core"
    ( [ "$core" = unset ] && unset OPENBLAS_CORETYPE || export OPENBLAS_CORETYPE=$core
      ./saddlescope bench --threads "$t" --batches 32,1024 --dtypes "$dtypes" --repeats 2 --escape-widths 8 \
        --torch-script "$shared/bench/torch_mlp_step.py" --gemm-peak-script "$shared/bench/gemm_peak.py" ) 2>&1 | tee "$out/bench-t$t-$core.txt"
  done
  log "interleaved medians, batch 32, 1 thread, OPENBLAS_CORETYPE=$core"
  ( [ "$core" = unset ] && unset OPENBLAS_CORETYPE || export OPENBLAS_CORETYPE=$core
    java -cp "$jar" org.saddlescope.experiments.StepProbe interleaved 32 1 8 float32 mixed float64
    java -cp "$jar" org.saddlescope.experiments.StepProbe interleaved 1024 1 3 float32 mixed
    java -cp "$jar" org.saddlescope.experiments.StepProbe products 10 ) 2>&1 | tee "$out/interleaved-$core.txt"
done
# OpenBLAS 0.3.31 (JavaCPP 1.5.13, Maven Central) in place of the bundled 0.3.30: the same classes, the other natives.
log "OpenBLAS 0.3.30 vs 0.3.31"
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
mkdir -p "$out/ob31" && cat > "$out/ob31/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>ob31</artifactId><version>1</version>
<dependencies>
<dependency><groupId>org.bytedeco</groupId><artifactId>javacpp</artifactId><version>1.5.13</version></dependency>
<dependency><groupId>org.bytedeco</groupId><artifactId>javacpp</artifactId><version>1.5.13</version><classifier>linux-x86_64</classifier></dependency>
<dependency><groupId>org.bytedeco</groupId><artifactId>openblas</artifactId><version>0.3.31-1.5.13</version></dependency>
<dependency><groupId>org.bytedeco</groupId><artifactId>openblas</artifactId><version>0.3.31-1.5.13</version><classifier>linux-x86_64</classifier></dependency>
</dependencies></project>
POM
(cd "$out/ob31" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib >/dev/null)
cp30="target/classes:$(cat "$out/cp.txt")"
cp31="target/classes:$(tr ':' '\n' < "$out/cp.txt" | grep -v -E 'bytedeco/(javacpp|openblas)/' | paste -sd:):$(ls "$out"/ob31/lib/*.jar | paste -sd:)"
for round in 1 2; do
  for v in 30 31; do
    cp=$cp30; [ $v = 31 ] && cp=$cp31
    echo "OpenBLAS 0.3.$v round $round"; java -cp "$cp" org.saddlescope.experiments.StepProbe products 5
    java -cp "$cp" org.saddlescope.experiments.StepProbe 32 float32 100 1
  done
done 2>&1 | tee "$out/openblas-0.3.31.txt"
log "train --preset mnist-paper --dry-run (its own thread choice)"
./saddlescope train --preset mnist-paper --dry-run --out "$out/dry-run-target" 2>&1 | tee "$out/dry-run.txt"
log "done"
