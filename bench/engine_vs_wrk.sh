#!/usr/bin/env bash
# Engine throughput vs wrk and vs Python requests, in one run, against one local server.
#
#   bench/engine_vs_wrk.sh                      # C=8 and C=64, D=5 s
#   CONCURRENCIES="8" DURATION=10 bench/engine_vs_wrk.sh
#
# Builds the EngineThroughput benchmark in release. For each server in SERVERS it starts that
# server (GET /ping -> {"ok":true}) on a free loopback port as a separate process, warms it
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
# It prints each req/s, the client's CPU per request, the server's CPU per request (from
# /proc, for each client) and the ratios. Nothing asserts a time.
#
# The servers: `nio` answers in a SwiftNIO channel handler on the connection's event loop;
# `hummingbird` is a Hummingbird 2 app (the server of the first measurement), which hands each
# request from NIO's loop to a Swift task and back. On these shared cores the Hummingbird
# server's CPU per request depends on the client's pace (two thread wake-ups per request when
# the client is not saturating it), so it charges a slower client more of the cores they
# share; docs/performance.md shows the figures. Both run, nio first.
#
# Environment: SERVERS ("nio hummingbird"), CONCURRENCIES ("8 64"), DURATION (5, seconds), WARMUP (2, seconds), ROUNDS (3),
# LOOPS (RONDA_HTTP_LOOPS for the multi phases; unset: ronda's default, one per core), BUILD (1; 0 skips the build),
# PYTHON (0 skips the Python runs).
set -euo pipefail

