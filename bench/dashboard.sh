#!/usr/bin/env bash
# How fast the dashboard answers over a large history, in PostgreSQL and in SQLite.
#
#   bench/dashboard.sh                      # 1,000,000 results in each store, 200 requests a page
#   RESULTS=100000 STORES=sqlite bench/dashboard.sh
#
# For each store it records two real runs of the bundled suite against the demo target (one
# healthy, one with a fault of the demo app on: failed checks, excerpts, error groups) — through
# `ronda run` into SQLite, through Redis, `ronda worker` and `ronda run --distributed` into
# PostgreSQL — then copies those runs with all their scenario and step results, one copy every
# 3 minutes back in time (every tenth the failing one), until the store holds RESULTS scenario
# results; `ronda migrate --rebuild-rollups` then builds the hourly and daily rollups from them, as
# finalization would have, and ANALYZE gives the planner its statistics. Copies leave out the
# runs' planned-scenario sources (run_scenarios), which no page reads.
#
# Then `ronda dashboard` serves the store; after 10 warm-up requests, one curl on one keep-alive
# connection sends REQUESTS requests to each page in turn and the script prints p50/p95/max of
# curl's time_total and the ratio of each p95 to that of /health (the server with no query: the
# reference measured in the same run). Goals: the overview and a run report under 100 ms at p95,
# /metrics under 50 ms. For PostgreSQL, auto_explain then logs the plan of every statement of one
# overview, one run report and one scenarios request, into bench/out/dashboard-plans-<time>.txt.
#
# Environment: RESULTS (default 1000000), REQUESTS (200), STORES ("postgres sqlite"),
# RONDA_BIN (default .build-static/release/ronda, built by ops/build-release.sh --build-path
# .build-static when BUILD=1), KEEP_WORK=1 keeps the temporary directory.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=ops/lib/servers.sh
. "$ROOT/ops/lib/servers.sh"

RESULTS=${RESULTS:-1000000}
REQUESTS=${REQUESTS:-200}
STORES=${STORES:-postgres sqlite}
RONDA=${RONDA_BIN:-$ROOT/.build-static/release/ronda}
if [ "${BUILD:-0}" = 1 ]; then ops/build-release.sh --build-path .build-static 2>&1 | tail -n 2; fi
[ -x "$RONDA" ] || { echo "dashboard.sh: no ronda at $RONDA (ops/build-release.sh --build-path .build-static, or RONDA_BIN)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "dashboard.sh: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/ronda-dashbench.XXXXXX)
chmod 755 "$WORK"
PIDS=$WORK/pids
LOGS=$WORK/logs
mkdir -p "$PIDS" "$LOGS" "$ROOT/bench/out"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$ROOT/bench/out/dashboard-$STAMP.txt
PLANS=$ROOT/bench/out/dashboard-plans-$STAMP.txt

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local n
  for n in dashboard worker demo-target; do srv_stop "$PIDS" "$n" TERM 20 >/dev/null 2>&1 || true; done
  if srv_pid "$PIDS" postgres >/dev/null 2>&1; then srv_pg_stop "$WORK/pg" fast; fi
  if srv_pid "$PIDS" redis >/dev/null 2>&1; then
    "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
say() { echo "$*" | tee -a "$REPORT"; }

# The demo app with the passwords and secrets the bundled suite reads (its documented defaults).
export DEMO_ADMIN_TOKEN RONDA_RECEPTIONIST_PASSWORD=receptionist-demo-pass RONDA_OWNER_PASSWORD=owner-demo-pass \
  RONDA_DOCTOR_PASSWORD=doctor-demo-pass RONDA_CUSTOMER_PASSWORD=customer-demo-pass \
  RONDA_CAFETERIA_OWNER_PASSWORD=cafeteria-owner-demo-pass RONDA_CAFETERIA_ADMIN_PASSWORD=cafeteria-admin-demo-pass \
  RONDA_STRIPE_WEBHOOK_SECRET=whsec_ronda_demo_stripe RONDA_WOMPI_EVENTS_SECRET=test_events_ronda_demo_wompi \
  RONDA_MERCADOPAGO_SECRET=mercadopago-demo-secret
