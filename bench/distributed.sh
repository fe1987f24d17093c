#!/usr/bin/env bash
# Distributed-mode benchmark: Ronda's Redis queue and worker against Celery on the same Redis and
# PostgreSQL, measured in the same run, plus the worker's memory. See docs/performance.md.
#
#   bench/distributed.sh                        # a person at a terminal: release build first
#   PHASES=soak SOAK_SECONDS=1800 bench/distributed.sh   # only the worker's memory over time
#   BUILD=0 bench/distributed.sh                # use the release binaries already built
#   JOBS=50000 RONDA_JOBS=200000 CONCURRENCY=32 bench/distributed.sh
#
# It starts its own redis-server and PostgreSQL 15 (temporary folder, free loopback ports; the
# helpers are ops/lib/servers.sh, shared with ops/cluster.sh), then measures one after the other:
#   a. Ronda queue only:  QueueThroughput --mode queue (lease → ack of N no-op jobs)
#   b. Ronda end to end:  QueueThroughput --mode e2e (lease → INSERT result → commit → ack)
#   c. Celery, the same two (bench/celery_reference/run.py: prefork and threads pools, the faster
#      is the reference; it installs Celery into .build-bench/venv by itself)
#   d. worker memory: `ronda worker --concurrency 1` idle for 3 s (VmRSS), the same with
#      docker-compose.yml's worker flags (ronda.yml, --concurrency 8, --metrics-port, JSON logs), then
#      `ronda worker --concurrency 32` while `QueueThroughput --mode enqueue-only` feeds it N jobs
#      (GET /health scenarios against the demo target; peak VmRSS, sampled every 100 ms until the
#      queue is drained). The goal is for the worker as deployed — deploy/Dockerfile's build,
#      Swift libraries linked statically (.build-static) —; the development build (.build) is
#      measured the same way for comparison.
#   d'. worker CPU: the worker's user + system CPU seconds (/proc/PID/stat) per 1,000 of those
#      one-step scenarios, from the busy run of d (multi transport, the default), and from the
#      same run on RONDA_HTTP_TRANSPORT=threads (the transport before 0.5): before and after.
#   e. worker memory over time (SOAK_SECONDS, default 1800; 0 skips it): the same worker at
#      concurrency 32, fed SOAK_BATCH scenarios every 10 s for the whole soak, VmRSS sampled every
#      10 s; it reports the RSS after the first 15 minutes (warm-up, SOAK_WARMUP), at the end, and
#      the slope of a least-squares line through the samples after warm-up, in MB per hour. Goal:
#      flat (the slope under 1 MB/h and the end within 1 MB of the warm RSS). The warm-up is 15
#      minutes because a two-hour soak showed the climb (thread stacks, allocator arenas, libcurl
#      caches filling) ends there and the RSS then moves by < 0.1 MB (docs/performance.md).
# and prints a table: each figure, its goal and the ratio to Celery. Goals: queue ≥ 25,000 jobs/s,
# e2e ≥ 5,000 jobs/s, each ≥ 5× Celery; worker RSS idle ≤ 30 MB, at concurrency 32 ≤ 60 MB.
# Nothing asserts a goal: exit 0 when every figure was measured (met or not), 1 when a measurement
# could not run (e.g. a missing binary: the message says which and how to build it), 2 when the
# servers could not start.
#
# BUILD (default: 1 when run from a terminal outside CI, else 0) runs
# `swift build -c release --product ronda` and `--product QueueThroughput` first (one product per
# call: given two, SwiftPM builds only the last). Automated callers
# (CI, agents) pass BUILD=0 and build separately; BUILD=1 also builds the worker as deployed
# (`ops/build-release.sh --build-path .build-static`).
# RONDA_BIN, QT_BIN and WORKER_BIN point at other binaries (default .build/release/ronda,
# .build/release/QueueThroughput and .build-static/release/ronda).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
SRV_PROG=distributed.sh
# shellcheck source=ops/lib/servers.sh
. "$ROOT/ops/lib/servers.sh"

