#!/usr/bin/env bash
# Engine throughput vs wrk, in one run, against one local server.
#
#   bench/engine_vs_wrk.sh                      # C=8 connections/loops, D=5 s
#   CONCURRENCY=16 DURATION=10 bench/engine_vs_wrk.sh
#
# Builds the EngineThroughput benchmark in release, starts its Hummingbird server
# (GET /ping -> {"ok":true}) on a free loopback port as a separate process, warms it
# up with wrk, then measures, against that same server:
#   1. wrk -t1 -cC -dD         (the reference: keep-alive, C connections)
#   2. Ronda, scenario mode    (ScenarioRunner.run of a one-step GET scenario in C loops)
#   3. Ronda, raw mode         (HTTPSession.send alone, one session per loop)
#   4. Ronda, raw, fresh       (HTTPSession.send with a new session per request — the
#                               connection pattern of one scenario run; a diagnostic)
# and prints each req/s and the ratios ronda/wrk and raw/wrk. Nothing asserts a time.
#
# Environment: CONCURRENCY (8), DURATION (5, seconds), WARMUP (2, seconds),
# CURL_THREADS (unset = CurlExecutor.shared, as ronda uses), BUILD (1; 0 skips the build).
set -euo pipefail

CONCURRENCY="${CONCURRENCY:-8}"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-2}"
BUILD="${BUILD:-1}"
CURL_THREADS="${CURL_THREADS:-}"

cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

if [ "$BUILD" = 1 ]; then
    echo "== building EngineThroughput (release; several minutes on 2 cores the first time)"
    timeout 3600 swift build -c release --product EngineThroughput 2>&1 | grep -E "error|warning: .*EngineThroughput|Compiling|Build" | tail -5
fi
BIN="$(swift build -c release --show-bin-path)/EngineThroughput"
[ -x "$BIN" ] || { echo "no benchmark binary at $BIN" >&2; exit 2; }

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
echo "   NOTE: server, wrk and the Ronda client all share these $CORES cores (loopback); every figure"
echo "   below is throughput under that contention, not the capacity of any one of them."
echo "   load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine skew every figure)"
echo "== server: $URL (pid $SERVER_PID)   concurrency C=$CONCURRENCY   duration D=${DURATION}s"

echo "== warm-up: wrk -t1 -c$CONCURRENCY -d${WARMUP}s"
timeout $((WARMUP + 30)) wrk -t1 -c"$CONCURRENCY" -d"${WARMUP}s" "$URL" >/dev/null

echo "== wrk -t1 -c$CONCURRENCY -d${DURATION}s $URL"
timeout $((DURATION + 30)) wrk -t1 -c"$CONCURRENCY" -d"${DURATION}s" "$URL" | tee "$WORK/wrk.txt"
WRK_RPS="$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.txt")"
[ -n "$WRK_RPS" ] || { echo "could not read wrk's Requests/sec" >&2; exit 1; }

CLIENT_ARGS=(--url "$URL" --duration "$DURATION" --concurrency "$CONCURRENCY" --warmup 1)
[ -n "$CURL_THREADS" ] && CLIENT_ARGS+=(--curl-threads "$CURL_THREADS")

echo "== ronda scenario: $BIN client ${CLIENT_ARGS[*]}"
timeout $((DURATION + 60)) "$BIN" client "${CLIENT_ARGS[@]}" | tee "$WORK/scenario.txt" || echo "(the scenario client reported failures)"
SCENARIO_RPS="$(sed -n 's/^RESULT mode=scenario rps=\([0-9.]*\).*/\1/p' "$WORK/scenario.txt")"

echo "== ronda raw: $BIN client ${CLIENT_ARGS[*]} --raw"
timeout $((DURATION + 60)) "$BIN" client "${CLIENT_ARGS[@]}" --raw | tee "$WORK/raw.txt" || echo "(the raw client reported failures)"
RAW_RPS="$(sed -n 's/^RESULT mode=raw rps=\([0-9.]*\).*/\1/p' "$WORK/raw.txt")"

echo "== ronda raw, new session per request: $BIN client ${CLIENT_ARGS[*]} --raw --fresh-session"
timeout $((DURATION + 60)) "$BIN" client "${CLIENT_ARGS[@]}" --raw --fresh-session | tee "$WORK/fresh.txt" || echo "(the raw client reported failures)"
FRESH_RPS="$(sed -n 's/^RESULT mode=raw-fresh rps=\([0-9.]*\).*/\1/p' "$WORK/fresh.txt")"

ratio() { [ -n "$1" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || echo "n/a"; }
echo
echo "== summary (C=$CONCURRENCY, D=${DURATION}s, $CORES cores shared by server, wrk and client)"
printf "   %-34s %10s req/s\n" "wrk -t1 -c$CONCURRENCY" "$WRK_RPS"
printf "   %-34s %10s req/s   ronda/wrk = %s   (goal >= 0.5)\n" "ronda ScenarioRunner (scenario)" "${SCENARIO_RPS:-n/a}" "$(ratio "$SCENARIO_RPS" "$WRK_RPS")"
printf "   %-34s %10s req/s   raw/wrk   = %s\n" "ronda HTTPSession.send (raw)" "${RAW_RPS:-n/a}" "$(ratio "$RAW_RPS" "$WRK_RPS")"
printf "   %-34s %10s req/s   fresh/wrk = %s\n" "  same, new session per request" "${FRESH_RPS:-n/a}" "$(ratio "$FRESH_RPS" "$WRK_RPS")"
