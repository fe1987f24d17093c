#!/usr/bin/env bash
# The disaster-recovery drill: breaks the real topology (ops/cluster.sh: Redis, PostgreSQL, the
# demo target, a coordinator, workers, the dashboard) in five ways while it works, recovers with
# the documented procedure, and measures how long recovery took (RTO) and what was lost (RPO).
# docs/DISASTER_RECOVERY.md explains each case and carries the full-mode figures.
#
#   ops/dr_drill.sh DIR [--short] [--ronda PATH]
#
# Cases, in order:
#   database-lost     backup while runs go on → the database is dropped → ops/restore.sh --latest
#                     → counts verified → a run passes again. RTO: drop → that run passed.
#                     RPO: the backup's start → the drop (runs written in between are lost).
#   redis-lost        Redis restarted empty while a run is in flight (no AOF). The coordinator's
#                     sweeper enqueues what has no result. RTO: loss → the run complete.
#   worker-lost       a worker killed (SIGKILL) with jobs leased. Its leases expire and another
#                     worker takes them. RTO: kill → the run complete.
#   coordinator-lost  the coordinator killed with a second one running. RTO: kill → the next
#                     scheduled run finalized (at most one schedule period plus a run).
#   bad-deploy        deploy/deploy_staging.sh deploys a release whose dashboard does not come up
#                     (Tests/Servers/fake_docker.sh stands in for Docker, which is not run here);
#                     it rolls back. RTO: deploy start → the previous release smoke-tested.
# Every case also checks nothing was lost that should not be: each run ends with one result per
# scenario. Prints a table, then one `dr: case=… rto_s=… rpo_s=… lost=… ok=yes|no` line a case.
#
# --short: a few seconds of load, a 5 s lease, a 15 s schedule: the test suite runs it (about two
# minutes). The full mode: a minute of load before the backup, the default 60 s lease, a 1 min
# schedule. Exit status 0 when every case recovered, 1 when one did not, 2 for bad usage.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRV_PROG=dr_drill.sh
# shellcheck source=ops/lib/servers.sh
. "$ROOT/ops/lib/servers.sh"
# shellcheck source=ops/lib/pgenv.sh
. "$ROOT/ops/lib/pgenv.sh"

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
case $1 in -h | --help) usage ;; esac
DIR=$1
shift
SHORT=no RONDA=$ROOT/.build/debug/ronda
while [ $# -gt 0 ]; do
  case $1 in
    --short) SHORT=yes; shift ;;
    --ronda) RONDA=${2:?--ronda needs a path}; shift 2 ;;
    *) echo "dr_drill.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -x "$RONDA" ] || { echo "dr_drill.sh: no ronda binary at $RONDA (swift build, or --ronda)" >&2; exit 2; }
[ -e "$DIR" ] && { echo "dr_drill.sh: $DIR exists: give a new folder" >&2; exit 2; }
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
RONDA=$(cd "$(dirname "$RONDA")" && pwd)/$(basename "$RONDA")
CLUSTER=$DIR/cluster LOGS=$DIR/logs
mkdir -p "$LOGS"

if [ "$SHORT" = yes ]; then
  LOAD_BEFORE=6 LOAD_AFTER=4 LEASE=5s PERIOD=15s SCENARIOS=16 HEALTH_DEADLINE=10
else
  LOAD_BEFORE=60 LOAD_AFTER=30 LEASE=60s PERIOD=1m SCENARIOS=64 HEALTH_DEADLINE=60
fi
SUITE=()

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
RESULTS=()
record() { RESULTS+=("$*"); log "result: $*"; }
FAILED=0

# The drill's configuration: the bundled one (its roles, with absolute paths), a suite of
# SCENARIOS scenarios that each take 2 s (the demo app's slow-availability fault is switched on),
# so that a run is in flight long enough to be broken, and a short schedule.
CONFIG=$DIR/ronda.yml
sed -E "s#^([[:space:]]*(login|suite|database):[[:space:]]+)([^/\"'{[:space:]][^[:space:]]*)[[:space:]]*\$#\1$ROOT/\3#" \
  "$ROOT/ronda.yml" | sed -E "s#^suite:.*#suite: $DIR/scenarios#" >"$CONFIG"
printf '\nschedules:\n  drill:\n    every: %s\n    priorities: [P0]\n' "$PERIOD" >>"$CONFIG"
mkdir -p "$DIR/scenarios"
for ((i = 1; i <= SCENARIOS; i++)); do
  cat >"$DIR/scenarios/slow_$i.yml" <<YAML