DEMO_ADMIN_TOKEN=$(srv_random_secret)
unset RONDA_DATABASE_URL RONDA_REDIS_URL
srv_free_port TARGET_PORT
TARGET=http://127.0.0.1:$TARGET_PORT
srv_spawn "$PIDS" demo-target "$LOGS/demo-target.log" "$RONDA" demo-target --port "$TARGET_PORT"
srv_wait_until 60 "the demo target" curl -fsS -o /dev/null "$TARGET/health" || exit 2
FAULT=$("$RONDA" demo-target --list-faults | awk 'NR == 1 { print $1 }')
faults() {
  curl -fsS -X PUT -H "X-Admin-Token: $DEMO_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"active\": [$1]}" "$TARGET/__admin/faults" >/dev/null
}

say "== dashboard benchmark $STAMP: $RESULTS results a store, $REQUESTS requests a page, $(nproc) cores, ${RONDA#"$ROOT"/}"

# seed_runs KIND URL: one healthy run and one with $FAULT on; prints "HEALTHY_ID FAULTY_ID".
seed_runs() {
  local kind=$1 url=$2 ids=() fault status log
  for fault in "" "\"$FAULT\""; do
    faults "$fault"
    log=$LOGS/run-$kind-${#ids[@]}.log
    status=0
    if [ "$kind" = sqlite ]; then
      "$RONDA" run --base-url "$TARGET" --database "${url#sqlite:}" --parallel 4 >"$log" 2>&1 || status=$?
    else
      RONDA_REDIS_URL=$REDIS_URL RONDA_DATABASE_URL=$url "$RONDA" run --distributed --base-url "$TARGET" >"$log" 2>&1 || status=$?
    fi
    [ "$status" -le 1 ] || { tail -n 20 "$log" >&2; echo "dashboard.sh: ronda run exited $status" >&2; exit 2; }
    ids+=("$(grep -oE 'run [0-9a-f-]{36}' "$log" | tail -n 1 | cut -d' ' -f2)")
  done
  faults ""
  echo "${ids[*]}"
}

# copy_sql KIND HEALTHY FAULTY COPIES: SQL that adds COPIES copies of the two runs.
copy_sql() {
  local kind=$1 healthy=$2 faulty=$3 copies=$4 table cols exprs c
  if [ "$kind" = sqlite ]; then
    echo "PRAGMA synchronous = OFF;"
    echo "CREATE TEMP TABLE copies AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $copies)"
  else
    echo "SET synchronous_commit = off;"
    echo "CREATE TEMP TABLE copies AS WITH n(i) AS (SELECT generate_series(1, $copies))"
  fi
  echo "  SELECT i, CASE WHEN i % 10 = 0 THEN '$faulty' ELSE '$healthy' END AS seed, '-c' || i AS suffix, i * 180 AS back FROM n;"
  for table in runs scenario_results step_results; do
    cols=$(columns "$kind" "$table")
    cols=${cols% }
    exprs=()
    for c in $cols; do
      case $c in
        id | run_id | scenario_result_id) exprs+=("t.$c || c.suffix") ;;
        schedule | slot) exprs+=("NULL") ;;
        *_at | deadline)
          if [ "$kind" = sqlite ]; then
            exprs+=("strftime('%Y-%m-%dT%H:%M:%S', t.$c, '-' || c.back || ' seconds') || substr(t.$c, 20)")
          else
            exprs+=("to_char((t.$c::timestamptz - make_interval(secs => c.back)) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || substr(t.$c, 20)")
          fi ;;
        *) exprs+=("t.$c") ;;
      esac
    done
    local IFS=,
    case $table in
      runs) echo "INSERT INTO runs (${cols// /,}) SELECT ${exprs[*]} FROM copies c JOIN runs t ON t.id = c.seed;" ;;
      scenario_results) echo "INSERT INTO scenario_results (${cols// /,}) SELECT ${exprs[*]} FROM copies c JOIN scenario_results t ON t.run_id = c.seed;" ;;
      step_results) echo "INSERT INTO step_results (${cols// /,}) SELECT ${exprs[*]} FROM copies c JOIN scenario_results s ON s.run_id = c.seed JOIN step_results t ON t.scenario_result_id = s.id;" ;;
    esac
    unset IFS
  done
  echo "ANALYZE;"
}

