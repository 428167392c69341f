#!/usr/bin/env bash
# Issue 11's count of malformed inputs, from the command line: every case of BadInputTest plus more of the issue's
# items 8-11 (and the same for escape, reproduce example1, bench-detector, flow, report, compare), each run as a real
# process in an empty working folder. A case passes when it exits 2, its message is one line (picocli's own
# "Try '... --help'." hint line after a flag error and this machine's OPENBLAS_CORETYPE warning counted apart), no stack trace, and nothing in the working folder
# changed (no --out folder, no staging folder, no byte of a run it was pointed at; a resume that takes the run's
# lock rewrites the holder line in its .lock file, which is left out of the comparison).
#   usage: src/test/sh/malformed-inputs.sh [LAUNCHER...]   (default: java -cp target/classes:<deps> ...Main)
#   prints one line per case and the tally; exits 1 when any case fails.
set -uo pipefail
cd "$(dirname "$0")/../../.."
root="$PWD"
if [ $# -gt 0 ]; then
  ss=("$@")
else
  cp="$(mktemp)"
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null
  ss=(java -Xmx1g -Djava.awt.headless=true -cp "$root/target/classes:$(cat "$cp")" org.saddlescope.cli.Main)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
T=(train --quiet --dataset teacher:n=32,d=4,out=2 --hidden 8 --steps 5)

n=0 ok=0 hint=0
declare -a failed=()
snapshot() { (cd "$1" && find . ! -name .lock -printf '%p %s %T@\n' | sort && find . -type f ! -name .lock -exec md5sum {} + | sort); }

# check NAME DIR ARGS...: run ARGS in DIR (an existing folder whose content must not change)
check() {
  local name="$1" dir="$2"; shift 2
  n=$((n + 1))
  local before after err rc lines
  before="$(snapshot "$dir")"
  err="$(cd "$dir" && "${ss[@]}" "$@" 2>&1 >/dev/null)"; rc=$?
  after="$(snapshot "$dir")"
  lines="$(printf '%s\n' "$err" | grep -c .)"
  local tried="$(printf '%s\n' "$err" | grep -c "^Try '")"
  # the machine's own warning (OPENBLAS_CORETYPE set in the environment), printed by runs without --quiet
  local warn="$(printf '%s\n' "$err" | grep -c "^OPENBLAS_CORETYPE=")"
  local verdict=ok
  if [ "$rc" != 2 ]; then verdict="exit $rc"
  elif [ "$before" != "$after" ]; then verdict="wrote into $dir"
  elif printf '%s' "$err" | grep -q $'\tat \|Exception'; then verdict="stack trace"
  elif [ $((lines - tried - warn)) != 1 ]; then verdict="$lines lines"
  fi
  if [ "$verdict" = ok ]; then ok=$((ok + 1)); [ "$tried" -gt 0 ] && hint=$((hint + 1)); else failed+=("$name: $verdict"); fi
  printf '%-4s %-40s %s\n' "$([ "$verdict" = ok ] && echo ok || echo FAIL)" "$name" "$(printf '%s\n' "$err" | grep -v "^OPENBLAS_CORETYPE=" | head -1 | cut -c1-150)"
}
fresh() { local d="$work/c$n"; mkdir -p "$d"; echo "$d"; }

# train flags (BadInputTest.CASES, the issue's items 8, 9, 10)
while IFS='|' read -r name args; do
  [ -z "$name" ] && continue
  d="$(fresh)"; read -ra a <<<"$args"
  check "train $name" "$d" "${T[@]}" --out "$d/run" "${a[@]}"
done <<'EOF'
lr Infinity|--lr Infinity
lr-power NaN|--lr-power NaN
checkpoint-every -1|--checkpoint-every -1
eval-every -1|--eval-every -1
spectra-every sometimes|--spectra-every sometimes
lr -Infinity|--lr -Infinity
lr 0|--lr 0
log-every 0|--log-every 0
checkpoint-minutes -2|--checkpoint-minutes -2
checkpoint-minutes NaN|--checkpoint-minutes NaN
spectra-every steps:0|--spectra-every steps:0
spectra-every log:-3|--spectra-every log:-3
spectra-every epoch:x|--spectra-every epoch:x
init-scale NaN|--init-scale NaN
hidden 100000000 (memory)|--hidden 100000000
hidden 40000,40000 (memory)|--hidden 40000,40000
epochs -1|--epochs -1
subset -5|--subset -5
subset 99999|--subset 99999
eval-samples -3|--eval-samples -3
spectra-k -2|--spectra-k -2
threads 0|--threads 0
threads -4|--threads -4
init-scale -1|--init-scale -1
init-scale 1e-400x|--init-scale 1e-400x
batch -1|--batch -1
hidden 0|--hidden 0
small-layers 0|--small-layers 0
small-layers 5 (too deep)|--init he_scaled --small-layers 5
test-subset -2|--test-subset -2
loss-target NaN|--loss-target NaN
init-norm -1|--init-norm -1
epsilon 0|--epsilon 0
init npz (no file)|--init npz
init zeros|--init zeros
standardize sometimes|--standardize sometimes
activation cube|--activation cube
cost hinge|--cost hinge
dtype float16|--dtype float16
lr fast|--lr fast
steps 1.5|--steps 1.5
steps 1e20|--steps 99999999999999999999
dataset imagenet|--dataset imagenet
dataset teacher:n=abc|--dataset teacher:n=abc
dataset teacher:colour=red|--dataset teacher:colour=red
frobnicate|--frobnicate
init aligned without file|--init aligned --init-norm 1
preset nope|--preset nope
lr 1e400|--lr 1e400
batch 2.5|--batch 2.5
seed x|--seed x
eval-every 1.5|--eval-every 1.5
hidden 8,,8|--hidden 8,,8
config missing.yaml|--config missing.yaml
init-file missing.npz|--init npz --init-file missing.npz
EOF
d="$(fresh)"; check "train dataset ''" "$d" "${T[@]}" --out "$d/run" --dataset ""
d="$(fresh)"; check "train out ''" "$d" "${T[@]}" --out ""

# YAML configs (BadInputTest's, items 8, 9, 10)
while IFS='|' read -r name body; do
  [ -z "$name" ] && continue
  d="$(fresh)"; body="$(printf '%b' "$body")"
  rest=""
  case "$body" in -*|\{*) ;; *)
    [[ "$body" == *steps* ]] || rest+=$'steps: 5\n'
    [[ "$body" == *hidden* ]] || rest+=$'hidden: [8]\n'
    [[ "$body" == *dataset* ]] || rest+=$'dataset: teacher:n=32,d=4,out=2\n';;
  esac
  printf '%s\n%s' "$body" "$rest" >"$d/c.yaml"
  check "yaml $name" "$d" train --quiet --config "$d/c.yaml" --out "$d/run"