JOBS=${JOBS:-20000}
# Ronda finishes 20,000 no-op jobs in under a second, where connection set-up still counts; its
# runs take more jobs so they measure the steady state (throughput is per second either way).
RONDA_JOBS=${RONDA_JOBS:-100000}
CONCURRENCY=${CONCURRENCY:-32}
FEED_JOBS=${FEED_JOBS:-20000}
SOAK_SECONDS=${SOAK_SECONDS:-1800}
# Which phases to run (a subset of: ronda celery memory cpu soak); the table shows "-" for the others.
PHASES=${PHASES:-ronda celery memory cpu soak}
want() { case " $PHASES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
SOAK_BATCH=${SOAK_BATCH:-2000}
SOAK_WARMUP=${SOAK_WARMUP:-900}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-600}
if [ -z "${BUILD:-}" ]; then
  if [ -t 0 ] && [ -z "${CI:-}" ]; then BUILD=1; else BUILD=0; fi
fi
BIN=$ROOT/.build/release
RONDA=${RONDA_BIN:-$BIN/ronda}
QT=${QT_BIN:-$BIN/QueueThroughput}
WORKER=${WORKER_BIN:-$ROOT/.build-static/release/ronda}

if [ "$BUILD" = 1 ]; then
  echo "== swift build -c release --product ronda; swift build -c release --product QueueThroughput"
  { swift build -c release --product ronda && swift build -c release --product QueueThroughput; } 2>&1 | tail -n 3 || {
    echo "distributed.sh: the release build failed" >&2
    exit 1
  }
  echo "== ops/build-release.sh --build-path .build-static (the worker as deploy/Dockerfile builds it)"
  ops/build-release.sh --build-path .build-static 2>&1 | tail -n 3 || {
    echo "distributed.sh: the static release build failed" >&2
    exit 1
  }
fi

WORK=$(mktemp -d /tmp/ronda-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=$WORK/pids
LOGS=$WORK/logs
mkdir -p "$PIDS" "$LOGS"
OUT_DIR=$ROOT/bench/out
mkdir -p "$OUT_DIR"
REPORT=$OUT_DIR/distributed-$(date -u +%Y%m%dT%H%M%SZ).txt

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local n
  for n in worker-rss feeder demo-target; do srv_stop "$PIDS" "$n" TERM 20 >/dev/null 2>&1 || true; done
  if srv_pid "$PIDS" postgres >/dev/null 2>&1; then srv_pg_stop "$WORK/pg" fast; fi
  if srv_pid "$PIDS" redis >/dev/null 2>&1; then
    "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
    srv_stop "$PIDS" redis TERM 10 >/dev/null 2>&1 || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "logs kept in $WORK/logs"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- servers ---------------------------------------------------------------------------------------
srv_free_port REDIS_PORT
srv_free_port PG_PORT
(srv_redis_start "$PIDS" redis "$LOGS/redis.log" "$WORK/redis" "$REDIS_PORT" no) || exit 2
PG_SUPER=$WORK/pg-superuser-password
(umask 077 && srv_random_secret >"$PG_SUPER")
PG_APP_PASSWORD=$(srv_random_secret)
(srv_pg_init "$WORK/pg" "$PG_SUPER" && srv_pg_start "$PIDS" postgres "$LOGS/postgres.log" "$WORK/pg" "$PG_PORT" &&
  srv_pg_create_app_db "$PG_PORT" "$PG_SUPER" bench "$PG_APP_PASSWORD" bench) || exit 2
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
DATABASE_URL=postgres://bench:$PG_APP_PASSWORD@127.0.0.1:$PG_PORT/bench
export RONDA_REDIS_URL=$REDIS_URL RONDA_DATABASE_URL=$DATABASE_URL

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); redis $("$REDIS_SERVER" --version | awk '{print $3}'); jobs $JOBS, concurrency $CONCURRENCY"
echo "   redis 127.0.0.1:$REDIS_PORT, postgres 127.0.0.1:$PG_PORT (temporary, $WORK)"