# columns KIND TABLE: the table's column names, space-separated, in order.
columns() {
  if [ "$1" = sqlite ]; then
    sqlite3 "${DB_URL#sqlite:}" "SELECT name FROM pragma_table_info('$2')" | tr '\n' ' '
  else
    srv_pg_psql "$PG_PORT" "$PG_SUPER" -d bench -At -c \
      "SELECT column_name FROM information_schema.columns WHERE table_name = '$2' ORDER BY ordinal_position" | tr '\n' ' '
  fi
}

query() { # query KIND < SQL: the rows, unaligned
  if [ "$1" = sqlite ]; then sqlite3 "${DB_URL#sqlite:}"; else srv_pg_psql "$PG_PORT" "$PG_SUPER" -d bench -At; fi
}

run_sql() { # run_sql KIND < SQL
  if [ "$1" = sqlite ]; then sqlite3 -bail "${DB_URL#sqlite:}" >/dev/null; else srv_pg_psql "$PG_PORT" "$PG_SUPER" -d bench >/dev/null; fi
}

# measure NAME URL: p50 p95 max in ms of REQUESTS requests on one connection, after 10 warm-up ones.
measure() {
  local url=$1 k=$WORK/curl.cfg i
  : >"$k"
  for ((i = 0; i < 10 + REQUESTS; i++)); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >>"$k"; done
  curl -s -b "$WORK/jar" -K "$k" -w '%{http_code} %{time_total}\n' | tail -n "$REQUESTS" >"$WORK/times"
  if grep -qv '^200 ' "$WORK/times"; then
    echo "dashboard.sh: $url answered $(grep -v '^200 ' "$WORK/times" | cut -d' ' -f1 | sort | uniq -c | tr '\n' ' ')" >&2
    exit 1
  fi
  cut -d' ' -f2 "$WORK/times" | sort -g | awk '{ t[NR] = $1 * 1000 }
    END { printf "%.1f %.1f %.1f\n", t[int(NR * 0.5 + 0.999)], t[int(NR * 0.95 + 0.999)], t[NR] }'
}