done <<'EOF'
lr 1e999|lr: 1e999
lr .nan|lr: .nan
lr -.inf|lr: -.inf
hidden [8, null]|hidden: [8, null]
batch 2.5|batch: 2.5
duplicated key|lr: 0.1\nlr: 0.2
steps ten|steps: ten
hidden [8, -1]|hidden: [8, -1]
subset 1e3|subset: 1e3
epochs -1|epochs: -1
dataset ""|dataset: ""
a list|- 1\n- 2
lr [1, 2]|lr: [1, 2]
learning_rate (unknown)|learning_rate: 3
spectra_every 0|spectra_every: 0
hidden {a: 1}|steps: 5\nhidden: {a: 1}
not YAML|{{{
init_scale 0|init_scale: 0
hidden [8.5]|hidden: [8.5]
seed 1.5|seed: 1.5
eval_every -1|eval_every: -1
threads 0|threads: 0
checkpoint_minutes -1|checkpoint_minutes: -1
EOF

# --out that is not ours
d="$(fresh)"; mkdir -p "$d/mine/weights"; echo "my numbers" >"$d/mine/metrics.csv"; echo w >"$d/mine/weights/final.npz"
check "train out non-empty folder" "$d" "${T[@]}" --out "$d/mine"
d="$(fresh)"; echo x >"$d/file"; check "train out is a file" "$d" "${T[@]}" --out "$d/file"

# data files: test images of another size (item 8), a truncated IDX file, a bad magic number
d="$(fresh)"; mkdir -p "$d/m"
python3 - "$d/m" <<'PY'
import struct, sys, os
d = sys.argv[1]
def idx(prefix, n, r, c):
    open(os.path.join(d, prefix + "-images-idx3-ubyte"), "wb").write(struct.pack(">iiii", 0x803, n, r, c) + bytes((i * 37) % 256 for i in range(n * r * c)))
    open(os.path.join(d, prefix + "-labels-idx1-ubyte"), "wb").write(struct.pack(">ii", 0x801, n) + bytes(i % 10 for i in range(n)))
idx("train", 20, 6, 6); idx("t10k", 10, 5, 5)
PY
check "mnist test images of another size" "$d" train --quiet --dataset "mnist:$d/m" --hidden 4 --steps 2 --out "$d/run"
d="$(fresh)"; mkdir -p "$d/m"; cp "$work"/c$((n - 1))/m/* "$d/m/"; truncate -s 100 "$d/m/train-images-idx3-ubyte"
check "mnist truncated images" "$d" train --quiet --dataset "mnist:$d/m" --hidden 4 --steps 2 --out "$d/run"
d="$(fresh)"; mkdir -p "$d/m"; cp "$work"/c$((n - 2))/m/* "$d/m/"; printf '\x00\x00\x09\x99' | dd of="$d/m/train-labels-idx1-ubyte" conv=notrunc 2>/dev/null
check "mnist labels bad magic" "$d" train --quiet --dataset "mnist:$d/m" --hidden 4 --steps 2 --out "$d/run"

# resume: other flags, smaller budgets, broken checkpoints (items 10, 11)
base="$work/base"; mkdir -p "$base"
(cd "$base" && "${ss[@]}" "${T[@]}" --out "$base/run" --checkpoint-every 2 >/dev/null 2>&1) || echo "base run failed"
for f in "--lr 3" "--hidden 4" "--seed 2" "--threads 2" "--preset teacher-demo" "--out $work/elsewhere" "--checkpoint-every 1" "--steps 3" "--steps -3"; do
  read -ra a <<<"$f"; check "resume $f" "$base" train --resume "$base/run" "${a[@]}"
done
# a run stopped at step 4 of 8 (no final weights) whose state.json is then damaged
mid="$work/mid"; mkdir -p "$mid"
(cd "$mid" && "${ss[@]}" train --quiet --dataset teacher:n=32,d=4,out=2 --hidden 8 --steps 4 --checkpoint-every 2 --out "$mid/run" >/dev/null 2>&1)
sed -i 's/steps: 4/steps: 8/' "$mid/run/config.yaml"; rm -f "$mid/run/weights/final.npz"
python3 - "$mid/run/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m.pop("stop", None); json.dump(m, open(sys.argv[1], "w"))
PY
cp -r "$mid/run" "$mid/good"
for what in "missing step" "bad hex" "not JSON" "weights file gone" "step past the budget"; do
  rm -rf "$mid/run"; cp -r "$mid/good" "$mid/run"
  s="$mid/run/checkpoints/state.json"
  case "$what" in
    "missing step") python3 -c "import json,sys; m=json.load(open(sys.argv[1])); m.pop('step'); json.dump(m,open(sys.argv[1],'w'))" "$s";;
    "bad hex") python3 -c "import json,sys; m=json.load(open(sys.argv[1])); m['norm_squared_bits']='zz'; json.dump(m,open(sys.argv[1],'w'))" "$s";;
    "not JSON") echo '{"step": ' >"$s";;
    "weights file gone") rm -f "$mid/run/checkpoints/"ckpt-*.npz;;
    "step past the budget") python3 -c "import json,sys; m=json.load(open(sys.argv[1])); m['step']=999; json.dump(m,open(sys.argv[1],'w'))" "$s";;
  esac
  check "resume state.json: $what" "$mid" train --resume "$mid/run"
done
d="$(fresh)"; check "resume of no folder" "$d" train --resume "$d/nothing"
d="$(fresh)"; mkdir "$d/x"; echo a >"$d/x/notes.txt"; check "resume of a folder not a run" "$d" train --resume "$d/x"

# the other commands that write run folders or read them
while IFS='|' read -r name args; do
  [ -z "$name" ] && continue
  d="$(fresh)"; read -ra a <<<"$args"
  check "$name" "$d" "${a[@]}" --out "$d/run"
done <<'EOF'
flow small-layers 1 epsilon NaN|flow --small-layers 1 --epsilon NaN
flow epsilon -1|flow --epsilon -1
flow rtol 0|flow --rtol 0
flow max-time Infinity|flow --max-time Infinity
flow hidden 0|flow --hidden 0
escape solver newton|escape --solver newton
escape restarts 0|escape --data example1 --restarts 0
escape iterations -1|escape --data example1 --iterations -1
escape data nosuchdata|escape --data nosuchdata
escape path sideways|escape --data example1 --path sideways
escape extend-to 1|escape --data example1 --depth 3 --extend-to 2
escape config missing|escape --config missing.yaml
example1 widths 0|reproduce example1 --widths 0
example1 runs 0|reproduce example1 --runs 0
example1 curve-points 1|reproduce example1 --curve-points 1
bench-detector depths 9|bench-detector --depths 9
bench-detector seeds 0|bench-detector --seeds 0
bench-detector steps 10|bench-detector --steps 10
EOF
d="$(fresh)"; mkdir "$d/mine"; echo a >"$d/mine/notes.txt"
check "escape out non-empty folder" "$d" escape --data example1 --restarts 2 --iterations 10 --out "$d/mine"
d="$(fresh)"; mkdir "$d/mine"; echo a >"$d/mine/notes.txt"
check "example1 out non-empty folder" "$d" reproduce example1 --widths 4 --runs 1 --out "$d/mine"
d="$(fresh)"; mkdir "$d/mine"; echo a >"$d/mine/notes.txt"
check "bench-detector out non-empty folder" "$d" bench-detector --depths 3 --seeds 1 --out "$d/mine"
d="$(fresh)"; mkdir "$d/x"; echo a >"$d/x/notes.txt"; check "report on a folder not a run" "$d" report "$d/x"
d="$(fresh)"; mkdir "$d/x"; check "compare a folder not a run" "$d" compare "$d/x" "$d/x" --out "$d/cmp"

echo
echo "$n malformed inputs tried; $ok exit 2 with a one-line message and nothing written ($hint of them with picocli's 'Try ... --help' hint line after it); $((n - ok)) not:"
for f in "${failed[@]}"; do echo "  $f"; done
[ "$ok" = "$n" ]
