#!/usr/bin/env bash
# Engine throughput vs wrk and vs Python requests, in one run, against one local server.
#
#   bench/engine_vs_wrk.sh                      # C=8 and C=64, D=5 s
#   CONCURRENCIES="8" DURATION=10 bench/engine_vs_wrk.sh
#
# Builds the EngineThroughput benchmark in release, starts its Hummingbird server
# (GET /ping -> {"ok":true}) on a free loopback port as a separate process, warms it
# up with wrk, then measures, against that same server, for each C in CONCURRENCIES:
#   ROUNDS rounds (3) of, back to back:
#     1. wrk -t1 -cC -dD          (the reference: keep-alive, C connections)
#     2. Ronda, scenario mode     (ScenarioRunner.run of a one-step GET scenario in C loops,
#                                  on the multi transport, as ronda runs by default)
#     3. at C=8, Python requests  (the seed plan's stack: 8 threads, a requests.Session each,
#                                  GET + JSON check; bench/requests_reference/client.py in a
#                                  venv under .build-tools/)
#   then once:
#     4. Ronda, raw mode          (HTTPSession.send alone, one session per loop)
#     5. Ronda, scenario, threads (phase 2 on RONDA_HTTP_TRANSPORT=threads, the transport
#                                  before 0.5: the "before" figure)
# Each round's ratios compare runs seconds apart; the figures are the medians of the rounds'
# ratios, because this machine's speed drifts by tens of percent within minutes.
# It prints each req/s, the client's CPU per request and the ratios. Nothing asserts a time.
#
# Environment: CONCURRENCIES ("8 64"), DURATION (5, seconds), WARMUP (2, seconds), ROUNDS (3),
# LOOPS (RONDA_HTTP_LOOPS for the multi phases; unset: ronda's default, one per core), BUILD (1; 0 skips the build),
# PYTHON (0 skips the Python runs).
set -euo pipefail

CONCURRENCIES="${CONCURRENCIES:-8 64}"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-2}"
BUILD="${BUILD:-1}"
LOOPS="${LOOPS:-}"
PYTHON="${PYTHON:-1}"
ROUNDS="${ROUNDS:-3}"

cd "$(dirname "$0")/.."
ROOT="$PWD"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

if [ "$BUILD" = 1 ]; then
    echo "== building EngineThroughput (release; several minutes on 2 cores the first time)"
    timeout 3600 swift build -c release --product EngineThroughput 2>&1 | grep -E "error|warning: .*EngineThroughput|Compiling|Build" | tail -5
fi
BIN="$(swift build -c release --show-bin-path)/EngineThroughput"
[ -x "$BIN" ] || { echo "no benchmark binary at $BIN" >&2; exit 2; }

VENV="$ROOT/.build-tools/requests-bench"
if [ "$PYTHON" = 1 ] && [ ! -x "$VENV/bin/python" ]; then
    echo "== making the Python requests venv ($VENV)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r bench/requests_reference/requirements.txt
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# --port 0: the kernel picks a free port; the server prints it once listening.
"$BIN" serve --port 0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 200); do
    PORT="$(sed -n 's/^listening 127\.0\.0\.1://p' "$WORK/server.log")"
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$PORT" ] || { echo "the server did not start within 20 s" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/ping"

CORES="$(nproc)"
echo "== machine: $CORES cores ($(uname -srm)); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "   NOTE: server, wrk and the clients all share these $CORES cores (loopback); every figure"
echo "   below is throughput under that contention, not the capacity of any one of them."
echo "   load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine skew every figure)"
echo "== server: $URL (pid $SERVER_PID)   concurrencies C=$CONCURRENCIES   duration D=${DURATION}s"

ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }
rps_of() { sed -n "s/^RESULT mode=$1 rps=\([0-9.]*\).*/\1/p" "$2"; }
cpu_of() { sed -n 's/^client CPU (user + system): .*, \([0-9.]*\) µs per request/\1/p' "$1"; }