scenario: Drill $i — availability (2 s while the drill's fault is on)
module: drill
priority: P0
as: receptionist
steps:
  - name: Availability of doctor 1
    get: /appointments/availability/
    query: { doctor: 1, date: "2031-03-04" }
    expect: { status: 200 }
YAML
done

cleanup() {
  touch "$DIR/stop-load"
  [ -z "${load:-}" ] || kill -KILL -- "-$load" 2>/dev/null || true
  srv_stop "$DIR" coordinator-2 TERM 30 >/dev/null 2>&1 || true
  "$ROOT/ops/cluster.sh" down "$CLUSTER" >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "starting the topology (ops/cluster.sh, lease $LEASE, schedule every $PERIOD)"
"$ROOT/ops/cluster.sh" up "$CLUSTER" --workers 2 --ronda "$RONDA" --config "$CONFIG" --lease-time "$LEASE" \
  --log-level info >"$LOGS/up.log" 2>&1 || { tail -n 20 "$LOGS/up.log" >&2; exit 1; }
set -a
# shellcheck source=/dev/null
. "$CLUSTER/cluster.env"
set +a
PATH=$PG_BIN:$PATH

sql() { (pg_env "$RONDA_DATABASE_URL" && psql -X -At -v ON_ERROR_STOP=1 -c "$1"); }
# The demo app's slow-availability fault on: every drill scenario takes 2 s.
python3 - "$DEMO_PORT" "$DEMO_ADMIN_TOKEN" <<'PY' || { echo "dr_drill.sh: cannot switch the demo app's fault on" >&2; exit 1; }
import sys, urllib.request
request = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/__admin/faults", method="PUT",
    data=b'{"active": ["slow-availability"]}',
    headers={"X-Admin-Token": sys.argv[2], "Content-Type": "application/json"})
urllib.request.urlopen(request, timeout=10).read()
PY
superuser_sql() { srv_pg_psql "$PG_PORT" "$CLUSTER/pg-superuser-password" -At -c "$1"; }
# run_suite LOG: one distributed run of the drill's selection; its exit status.
run_suite() { "$RONDA" run --distributed --config "$CONFIG" "${SUITE[@]}" --log-level warning >>"$1" 2>&1; }
# first_result N: more than N scenario results are stored.
first_result() { [ "$(sql "SELECT count(*) FROM scenario_results" 2>/dev/null || echo 0)" -gt "$1" ]; }
# summary RUN_LOG: the run's summary line (every scenario has a result, or the run fails).
summary() { grep -E 'passed' "$1" | tail -n 1; }
# complete RUN_LOG: the run in RUN_LOG is completed with exactly one result per scenario.
complete() {
  local id
  id=$(grep -oE 'run [0-9a-f-]{36}' "$1" | tail -n 1 | cut -d' ' -f2)
  [ -n "$id" ] && [ "$(sql "SELECT (status = 'completed' AND scenarios = (SELECT count(*) FROM scenario_results r WHERE r.run_id = runs.id) AND scenarios = (SELECT count(DISTINCT scenario) FROM scenario_results r WHERE r.run_id = runs.id))::int FROM runs WHERE id = '$id'")" = 1 ]
}

# --- database-lost ---------------------------------------------------------------------------
log "case database-lost: runs going on, backup, drop, restore"
rm -f "$DIR/stop-load"
# The load in a process group of its own, so that the run in flight when the database goes can be
# stopped with it (it would wait for the database until its deadline).
setsid bash -c 'while [ ! -f "$1/stop-load" ]; do "$2" run --distributed --config "$3" "${@:5}" --log-level warning >>"$4" 2>&1 || true; done' \
  load "$DIR" "$RONDA" "$CONFIG" "$LOGS/load.log" "${SUITE[@]}" &
load=$!
sleep "$LOAD_BEFORE"
backup_at=$(now)
"$ROOT/ops/backup.sh" --dir "$DIR/backups" >"$LOGS/backup.log" 2>&1 || { cat "$LOGS/backup.log" >&2; exit 1; }
sleep "$LOAD_AFTER"
runs_before=$(sql "SELECT count(*) FROM runs")
lost_at=$(now)
superuser_sql "DROP DATABASE ronda WITH (FORCE)" >/dev/null
touch "$DIR/stop-load"
# SIGKILL: the run in flight is abandoned, as with a crash (and SIGTERM may be blocked in a
# process started by a test runner).
kill -KILL -- "-$load" 2>/dev/null || true
wait "$load" 2>/dev/null || true
restore_ok=yes
"$ROOT/ops/restore.sh" --latest --dir "$DIR/backups" --force >"$LOGS/restore.log" 2>&1 || restore_ok=no
runs_after=$(sql "SELECT count(*) FROM runs" 2>/dev/null || echo 0)
ok=no
deadline=$((SECONDS + 180))
while [ "$restore_ok" = yes ] && [ $SECONDS -lt $deadline ]; do
  if run_suite "$LOGS/after-restore.log"; then ok=yes; break; fi
  sleep 1
done
rto=$(since "$lost_at")
rpo=$(between "$backup_at" "$lost_at")
[ "$ok" = yes ] || FAILED=1
record "case=database-lost rto_s=$rto rpo_s=$rpo lost=$((runs_before - runs_after))_runs ok=$ok"

# interrupted_run CASE COMMAND...: a run of the drill suite, and COMMAND breaking something while
# it is in flight (some of its results in, others queued or running). Records how long after the
# break the run was complete, and whether it ended with exactly one result per scenario.
interrupted_run() {
  local name=$1 log=$LOGS/$1-run.log results run lost_at ok=yes
  shift
  : >"$log"
  results=$(sql "SELECT count(*) FROM scenario_results")
  run_suite "$log" &
  run=$!
  srv_wait_until 60 "the run's first result" first_result "$results" || true
  lost_at=$(now)
  "$@" >>"$LOGS/$name.log" 2>&1
  wait "$run" && complete "$log" || { ok=no; FAILED=1; }
  record "case=$name rto_s=$(since "$lost_at") rpo_s=0 lost=0_results ok=$ok ($(summary "$log"))"
}

# --- redis-lost --------------------------------------------------------------------------------
log "case redis-lost: Redis restarted empty with a run in flight"
interrupted_run redis-lost "$ROOT/ops/cluster.sh" restart-redis "$CLUSTER" --lose-data

# --- worker-lost -------------------------------------------------------------------------------
log "case worker-lost: a worker killed with jobs leased"
interrupted_run worker-lost "$ROOT/ops/cluster.sh" kill "$CLUSTER" worker-1 KILL
# Recovered: the worker back, as its container would be restarted.
"$ROOT/ops/cluster.sh" add-worker "$CLUSTER" worker-1 >>"$LOGS/worker-lost.log" 2>&1

# --- coordinator-lost --------------------------------------------------------------------------
log "case coordinator-lost: the coordinator killed, a second one running"
(cd "$ROOT" && srv_spawn "$DIR" coordinator-2 "$LOGS/coordinator-2.log" \
  "$RONDA" coordinator serve --config "$CONFIG" --lease-time "$LEASE" --log-level info --log-format json)
srv_wait_until 30 "the second coordinator" grep -q "coordinator serving" "$LOGS/coordinator-2.log" || true
lost_at=$(now)
lost_iso=$(date -u +%Y-%m-%dT%H:%M:%S)
"$ROOT/ops/cluster.sh" kill "$CLUSTER" coordinator KILL >"$LOGS/kill-coordinator.log" 2>&1
ok=no
deadline=$((SECONDS + 300))
while [ $SECONDS -lt $deadline ]; do
  done_runs=$(sql "SELECT count(*) FROM runs WHERE schedule IS NOT NULL AND started_at > '$lost_iso' AND status = 'completed' AND passed + failed + errored + skipped = scenarios" 2>/dev/null || echo 0)
  if [ "${done_runs:-0}" -ge 1 ]; then ok=yes; break; fi
  sleep 0.5
done
[ "$ok" = yes ] || FAILED=1
record "case=coordinator-lost rto_s=$(since "$lost_at") rpo_s=0 lost=0_slots ok=$ok (schedule every $PERIOD)"
# Recovered: the killed coordinator back (two run side by side), as a restarted container would be.
"$ROOT/ops/cluster.sh" start "$CLUSTER" coordinator >>"$LOGS/kill-coordinator.log" 2>&1

# --- bad-deploy --------------------------------------------------------------------------------
log "case bad-deploy: a release whose dashboard does not start, rolled back"
mkdir -p "$DIR/deploy" && touch "$DIR/deploy/.env"
deploy() {
  (cd "$DIR/deploy" && DOCKER="$ROOT/Tests/Servers/fake_docker.sh" FAKE_CLUSTER="$CLUSTER" RONDA="$RONDA" \
    FAKE_LOG="$LOGS/docker.log" "$ROOT/deploy/deploy_staging.sh" --tag "$1" --deadline "$HEALTH_DEADLINE")
}
deploy good-1 >"$LOGS/deploy-good.log" 2>&1 || { tail -n 20 "$LOGS/deploy-good.log" >&2; FAILED=1; }
lost_at=$(now)
status=0
deploy bad-2 >"$LOGS/deploy-bad.log" 2>&1 || status=$?
if [ "$status" -eq 1 ] && grep -q "rolled back to ronda:good-1" "$LOGS/deploy-bad.log"; then ok=yes; else ok=no FAILED=1; fi
record "case=bad-deploy rto_s=$(since "$lost_at") rpo_s=0 lost=0_results ok=$ok (health deadline ${HEALTH_DEADLINE}s)"

# --- report ------------------------------------------------------------------------------------
echo
printf '%-18s %9s %9s  %s\n' case "RTO (s)" "RPO (s)" "lost / ok"
for line in "${RESULTS[@]}"; do
  name=$(sed -E 's/.*case=([^ ]+).*/\1/' <<<"$line")
  rto=$(sed -E 's/.*rto_s=([^ ]+).*/\1/' <<<"$line")
  rpo=$(sed -E 's/.*rpo_s=([^ ]+).*/\1/' <<<"$line")
  rest=$(sed -E 's/.*lost=([^ ]+) ok=([^ ]+).*/\1 \2/' <<<"$line")
  printf '%-18s %9s %9s  %s\n' "$name" "$rto" "$rpo" "$rest"
done
echo
for line in "${RESULTS[@]}"; do echo "dr: $line"; done
echo "mode: $([ "$SHORT" = yes ] && echo short || echo full); logs in $LOGS"
exit "$FAILED"