SERVERS="${SERVERS:-nio hummingbird}"
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
# Made again when it cannot import requests (also a venv left half-made by an interrupted run).
if [ "$PYTHON" = 1 ] && ! "$VENV/bin/python" -c "import requests" 2>/dev/null; then
    echo "== making the Python requests venv ($VENV)"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r bench/requests_reference/requirements.txt
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then stop_server; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_server KIND: starts it on a free port (--port 0: the kernel picks; the server prints
# it once listening) and sets SERVER_PID and URL.
start_server() {
    "$BIN" serve --port 0 --server "$1" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    PORT=""
    for _ in $(seq 1 200); do
        PORT="$(sed -n 's/^listening 127\.0\.0\.1://p' "$WORK/server.log")"
        [ -n "$PORT" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
        sleep 0.1
    done
    [ -n "$PORT" ] || { echo "the $1 server did not start within 20 s" >&2; exit 1; }
    URL="http://127.0.0.1:$PORT/ping"
}
stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
# server_ticks: the server's CPU time so far (user + system), in clock ticks.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
TICK_HZ="$(getconf CLK_TCK)"
# server_us REQUESTS TICKS: the server's CPU per request, µs.
server_us() { awk -v r="$1" -v t="$2" -v hz="$TICK_HZ" 'BEGIN { if (r > 0) printf "%.1f", t / hz * 1000000 / r; else print "n/a" }'; }

CORES="$(nproc)"
echo "== machine: $CORES cores ($(uname -srm)); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "   NOTE: server, wrk and the clients all share these $CORES cores (loopback); every figure"
echo "   below is throughput under that contention, not the capacity of any one of them."
echo "   load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine skew every figure)"
echo "== servers: $SERVERS   concurrencies C=$CONCURRENCIES   duration D=${DURATION}s   rounds $ROUNDS"

ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }
rps_of() { sed -n "s/^RESULT mode=$1 rps=\([0-9.]*\).*/\1/p" "$2"; }
cpu_of() { sed -n 's/^client CPU (user + system): .*, \([0-9.]*\) µs per request/\1/p' "$1"; }

SUMMARY="$WORK/summary.txt"
: >"$SUMMARY"
# median FILE: the median of the numbers in FILE, one per line.
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The clients warm up for 1 s before their D seconds, at about the same rate: the server's ticks
# over the whole client run are divided by the measured requests scaled by (D + 1) / D.
WARM_SCALE="$(awk -v d="$DURATION" 'BEGIN { printf "%.4f", (d + 1) / d }')"
requests_of() { sed -n 's/^RESULT .* requests=\([0-9]*\).*/\1/p' "$1"; }
warm_requests() { awk -v r="$1" -v s="$WARM_SCALE" 'BEGIN { printf "%d", r * s }'; }
# measured OUT COUNT CMD...: runs CMD, its output shown and kept in OUT, and appends to OUT.server
# the server's CPU per request over the run (COUNT reads the requests from OUT).
measured() {
    local out="$1" count="$2" before after
    shift 2
    before="$(server_ticks)"
    "$@" | tee "$out" || echo "(the client reported failures)"
    after="$(server_ticks)"
    server_us "$("$count" "$out")" $((after - before)) >>"$out.server"; echo >>"$out.server"
}
client_requests() { warm_requests "$(requests_of "$1")"; }
wrk_requests() { awk '/requests in/ { print $1 }' "$1"; }
run_client() { # run_client C OUT TRANSPORT [--raw]
    measured "$2" client_requests env RONDA_HTTP_TRANSPORT="$3" RONDA_HTTP_LOOPS="$LOOPS" \
        timeout $((DURATION + 60)) "$BIN" client --url "$URL" --duration "$DURATION" --concurrency "$1" --warmup 1 "${@:4}"
}
run_python() { # run_python OUT
    measured "$1" client_requests timeout $((DURATION + 60)) "$VENV/bin/python" bench/requests_reference/client.py "$URL" \
        --threads 8 --duration "$DURATION" --warmup 1
}
run_wrk() { # run_wrk C OUT
    measured "$2" wrk_requests timeout $((DURATION + 30)) wrk -t1 -c"$1" -d"${DURATION}s" "$URL"
}
for SERVER in $SERVERS; do
    start_server "$SERVER"
    rm -f "$WORK"/*.all "$WORK"/*.server
    echo "== server: $SERVER at $URL (pid $SERVER_PID)"
    echo " server: $SERVER" >>"$SUMMARY"
    for C in $CONCURRENCIES; do
        echo "== warm-up: wrk -t1 -c$C -d${WARMUP}s"
        timeout $((WARMUP + 30)) wrk -t1 -c"$C" -d"${WARMUP}s" "$URL" >/dev/null
        : >"$WORK/wrk-$C.all"; : >"$WORK/scenario-$C.all"; : >"$WORK/ratio-$C.all"; : >"$WORK/cpu-$C.all"
        : >"$WORK/python.all"; : >"$WORK/python-cpu.all"; : >"$WORK/python-ratio.all"
        # Rounds of wrk and Ronda back to back (and Python, at C=8): each ratio compares runs a few
        # seconds apart, and the median of the rounds' ratios is the figure (the machine's speed drifts).
        for ROUND in $(seq 1 "$ROUNDS"); do
            echo "== $SERVER, round $ROUND/$ROUNDS, C=$C: wrk -t1 -c$C -d${DURATION}s $URL"
            run_wrk "$C" "$WORK/wrk-$C.txt"
            WRK_RPS="$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk-$C.txt")"
            [ -n "$WRK_RPS" ] || { echo "could not read wrk's Requests/sec" >&2; exit 1; }
            echo "== $SERVER, round $ROUND/$ROUNDS, C=$C: ronda scenario, multi transport"
            run_client "$C" "$WORK/scenario-$C.txt" multi
            SCENARIO="$(rps_of scenario "$WORK/scenario-$C.txt")"
            echo "$WRK_RPS" >>"$WORK/wrk-$C.all"
            if [ -n "$SCENARIO" ]; then
                echo "$SCENARIO" >>"$WORK/scenario-$C.all"
                ratio "$SCENARIO" "$WRK_RPS" >>"$WORK/ratio-$C.all"; echo >>"$WORK/ratio-$C.all"
                cpu_of "$WORK/scenario-$C.txt" >>"$WORK/cpu-$C.all"
            fi
            if [ "$C" = 8 ] && [ "$PYTHON" = 1 ]; then
                echo "== $SERVER, round $ROUND/$ROUNDS: python requests, 8 threads, a session each, GET + JSON check"
                run_python "$WORK/python.txt"
                PY_RPS="$(rps_of python-requests "$WORK/python.txt")"
                echo "$PY_RPS" >>"$WORK/python.all"
                cpu_of "$WORK/python.txt" >>"$WORK/python-cpu.all"
                [ -n "$SCENARIO" ] && [ -n "$PY_RPS" ] && { ratio "$SCENARIO" "$PY_RPS"; echo; } >>"$WORK/python-ratio.all"
            fi
        done
        echo "== $SERVER: ronda raw, multi transport (once)"
        run_client "$C" "$WORK/raw-$C.txt" multi --raw
        echo "== $SERVER: ronda scenario, threads transport (before 0.5; once)"
        run_client "$C" "$WORK/threads-$C.txt" threads

        WRK_MED="$(median "$WORK/wrk-$C.all")"
        RAW="$(rps_of raw "$WORK/raw-$C.txt")"
        THREADS="$(rps_of scenario "$WORK/threads-$C.txt")"
        {
            echo "   C=$C ($ROUNDS rounds; each ratio is one round's Ronda over that round's wrk, and the median of them is the figure)"
            printf "     %-40s %s req/s (median %s)   server CPU %s µs/req (median)\n" "wrk -t1 -c$C" \
                "$(paste -sd' ' "$WORK/wrk-$C.all")" "$WRK_MED" "$(median "$WORK/wrk-$C.txt.server")"
            printf "     %-40s %s req/s   ratios %s\n" "ronda scenario, multi transport" \
                "$(paste -sd' ' "$WORK/scenario-$C.all")" "$(paste -sd' ' "$WORK/ratio-$C.all")"
            printf "     %-40s median ronda/wrk = %s   (goal >= 0.5)   client CPU %s µs/req, server CPU %s µs/req (medians)\n" "" \
                "$(median "$WORK/ratio-$C.all")" "$(median "$WORK/cpu-$C.all")" "$(median "$WORK/scenario-$C.txt.server")"
            printf "     %-40s %10s req/s   raw/wrk   = %s (median wrk)   client CPU %s µs/req, server %s\n" \
                "ronda HTTPSession.send, multi transport" "${RAW:-n/a}" "$(ratio "$RAW" "$WRK_MED")" \
                "$(cpu_of "$WORK/raw-$C.txt")" "$(median "$WORK/raw-$C.txt.server")"
            printf "     %-40s %10s req/s   before/wrk = %s (median wrk)   client CPU %s µs/req, server %s\n" \
                "ronda scenario, threads transport" "${THREADS:-n/a}" "$(ratio "$THREADS" "$WRK_MED")" \
                "$(cpu_of "$WORK/threads-$C.txt")" "$(median "$WORK/threads-$C.txt.server")"
        } >>"$SUMMARY"
        if [ "$C" = 8 ] && [ "$PYTHON" = 1 ]; then
            {
                echo "   Python requests (8 threads) vs ronda scenario (C=8), the same rounds"
                printf "     %-40s %s req/s   client CPU %s µs/req, server CPU %s µs/req (medians)\n" \
                    "python requests, 8 sessions" "$(paste -sd' ' "$WORK/python.all")" \
                    "$(median "$WORK/python-cpu.all")" "$(median "$WORK/python.txt.server")"
                printf "     %-40s ratios %s   median ronda/python = %s   (goal >= 15)\n" "ronda scenario (C=8) / python" \
                    "$(paste -sd' ' "$WORK/python-ratio.all")" "$(median "$WORK/python-ratio.all")"
            } >>"$SUMMARY"
        fi
    done
    stop_server
done
if [ "$PYTHON" = 1 ] && ! grep -qw 8 <<<"$CONCURRENCIES"; then
    echo "   (the Python phase runs in the C=8 rounds; CONCURRENCIES has no 8)" >>"$SUMMARY"
fi

echo
echo "== summary (D=${DURATION}s, $CORES cores shared by the server and every client)"
cat "$SUMMARY"