MISSING=0
declare -A FIG NOTE

flush_redis() { "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" FLUSHALL >/dev/null; }

# last_rate FILE: the float of the last `jobs_per_second=` line.
last_rate() { grep -o 'jobs_per_second=[0-9.]*' "$1" | tail -n 1 | cut -d= -f2; }

# need BIN PRODUCT [BUILD-COMMAND]: BIN exists, or a message says how to build it.
need() {
  local bin=$1 build=${3:-swift build -c release --product $2}
  [ -x "$bin" ] && return 0
  echo "distributed.sh: $bin is missing: build it with '$build' (or run without BUILD=0)" >&2
  MISSING=1
  return 1
}

# rel PATH: PATH relative to the checkout, for messages.
rel() { printf '%s' "${1#"$ROOT"/}"; }

# phase KEY TITLE COMMAND...: runs one measurement with a time limit, shows its output, records
# its jobs_per_second as FIG[KEY].
phase() {
  local key=$1 title=$2
  shift 2
  echo "== $title"
  local log=$LOGS/$key.log
  if timeout "$PHASE_TIMEOUT" "$@" >"$log" 2>&1; then
    sed 's/^/   /' "$log" | tail -n 8
    FIG[$key]=$(last_rate "$log")
    [ -n "${FIG[$key]}" ] || { NOTE[$key]="no jobs_per_second= line"; MISSING=1; }
  else
    local rc=$?
    sed 's/^/   /' "$log" | tail -n 12
    NOTE[$key]="failed (exit $rc; see above)"
    MISSING=1
  fi
}

# --- a, b: Ronda ---------------------------------------------------------------------------------
if ! want ronda; then
  NOTE[ronda_queue]="skipped"
  NOTE[ronda_e2e]="skipped"
elif need "$QT" QueueThroughput; then
  flush_redis
  phase ronda_queue "Ronda queue only ($RONDA_JOBS jobs, concurrency $CONCURRENCY)" \
    "$QT" --redis-url "$REDIS_URL" --jobs "$RONDA_JOBS" --concurrency "$CONCURRENCY" --mode queue
  flush_redis
  phase ronda_e2e "Ronda end to end ($RONDA_JOBS jobs, concurrency $CONCURRENCY)" \
    "$QT" --redis-url "$REDIS_URL" --database-url "$DATABASE_URL" --jobs "$RONDA_JOBS" --concurrency "$CONCURRENCY" --mode e2e
else
  NOTE[ronda_queue]="missing QueueThroughput"
  NOTE[ronda_e2e]="missing QueueThroughput"
fi

# --- c: Celery -----------------------------------------------------------------------------------
if want celery; then
  flush_redis
  phase celery_queue "Celery queue only ($JOBS jobs; prefork -c $(nproc) and threads -c $CONCURRENCY)" \
    python3 bench/celery_reference/run.py --redis-url "$REDIS_URL" --jobs "$JOBS" --concurrency "$CONCURRENCY" --mode queue
  flush_redis
  phase celery_e2e "Celery end to end ($JOBS jobs; prefork -c $(nproc) and threads -c $CONCURRENCY)" \
    python3 bench/celery_reference/run.py --redis-url "$REDIS_URL" --database-url "$DATABASE_URL" --jobs "$JOBS" --concurrency "$CONCURRENCY" --mode e2e
else
  NOTE[celery_queue]="skipped"
  NOTE[celery_e2e]="skipped"
fi

# --- d: worker memory ----------------------------------------------------------------------------
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# group_field FIELD: a field of the consumer group `workers` on ronda:jobs (XINFO GROUPS).
group_field() {
  "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" XINFO GROUPS ronda:jobs 2>/dev/null |
    awk -v f="$1" 'prev == f { print; exit } { prev = $0 }'
}