SUMMARY="$WORK/summary.txt"
: >"$SUMMARY"
# median FILE: the median of the numbers in FILE, one per line.
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
run_client() { # run_client C OUT TRANSPORT [--raw]
    RONDA_HTTP_TRANSPORT="$3" RONDA_HTTP_LOOPS="$LOOPS" timeout $((DURATION + 60)) "$BIN" client \
        --url "$URL" --duration "$DURATION" --concurrency "$1" --warmup 1 "${@:4}" | tee "$2" || echo "(the client reported failures)"
}
run_python() { # run_python OUT
    timeout $((DURATION + 60)) "$VENV/bin/python" bench/requests_reference/client.py "$URL" \
        --threads 8 --duration "$DURATION" --warmup 1 | tee "$1" || echo "(the Python client reported failures)"
}
for C in $CONCURRENCIES; do
    echo "== warm-up: wrk -t1 -c$C -d${WARMUP}s"
    timeout $((WARMUP + 30)) wrk -t1 -c"$C" -d"${WARMUP}s" "$URL" >/dev/null
    : >"$WORK/wrk-$C.all"; : >"$WORK/scenario-$C.all"; : >"$WORK/ratio-$C.all"; : >"$WORK/python-ratio.all"
    # Rounds of wrk and Ronda back to back (and Python, at C=8): each ratio compares runs a few
    # seconds apart, and the median of the rounds' ratios is the figure (the machine's speed drifts).
    for ROUND in $(seq 1 "$ROUNDS"); do
        echo "== round $ROUND/$ROUNDS, C=$C: wrk -t1 -c$C -d${DURATION}s $URL"
        timeout $((DURATION + 30)) wrk -t1 -c"$C" -d"${DURATION}s" "$URL" | tee "$WORK/wrk-$C.txt"
        WRK_RPS="$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk-$C.txt")"
        [ -n "$WRK_RPS" ] || { echo "could not read wrk's Requests/sec" >&2; exit 1; }
        echo "== round $ROUND/$ROUNDS, C=$C: ronda scenario, multi transport"
        run_client "$C" "$WORK/scenario-$C.txt" multi
        SCENARIO="$(rps_of scenario "$WORK/scenario-$C.txt")"
        echo "$WRK_RPS" >>"$WORK/wrk-$C.all"
        if [ -n "$SCENARIO" ]; then
            echo "$SCENARIO" >>"$WORK/scenario-$C.all"
            ratio "$SCENARIO" "$WRK_RPS" >>"$WORK/ratio-$C.all"; echo >>"$WORK/ratio-$C.all"
            cpu_of "$WORK/scenario-$C.txt" >>"$WORK/cpu-$C.all"
        fi
        if [ "$C" = 8 ] && [ "$PYTHON" = 1 ]; then
            echo "== round $ROUND/$ROUNDS: python requests, 8 threads, a session each, GET + JSON check"
            run_python "$WORK/python.txt"
            PY_RPS="$(rps_of python-requests "$WORK/python.txt")"
            echo "$PY_RPS" >>"$WORK/python.all"
            cpu_of "$WORK/python.txt" >>"$WORK/python-cpu.all"
            [ -n "$SCENARIO" ] && [ -n "$PY_RPS" ] && { ratio "$SCENARIO" "$PY_RPS"; echo; } >>"$WORK/python-ratio.all"
        fi
    done
    echo "== ronda raw, multi transport (once)"
    run_client "$C" "$WORK/raw-$C.txt" multi --raw
    echo "== ronda scenario, threads transport (before 0.5; once)"
    run_client "$C" "$WORK/threads-$C.txt" threads

    WRK_MED="$(median "$WORK/wrk-$C.all")"
    RAW="$(rps_of raw "$WORK/raw-$C.txt")"
    THREADS="$(rps_of scenario "$WORK/threads-$C.txt")"
    {
        echo "   C=$C ($ROUNDS rounds; each ratio is one round's Ronda over that round's wrk, and the median of them is the figure)"
        printf "     %-40s %s req/s (median %s)\n" "wrk -t1 -c$C" "$(paste -sd' ' "$WORK/wrk-$C.all")" "$WRK_MED"
        printf "     %-40s %s req/s   ratios %s\n" "ronda scenario, multi transport" \
            "$(paste -sd' ' "$WORK/scenario-$C.all")" "$(paste -sd' ' "$WORK/ratio-$C.all")"
        printf "     %-40s median ronda/wrk = %s   (goal >= 0.5)   client CPU %s µs/req (median)\n" "" \
            "$(median "$WORK/ratio-$C.all")" "$(median "$WORK/cpu-$C.all")"
        printf "     %-40s %10s req/s   raw/wrk   = %s (median wrk)   client CPU %s µs/req\n" \
            "ronda HTTPSession.send, multi transport" "${RAW:-n/a}" "$(ratio "$RAW" "$WRK_MED")" "$(cpu_of "$WORK/raw-$C.txt")"
        printf "     %-40s %10s req/s   before/wrk = %s (median wrk)   client CPU %s µs/req\n" \
            "ronda scenario, threads transport" "${THREADS:-n/a}" "$(ratio "$THREADS" "$WRK_MED")" "$(cpu_of "$WORK/threads-$C.txt")"
    } >>"$SUMMARY"
    if [ "$C" = 8 ] && [ "$PYTHON" = 1 ]; then
        {
            echo "   Python requests (8 threads) vs ronda scenario (C=8), the same rounds"
            printf "     %-40s %s req/s   client CPU %s µs/req (median)\n" "python requests, 8 sessions" \
                "$(paste -sd' ' "$WORK/python.all")" "$(median "$WORK/python-cpu.all")"
            printf "     %-40s ratios %s   median ronda/python = %s   (goal >= 15)\n" "ronda scenario (C=8) / python" \
                "$(paste -sd' ' "$WORK/python-ratio.all")" "$(median "$WORK/python-ratio.all")"
        } >>"$SUMMARY"
    fi
done
if [ "$PYTHON" = 1 ] && ! grep -qw 8 <<<"$CONCURRENCIES"; then
    echo "   (the Python phase runs in the C=8 rounds; CONCURRENCIES has no 8)" >>"$SUMMARY"
fi

echo
echo "== summary (D=${DURATION}s, $CORES cores shared by the server and every client)"
cat "$SUMMARY"
