#!/usr/bin/env bash
# Runs the given test classes ROUNDS times in a row with both cores kept busy by two extra spinning processes, and
# tallies, per class, how many rounds passed. Issue 23, item 5: the browser and process tests must hold on a busy machine.
#   src/test/sh/repeat-under-load.sh 20 ReportInBrowserTest,ServeInBrowserTest,ProcessSafetyTest,...
# Needs test classes compiled (mvn test-compile). Writes target/repeat-under-load/{tally.txt,round-N/}.
set -uo pipefail
cd "$(dirname "$0")/../../.."
rounds="$1"; tests="$2"
out=target/repeat-under-load; rm -rf "$out"; mkdir -p "$out"
burners=()
# BURN_NICE: the spinners' niceness (0 by default; 19 lets them fill only the time other work leaves idle, when the
# machine is already shared — the tally prints the load average of every round either way)
for i in 1 2; do nice -n "${BURN_NICE:-0}" bash -c 'while :; do :; done' & burners+=($!); done
stop() { for p in "${burners[@]}"; do kill "$p" 2>/dev/null; done; }
trap stop EXIT
declare -A pass
IFS=, read -ra classes <<< "$tests"
for c in "${classes[@]}"; do pass[$c]=0; done
for r in $(seq 1 "$rounds"); do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  # surefire:test has no user property for its reports folder: take each round's reports from the default one
  rm -rf target/surefire-reports
  mvn -B -q -o surefire:test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false >"$out/round-$r.log" 2>&1
  mkdir -p "$out/round-$r" && cp target/surefire-reports/TEST-*.xml "$out/round-$r/" 2>/dev/null
  line="round $r (load $load):"
  for c in "${classes[@]}"; do
    f=$(ls "$out/round-$r"/TEST-*."$c".xml 2>/dev/null | head -1)
    if [ -n "$f" ] && grep -q 'failures="0"' "$f" && grep -q 'errors="0"' "$f" && ! grep -q 'skipped="[1-9]' "$f"; then
      pass[$c]=$(( ${pass[$c]} + 1 )); line+=" $c ok"
    else
      line+=" $c FAILED"
    fi
  done
  echo "$line" | tee -a "$out/tally.txt"
done
for c in "${classes[@]}"; do echo "$c: ${pass[$c]}/$rounds passed" | tee -a "$out/tally.txt"; done