# queue_drained: every job the feeder put on ronda:jobs was read by the workers and acknowledged.
queue_drained() {
  local read pending lag
  read=$(group_field entries-read)
  pending=$(group_field pending)
  lag=$(group_field lag)
  [ -n "$read" ] && [ "$read" -ge "$FEED_JOBS" ] && [ "${pending:-1}" = 0 ] && [ "${lag:-1}" = 0 ]
}

# measure_idle FIGKEY LOG TITLE CMD...: FIG[FIGKEY] is the VmRSS (MB) of CMD, a worker, 3 s after start.
measure_idle() {
  local figkey=$1 log=$2 title=$3 pid
  shift 3
  srv_spawn "$PIDS" worker-rss "$log" "$@"
  sleep 3
  if pid=$(srv_pid "$PIDS" worker-rss); then
    FIG[$figkey]=$(awk -v kb="$(rss_kb "$pid")" 'BEGIN {printf "%.1f", kb / 1024}')
    echo "   idle, $title, after 3 s: ${FIG[$figkey]} MB"
  else
    NOTE[$figkey]="the worker exited"
    sed 's/^/   /' "$log" | tail -n 5
    MISSING=1
  fi
  srv_stop "$PIDS" worker-rss TERM 30
}

# measure_memory KEY BIN LABEL: FIG[KEY_idle] and FIG[KEY_busy] for the worker binary BIN.
measure_memory() {
  local key=$1 bin=$2 label=$3 pid peak samples deadline kb added
  echo "== worker memory: $label"
  if ! "$bin" migrate >"$LOGS/migrate.log" 2>&1; then
    sed 's/^/   /' "$LOGS/migrate.log" | tail -n 5
    NOTE[${key}_idle]="ronda migrate failed"
    NOTE[${key}_busy]="ronda migrate failed"
    MISSING=1
    return
  fi
  flush_redis
  measure_idle "${key}_idle" "$LOGS/worker-idle-$key.log" "concurrency 1" "$bin" worker --concurrency 1 --name bench-idle
  # Idle again with the command line of docker-compose.yml's worker service: the repository's
  # ronda.yml, concurrency 8, the metrics port, JSON logs.
  measure_idle "${key}_idle_compose" "$LOGS/worker-idle-compose-$key.log" \
    "as docker-compose.yml runs it (config, concurrency 8, metrics port, JSON logs)" \
    "$bin" worker --config "$ROOT/ronda.yml" --concurrency 8 --metrics-port 0 --metrics-host 127.0.0.1 \
    --log-format json --log-level info --name bench-idle-compose

  measure_busy "$key" "$bin" multi
}

# cpu_ticks PID: user + system CPU time of the process so far, in clock ticks (/proc/PID/stat).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

