#!/usr/bin/env bash
# The whole bundled suite in embedded mode: wall time of `ronda demo`, release build.
#
#   bench/demo_suite.sh                 # RUNS=10 of `ronda demo`, then the same with --parallel 1
#   RUNS=20 bench/demo_suite.sh
#   BUILD=0 bench/demo_suite.sh         # skip the release build
#
# Each run is the real command a user types: start the demo target in-process on a free
# loopback port, load and snapshot the suite, run it through the coordinator, in-process
# queue, worker and SQLite store, print the summary and write the HTML report. The database
# and reports go to a temporary folder, so .ronda/ is left alone.
#
# It prints, measured in the same run against the same binary:
#   1. `ronda demo` (the configuration's parallelism, 4): mean, min, max wall time;
#   2. `ronda demo --parallel 1`, the reference: the same suite one scenario at a time;
#   3. the sum of the scenarios' own durations and the run's execution time, from one
#      extra `ronda demo --json` run (what the engine spent inside scenarios, without
#      process start, suite loading and reporting).
# With hyperfine installed (apt-get install hyperfine) it measures 1 and 2 with it (one
# warm-up run each); otherwise with a shell loop. Nothing asserts a time; GOAL (3 s) is
# only printed beside the mean.
#
# Environment: RUNS (10), BUILD (1; 0 skips the build), GOAL (3, seconds).
set -euo pipefail

RUNS="${RUNS:-10}"
BUILD="${BUILD:-1}"
GOAL="${GOAL:-3}"

cd "$(dirname "$0")/.."

if [ "$BUILD" = 1 ]; then
    echo "== building ronda (release; several minutes on 2 cores the first time)"
    timeout 3600 swift build -c release --product ronda 2>&1 | grep -E "error|Compiling ronda|Build" | tail -5
fi
BIN="$(swift build -c release --show-bin-path)/ronda"
[ -x "$BIN" ] || { echo "no release binary at $BIN (run with BUILD=1)" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DEMO="$BIN demo --database $WORK/bench.sqlite --report $WORK/reports"

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== checking the suite passes once"
$DEMO --json "$WORK/run.json" >"$WORK/first.log" 2>&1 || { cat "$WORK/first.log"; echo "ronda demo failed: not benchmarking" >&2; exit 1; }
grep -E "^[0-9]+ scenarios:" "$WORK/first.log"

if command -v hyperfine >/dev/null; then
    echo "== hyperfine, $RUNS runs each"
    hyperfine --warmup 1 --runs "$RUNS" --style basic --export-json "$WORK/hyperfine.json" \
        -n "ronda demo" "$DEMO" \
        -n "ronda demo --parallel 1" "$DEMO --parallel 1" >"$WORK/hyperfine.log"
    python3 - "$WORK/hyperfine.json" "$GOAL" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
goal = float(sys.argv[2])
for r in data["results"]:
    print(f'{r["command"]:<26} mean {r["mean"]:.3f} s ± {r["stddev"]:.3f}   min {r["min"]:.3f} s   max {r["max"]:.3f} s   ({len(r["times"])} runs)')
mean = data["results"][0]["mean"]
print(f'goal: mean of `ronda demo` <= {goal:g} s: {"met" if mean <= goal else "NOT met"} ({mean:.3f} s)')
EOF
else
    echo "== shell loop, $RUNS runs each (install hyperfine for mean ± σ)"
    for variant in "" "--parallel 1"; do
        times=()
        for _ in $(seq 1 "$RUNS"); do
            start=$(date +%s.%N)
            $DEMO $variant >/dev/null 2>&1 || { echo "ronda demo $variant failed" >&2; exit 1; }
            end=$(date +%s.%N)
            times+=("$(echo "$end - $start" | bc -l)")
        done
        printf '%s\n' "${times[@]}" | python3 -c '
import sys
t = [float(x) for x in sys.stdin.read().split()]
label = sys.argv[1]
print(f"{label:<26} mean {sum(t)/len(t):.3f} s   min {min(t):.3f} s   max {max(t):.3f} s   ({len(t)} runs)")
' "ronda demo $variant"
    done
fi

python3 - "$WORK/run.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
results = doc["results"]
total = sum(r["duration"] for r in results)
print(f'reference: sum of the {len(results)} scenarios\' own durations {total:.3f} s; '
      f'run execution time (coordinator start to finalization) {doc["run"].get("executionTime", 0):.3f} s')
EOF