for KIND in $STORES; do
  if [ "$KIND" = postgres ]; then
    srv_free_port REDIS_PORT
    srv_free_port PG_PORT
    (srv_redis_start "$PIDS" redis "$LOGS/redis.log" "$WORK/redis" "$REDIS_PORT" no) || exit 2
    PG_SUPER=$WORK/pg-superuser-password
    (umask 077 && srv_random_secret >"$PG_SUPER")
    PG_APP_PASSWORD=$(srv_random_secret)
    srv_pg_init "$WORK/pg" "$PG_SUPER" || exit 2
    echo "session_preload_libraries = 'auto_explain'" >>"$WORK/pg/postgresql.conf"
    (srv_pg_start "$PIDS" postgres "$LOGS/postgres.log" "$WORK/pg" "$PG_PORT" &&
      srv_pg_create_app_db "$PG_PORT" "$PG_SUPER" bench "$PG_APP_PASSWORD" bench) || exit 2
    REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
    DB_URL=postgres://bench:$PG_APP_PASSWORD@127.0.0.1:$PG_PORT/bench
    RONDA_DATABASE_URL=$DB_URL "$RONDA" migrate >/dev/null
    srv_spawn "$PIDS" worker "$LOGS/worker.log" env RONDA_REDIS_URL="$REDIS_URL" RONDA_DATABASE_URL="$DB_URL" \
      "$RONDA" worker --concurrency 8
  else
    DB_URL=sqlite:$WORK/ronda.sqlite
  fi
  read -r HEALTHY FAULTY <<<"$(seed_runs "$KIND" "$DB_URL")"
  [ -n "$HEALTHY" ] && [ -n "$FAULTY" ] || { echo "dashboard.sh: no run ids in $LOGS" >&2; exit 2; }
  srv_stop "$PIDS" worker TERM 30 || true
  PER_RUN=$(echo "SELECT COUNT(*) FROM scenario_results WHERE run_id = '$HEALTHY'" | query "$KIND")
  COPIES=$(((RESULTS + PER_RUN - 1) / PER_RUN - 2))
  start=$SECONDS
  copy_sql "$KIND" "$HEALTHY" "$FAULTY" "$COPIES" | run_sql "$KIND"
  loaded=$((SECONDS - start))
  start=$SECONDS
  ROLLUPS=$(RONDA_DATABASE_URL=$DB_URL "$RONDA" migrate --rebuild-rollups | grep -o '[0-9]* rows' || true)
  COUNT=$(echo "SELECT COUNT(*) FROM scenario_results" | query "$KIND")
  STEPS=$(echo "SELECT COUNT(*) FROM step_results" | query "$KIND")
  if [ "$KIND" = sqlite ]; then
    SIZE=$(du -sh "${DB_URL#sqlite:}" | cut -f1)
  else
    SIZE=$(echo "SELECT pg_size_pretty(pg_database_size('bench'))" | query "$KIND")
  fi
  say "== $KIND: $COUNT scenario results, $STEPS step results in $((COPIES + 2)) runs ($SIZE; copied in ${loaded}s, rollups rebuilt in $((SECONDS - start))s: $ROLLUPS)"

  # The dashboard over it, and a signed-in session.
  srv_free_port DASH_PORT
  BASE=http://127.0.0.1:$DASH_PORT
  PASSWORD=$(srv_random_secret)
  RONDA_USER_PASSWORD=$PASSWORD "$RONDA" user add bench --cost 10 --database-url "$DB_URL" >/dev/null
  srv_spawn "$PIDS" dashboard "$LOGS/dashboard-$KIND.log" env RONDA_DATABASE_URL="$DB_URL" "$RONDA" dashboard --port "$DASH_PORT"
  srv_wait_until 60 "the dashboard" curl -fsS -o /dev/null "$BASE/health" || exit 2
  rm -f "$WORK/jar"
  CSRF=$(curl -s -c "$WORK/jar" -b "$WORK/jar" "$BASE/login" | grep -o 'name="csrf_token" value="[^"]*"' | cut -d'"' -f4)
  curl -s -o /dev/null -c "$WORK/jar" -b "$WORK/jar" --data-urlencode username=bench \
    --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$CSRF" "$BASE/login"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/jar" "$BASE/")" = 200 ] ||
    { echo "dashboard.sh: could not sign in to $BASE" >&2; exit 2; }

  REF=
  say "$(printf '   %-28s %8s %8s %8s %9s  %s' page p50_ms p95_ms max_ms p95/health goal)"
  for page in "/health|-" "/|100" "/runs/$FAULTY|100" "/metrics|50" "/api/overview|-" "/runs|-" "/errors|-" "/scenarios|-" "/uptime|-"; do
    path=${page%|*} goal=${page#*|}
    read -r p50 p95 max <<<"$(measure "$BASE$path")"
    [ -n "$REF" ] || REF=$p95 # /health comes first: the reference
    verdict="-"
    [ "$goal" = - ] || verdict=$(awk -v p="$p95" -v g="$goal" 'BEGIN { print (p < g) ? "< " g " ms: met" : "< " g " ms: NOT met" }')
    label=$path
    [ "$path" != "/runs/$FAULTY" ] || label="/runs/ID (63 results, failing)"
    say "$(printf '   %-28s %8s %8s %8s %9s  %s' "$label" "$p50" "$p95" "$max" "$(awk -v p="$p95" -v r="$REF" 'BEGIN { printf "%.1fx", p / (r > 0 ? r : 0.001) }')" "$verdict")"
  done

  if [ "$KIND" = postgres ]; then
    srv_pg_psql "$PG_PORT" "$PG_SUPER" -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" \
      -c "ALTER SYSTEM SET auto_explain.log_analyze = on" -c "ALTER SYSTEM SET auto_explain.log_buffers = on" \
      -c "SELECT pg_reload_conf()" >/dev/null
    from=$(wc -c <"$LOGS/postgres.log")
    curl -s -o /dev/null -b "$WORK/jar" "$BASE/"
    curl -s -o /dev/null -b "$WORK/jar" "$BASE/runs/$FAULTY"
    curl -s -o /dev/null -b "$WORK/jar" "$BASE/scenarios"
    { echo "# PostgreSQL plans of one overview, one run report and one scenarios request ($COUNT results), $STAMP"; tail -c +"$((from + 1))" "$LOGS/postgres.log"; } >"$PLANS"
    srv_pg_psql "$PG_PORT" "$PG_SUPER" -c "ALTER SYSTEM RESET ALL" -c "SELECT pg_reload_conf()" >/dev/null
    say "   plans: ${PLANS#"$ROOT"/}"
  fi
  srv_stop "$PIDS" dashboard TERM 20
done
say "report: ${REPORT#"$ROOT"/}"