# measure_busy KEY BIN TRANSPORT: FIG[KEY_busy] (peak RSS) and FIG[KEY_cpu] (the worker's CPU
# seconds, user + system, per 1,000 one-step scenarios) for BIN at concurrency 32 on the HTTP
# transport TRANSPORT (RONDA_HTTP_TRANSPORT: multi or threads).
measure_busy() {
  local key=$1 bin=$2 transport=$3 pid peak samples deadline kb added ticks_before ticks_after
  "$bin" migrate >"$LOGS/migrate-$key.log" 2>&1 || { NOTE[${key}_busy]="ronda migrate failed"; MISSING=1; return; }
  if ! need "$QT" QueueThroughput; then
    NOTE[${key}_busy]="missing QueueThroughput"
    return
  fi
  flush_redis
  # The jobs are real scenarios (GET /health) against the demo target, recorded in PostgreSQL.
  srv_free_port DEMO_PORT
  srv_spawn "$PIDS" demo-target "$LOGS/demo-target.log" "$RONDA" demo-target --port "$DEMO_PORT"
  srv_wait_until 20 "the demo target" srv_port_listening "$DEMO_PORT" || true
  srv_spawn "$PIDS" worker-rss "$LOGS/worker-busy-$key.log" env RONDA_HTTP_TRANSPORT="$transport" \
    "$bin" worker --concurrency 32 --name bench-busy
  sleep 1
  ticks_before=""
  if pid=$(srv_pid "$PIDS" worker-rss); then ticks_before=$(cpu_ticks "$pid"); fi
  srv_spawn "$PIDS" feeder "$LOGS/feeder.log" "$QT" --redis-url "$REDIS_URL" --database-url "$DATABASE_URL" \
    --base-url "http://127.0.0.1:$DEMO_PORT" --jobs "$FEED_JOBS" --mode enqueue-only
  peak=0
  samples=0
  deadline=$((SECONDS + PHASE_TIMEOUT))
  while pid=$(srv_pid "$PIDS" worker-rss); do
    kb=$(rss_kb "$pid")
    [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
    samples=$((samples + 1))
    if ! srv_pid "$PIDS" feeder >/dev/null; then
      if queue_drained; then
        ticks_after=$(cpu_ticks "$pid")
        break
      fi
      # The feeder is done: its jobs must be on the stream the workers read.
      added=$("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" XINFO STREAM ronda:jobs 2>/dev/null |
        awk 'prev == "entries-added" { print; exit } { prev = $0 }')
      if [ "${added:-0}" -lt "$FEED_JOBS" ]; then
        NOTE[${key}_busy]="feeder's jobs not on ronda:jobs"
        echo "   QueueThroughput --mode enqueue-only finished, but ronda:jobs holds fewer than $FEED_JOBS jobs: it enqueued elsewhere, so the worker had nothing to run (see $LOGS/feeder.log)" >&2
        MISSING=1
        break
      fi
    fi
    [ "$SECONDS" -lt "$deadline" ] || { NOTE[${key}_busy]="the queue did not drain within ${PHASE_TIMEOUT}s"; break; }
    sleep 0.1
  done
  if [ -n "${NOTE[${key}_busy]:-}" ]; then
    :
  elif srv_pid "$PIDS" worker-rss >/dev/null; then
    FIG[${key}_busy]=$(awk -v kb="$peak" 'BEGIN {printf "%.1f", kb / 1024}')
    echo "   concurrency 32, $transport transport, $FEED_JOBS jobs: peak ${FIG[${key}_busy]} MB over $samples samples"
    if [ -n "$ticks_before" ] && [ -n "${ticks_after:-}" ]; then
      FIG[${key}_cpu]=$(awk -v t="$((ticks_after - ticks_before))" -v hz="$(getconf CLK_TCK)" -v n="$FEED_JOBS" \
        'BEGIN { printf "%.2f", t / hz / n * 1000 }')
      echo "   worker CPU (user + system) per 1,000 scenarios: ${FIG[${key}_cpu]} s"
    fi
  else
    NOTE[${key}_busy]="the worker exited"
    sed 's/^/   /' "$LOGS/worker-busy-$key.log" | tail -n 5
    MISSING=1
  fi
  srv_stop "$PIDS" feeder TERM 10
  srv_stop "$PIDS" worker-rss TERM 60
  srv_stop "$PIDS" demo-target TERM 20
}


# soak KEY BIN LABEL: RSS of a worker at concurrency 32 fed a steady load for SOAK_SECONDS.
soak() {
  local key=$1 bin=$2 label=$3 pid kb start now feeds=0
  [ "$SOAK_SECONDS" -gt 0 ] || { NOTE[${key}_soak]="skipped (SOAK_SECONDS=0)"; return; }
  need "$QT" QueueThroughput || { NOTE[${key}_soak]="missing QueueThroughput"; return; }
  echo "== worker memory over ${SOAK_SECONDS}s: $label ($SOAK_BATCH scenarios every 10 s)"
  flush_redis
  srv_free_port DEMO_PORT
  srv_spawn "$PIDS" demo-target "$LOGS/demo-target-soak.log" "$RONDA" demo-target --port "$DEMO_PORT"
  srv_wait_until 20 "the demo target" srv_port_listening "$DEMO_PORT" || true
  srv_spawn "$PIDS" worker-rss "$LOGS/worker-soak-$key.log" "$bin" worker --concurrency 32 --name bench-soak
  : >"$LOGS/soak-$key.tsv"
  start=$SECONDS
  while [ $((SECONDS - start)) -lt "$SOAK_SECONDS" ]; do
    pid=$(srv_pid "$PIDS" worker-rss) || { NOTE[${key}_soak]="the worker exited"; MISSING=1; break; }
    "$QT" --redis-url "$REDIS_URL" --database-url "$DATABASE_URL" --base-url "http://127.0.0.1:$DEMO_PORT" \
      --jobs "$SOAK_BATCH" --mode enqueue-only >>"$LOGS/soak-feeder.log" 2>&1 && feeds=$((feeds + 1))
    kb=$(rss_kb "$pid")
    now=$((SECONDS - start))
    [ -n "$kb" ] && printf '%s\t%s\n' "$now" "$kb" >>"$LOGS/soak-$key.tsv"
    sleep 10
  done
  srv_stop "$PIDS" worker-rss TERM 60
  srv_stop "$PIDS" demo-target TERM 20
  [ -n "${NOTE[${key}_soak]:-}" ] && return
  # warm RSS (first sample after warm-up), last RSS, least-squares slope after warm-up (MB/h).
  FIG[${key}_soak]=$(awk -v w="$SOAK_WARMUP" '
    $1 >= w { n++; x += $1; y += $2; xx += $1 * $1; xy += $1 * $2; if (!warm) warm = $2; last = $2 }
    END {
      if (n < 3) { print "too short"; exit }
      slope = (n * xy - x * y) / (n * xx - x * x)      # kB per second
      printf "%.1f -> %.1f MB, %+.2f MB/h", warm / 1024, last / 1024, slope * 3600 / 1024
    }' "$LOGS/soak-$key.tsv")
  FIG[${key}_soak_slope]=$(awk -v w="$SOAK_WARMUP" '
    $1 >= w { n++; x += $1; y += $2; xx += $1 * $1; xy += $1 * $2; if (!warm) warm = $2; last = $2 }
    END { if (n >= 3) printf "%.2f %.2f", ((n * xy - x * y) / (n * xx - x * x)) * 3600 / 1024, (last - warm) / 1024 }' "$LOGS/soak-$key.tsv")
  echo "   $feeds batches fed; ${FIG[${key}_soak]} (samples: ${LOGS}/soak-$key.tsv)"
}

if need "$RONDA" ronda; then
  # The goal is for the worker as deployed: deploy/Dockerfile's build (--static-swift-stdlib).
  if ! want memory; then
    NOTE[rss_idle]="skipped"
    NOTE[rss_busy]="skipped"
  elif need "$WORKER" "ronda (static)" "ops/build-release.sh --build-path .build-static"; then
    measure_memory rss "$WORKER" "as deployed ($(rel "$WORKER"), Swift libraries linked statically)"
  else
    NOTE[rss_idle]="missing static ronda"
    NOTE[rss_busy]="missing static ronda"
  fi
  # Worker CPU before the multi transport: the same busy run on RONDA_HTTP_TRANSPORT=threads.
  if ! want cpu; then
    NOTE[thr_cpu]="skipped"
  elif [ -x "$WORKER" ]; then
    echo "== worker CPU on the threads transport (before 0.5): as deployed"
    measure_busy thr "$WORKER" threads
  else
    echo "== worker CPU on the threads transport (before 0.5): development build"
    measure_busy thr "$RONDA" threads
  fi
  # For comparison: the development build, which loads the Swift libraries as shared objects.
  if want memory; then measure_memory dyn "$RONDA" "development build ($(rel "$RONDA"), shared Swift libraries)"; fi
  # Memory over time, for the worker as deployed (the development build when that is missing).
  if ! want soak; then
    NOTE[rss_soak]="skipped"
  elif [ -x "$WORKER" ]; then
    soak rss "$WORKER" "as deployed"
  else
    soak rss "$RONDA" "development build"
  fi
else
  NOTE[rss_idle]="missing ronda"
  NOTE[rss_busy]="missing ronda"
fi

# --- table ---------------------------------------------------------------------------------------
fmt() { if [ -n "${FIG[$1]:-}" ]; then printf '%s' "${FIG[$1]}"; else printf '%s' "${NOTE[$1]:-n/a}"; fi; }

# verdict VALUE GOAL higher|lower
verdict() {
  [ -n "$1" ] || { echo "-"; return; }
  awk -v v="$1" -v g="$2" -v d="$3" 'BEGIN { ok = (d == "higher") ? (v >= g) : (v <= g); print ok ? "met" : "NOT met" }'
}

ratio() {
  if [ -z "$1" ] || [ -z "$2" ]; then echo "-"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}

row() { printf '| %-30s | %-23s | %-14s | %-24s | %-9s | %-17s |\n' "$@"; }

{
  echo
  echo "Distributed benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, jobs $JOBS, concurrency $CONCURRENCY"
  row "figure" "Ronda" "Celery" "goal" "vs Celery" "met?"
  row "------------------------------" "-----------------------" "--------------" "------------------------" "---------" "-----------------"
  for mode in queue e2e; do
    if [ "$mode" = queue ]; then goal=25000; title="queue only, jobs/s"; else goal=5000; title="end to end, jobs/s"; fi
    r=${FIG[ronda_$mode]:-}
    c=${FIG[celery_$mode]:-}
    v1=$(verdict "$r" "$goal" higher)
    v2="-"
    [ -n "$r" ] && [ -n "$c" ] && v2=$(awk -v a="$r" -v b="$c" 'BEGIN { print (a >= 5 * b) ? "met" : "NOT met" }')
    row "$title" "$(fmt "ronda_$mode")" "$(fmt "celery_$mode")" ">= $goal and >= 5x Celery" "$(ratio "$r" "$c")" "$v1 / $v2"
  done
  row "worker RSS idle (conc 1), MB" "$(fmt rss_idle)" "-" "<= 30" "-" "$(verdict "${FIG[rss_idle]:-}" 30 lower)"
  row "  idle, compose's flags, MB" "$(fmt rss_idle_compose)" "-" "<= 30" "-" "$(verdict "${FIG[rss_idle_compose]:-}" 30 lower)"
  row "worker RSS peak (conc 32), MB" "$(fmt rss_busy)" "-" "<= 60" "-" "$(verdict "${FIG[rss_busy]:-}" 60 lower)"
  row "  dev build, idle / peak, MB" "$(fmt dyn_idle) / $(fmt dyn_busy)" "-" "(none: not deployed)" "-" "-"
  row "worker CPU s / 1,000 scenarios" "$(fmt rss_cpu) (multi)" "-" "below threads transport" "-" "-"
  row "  threads transport (before)" "$(fmt thr_cpu) (peak $(fmt thr_busy) MB)" "-" "(the reference)" "-" "-"
  soak_verdict="-"
  if [ -n "${FIG[rss_soak_slope]:-}" ]; then
    # shellcheck disable=SC2086 # two numbers
    soak_verdict=$(awk -v s="${FIG[rss_soak_slope]% *}" -v d="${FIG[rss_soak_slope]#* }" 'BEGIN { print (s < 1 && s > -1 && d < 1 && d > -1) ? "met" : "NOT met" }')
  fi
  row "worker RSS over ${SOAK_SECONDS}s, conc 32" "$(fmt rss_soak)" "-" "flat: < 1 MB/h, end +-1 MB" "-" "$soak_verdict"
  echo
  echo "Celery: the faster of prefork (-c $(nproc)) and threads (-c $CONCURRENCY), prefetch 16, acks_late; details above and in bench/celery_reference/run.py."
} | tee "$REPORT"
echo "(saved to ${REPORT#"$ROOT"/})"

if [ "$MISSING" = 1 ]; then
  echo "distributed.sh: some figures could not be measured (see the messages above)" >&2
  exit 1
fi
exit 0
