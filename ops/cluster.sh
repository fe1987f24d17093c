#!/usr/bin/env bash
# The distributed topology of docker-compose.yml (with docker-compose.demo.yml) as plain processes
# on loopback, one for each compose service: redis-server, PostgreSQL 15, `ronda migrate`,
# `ronda coordinator serve`, N `ronda worker`s, `ronda dashboard`, the demo target, and with
# --redis-tls the stunnel sidecar (redis-tls) in front of a Redis that speaks TLS only.
# Integration tests drive it; people use it to try the distributed mode without Docker.
#
#   ops/cluster.sh up DIR [--workers N] [--concurrency C] [--no-coordinator] [--no-workers]
#                         [--no-dashboard] [--redis-persist] [--redis-tls] [--ronda PATH]
#                         [--config FILE] [--lease-time D] [--log-level LEVEL] [--log-format json|text]
#   ops/cluster.sh add-worker DIR NAME [--concurrency C]
#   ops/cluster.sh kill DIR NAME [SIGNAL]            (default KILL; waits until the process is gone)
#   ops/cluster.sh start DIR NAME                    (start a stopped coordinator, dashboard or demo-target)
#   ops/cluster.sh restart-redis DIR --keep-data|--lose-data
#   ops/cluster.sh stop-postgres DIR
#   ops/cluster.sh start-postgres DIR
#   ops/cluster.sh status DIR
#   ops/cluster.sh down DIR [--clean]
#   ops/cluster.sh services                          (the compose services this runs, one a line)
#
# `up` writes DIR/cluster.env (KEY=VALUE lines: RONDA_REDIS_URL, RONDA_DATABASE_URL, RONDA_BASE_URL,
# REDIS_PORT, PG_PORT, DEMO_PORT, DASHBOARD_PORT, DEMO_ADMIN_TOKEN and the RONDA_* passwords and
# secrets the bundled suite reads), DIR/pids/NAME.pid and DIR/logs/NAME.log for every process
# (redis, redis-tls, postgres, demo-target, coordinator, dashboard, worker-1 …), and prints
# `ready DIR` as its last line. The dashboard's first start logs its admin password
# (DIR/logs/dashboard.log). Every process is
# detached (own session, stdin /dev/null, output to its log), so the script exits and they stay.
# See docs/deployment.md.
set -euo pipefail

SRV_PROG=cluster.sh
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=ops/lib/servers.sh
. "$ROOT/ops/lib/servers.sh"

usage() {
  sed -n '8,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

help() {
  sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
}

# The services of docker-compose.yml and docker-compose.demo.yml, each run here as a process of the
# same name (worker as worker-1 …, migrate as a one-shot). Tests compare this with the compose files.
SERVICES=(redis redis-tls postgres migrate coordinator worker dashboard demo-target)

die() { srv_die "$@"; }
note() { srv_note "$@"; }

# The demo app's accounts and webhook secrets: the demo target gets them as DEMO_*, the suite reads
# them as RONDA_* (docs/demo.md). These are the demo app's documented demo values, not secrets.
DEMO_SECRETS=(
  RECEPTIONIST_PASSWORD=receptionist-demo-pass
  OWNER_PASSWORD=owner-demo-pass
  DOCTOR_PASSWORD=doctor-demo-pass
  CUSTOMER_PASSWORD=customer-demo-pass
  CAFETERIA_OWNER_PASSWORD=cafeteria-owner-demo-pass
  CAFETERIA_ADMIN_PASSWORD=cafeteria-admin-demo-pass
  STRIPE_WEBHOOK_SECRET=whsec_ronda_demo_stripe
  WOMPI_EVENTS_SECRET=test_events_ronda_demo_wompi
  MERCADOPAGO_SECRET=mercadopago-demo-secret
)

# --- state -----------------------------------------------------------------------------------------
# DIR/cluster.state holds what later subcommands need (ports, binary, config, options), as shell
# assignments written with printf %q.

load_state() {
  DIR=$1
  [ -f "$DIR/cluster.state" ] || die "$DIR holds no cluster (no cluster.state): run 'ops/cluster.sh up $DIR' first"
  DIR=$(cd "$DIR" && pwd)
  # shellcheck source=/dev/null
  . "$DIR/cluster.state"
  # A state written before these existed.
  REDIS_TLS=${REDIS_TLS:-no} REDIS_TLS_PORT=${REDIS_TLS_PORT:-0} DASHBOARD_PORT=${DASHBOARD_PORT:-0}
  LEASE_TIME=${LEASE_TIME:-60s}
  PIDS=$DIR/pids
  LOGS=$DIR/logs
}

save_state() {
  {
    local k
    for k in REDIS_PORT REDIS_TLS REDIS_TLS_PORT PG_PORT DEMO_PORT DASHBOARD_PORT REDIS_PERSIST RONDA CONFIG WORKDIR \
      CONCURRENCY LOG_LEVEL LOG_FORMAT LEASE_TIME; do
      printf '%s=%q\n' "$k" "${!k}"
    done
  } >"$DIR/cluster.state"
}

export_env() {
  set -a
  # shellcheck source=/dev/null
  . "$DIR/cluster.env"
  set +a
}

port_free() { ! srv_port_listening "$1"; }

has_ronda() { [ -n "$RONDA" ] && [ -x "$RONDA" ]; }

# ronda_has SUBCOMMAND...: true when this ronda binary knows the subcommand.
ronda_has() {
  has_ronda && "$RONDA" "$@" --help >/dev/null 2>&1
}

# --- readiness -------------------------------------------------------------------------------------

# http_status PORT PATH: the status code of GET http://127.0.0.1:PORT/PATH, with bash's /dev/tcp
# (no curl needed).
http_status() {
  local port=$1 path=$2 line
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
  IFS= read -r -t 5 line <&3 || { exec 3<&-; return 1; }
  exec 3<&-
  line=${line%$'\r'}
  local _version code _rest
  read -r _version code _rest <<<"$line" # "HTTP/1.1 200 OK"
  echo "${code:-}"
}

demo_healthy() {
  [ "$(http_status "$1" /health 2>/dev/null)" = 200 ]
}

# wait_ronda_ready NAME MARKER: waits until NAME's log holds MARKER (logged at info level), or, at
# a quieter log level, until it has stayed up for a second. Dies with the log's tail if it exits.
wait_ronda_ready() {
  local name=$1 marker=$2 log=$LOGS/$1.log
  local deadline=$((SECONDS + 60)) started=$SECONDS
  while :; do
    if ! srv_pid "$PIDS" "$name" >/dev/null; then
      die "$name exited while starting; last log lines:
$(tail -n 10 "$log" 2>/dev/null)"
    fi
    case "$LOG_LEVEL" in
      trace | debug | info)
        grep -qF "$marker" "$log" 2>/dev/null && return 0 ;;
      *)
        [ $((SECONDS - started)) -ge 1 ] && return 0 ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || die "$name did not log '$marker' within 60s (see $log)"
    sleep 0.1
  done
}

# --- starting processes ----------------------------------------------------------------------------

start_redis() {
  if [ "$REDIS_TLS" = yes ]; then
    start_redis_tls
  else
    srv_redis_start "$PIDS" redis "$LOGS/redis.log" "$DIR/redis" "$REDIS_PORT" "$REDIS_PERSIST"
  fi
}

# --redis-tls, as with a managed Redis that requires TLS: redis-server listens on TLS only
# (REDIS_TLS_PORT, a certificate for localhost in DIR/tls that is its own CA), and the stunnel
# sidecar (deploy/stunnel/run.sh, process redis-tls, as compose's redis-tls service) serves plain
# Redis on REDIS_PORT to every Ronda process, verifying the server's certificate.
start_redis_tls() {
  local tls=$DIR/tls
  if [ ! -f "$tls/redis.pem" ]; then
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/redis-key.pem" -out "$tls/redis.pem" -days 30 \
      -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >"$LOGS/tls-req.log" 2>&1 ||
      die "openssl req failed (see $LOGS/tls-req.log)"
  fi
  mkdir -p "$DIR/redis"
  local args=(--port 0 --tls-port "$REDIS_TLS_PORT" --bind 127.0.0.1 --protected-mode yes --dir "$DIR/redis"
    --daemonize no --logfile "" --dbfilename dump.rdb --tls-cert-file "$tls/redis.pem"
    --tls-key-file "$tls/redis-key.pem" --tls-ca-cert-file "$tls/redis.pem" --tls-auth-clients no)
  if [ "$REDIS_PERSIST" = yes ]; then args+=(--appendonly yes --appendfsync everysec --save ""); else args+=(--appendonly no --save ""); fi
  srv_spawn "$PIDS" redis "$LOGS/redis.log" "$REDIS_SERVER" "${args[@]}"
  srv_wait_until 20 "redis-server's TLS port $REDIS_TLS_PORT" srv_port_listening "$REDIS_TLS_PORT" ||
    die "redis-server did not listen on TLS port $REDIS_TLS_PORT; last log lines:
$(tail -n 5 "$LOGS/redis.log" 2>/dev/null)"
  if ! srv_pid "$PIDS" redis-tls >/dev/null; then
    srv_spawn "$PIDS" redis-tls "$LOGS/redis-tls.log" env REDIS_TLS_HOST=localhost REDIS_TLS_PORT="$REDIS_TLS_PORT" \
      STUNNEL_ACCEPT="127.0.0.1:$REDIS_PORT" STUNNEL_CA_FILE="$tls/redis.pem" STUNNEL="${STUNNEL:-stunnel4}" \
      TMPDIR="$tls" sh "$ROOT/deploy/stunnel/run.sh"
  fi
  srv_wait_until 20 "Redis through the TLS sidecar on port $REDIS_PORT" srv_redis_ping "$REDIS_PORT" ||
    die "Redis did not answer through the TLS sidecar on port $REDIS_PORT; last log lines:
$(tail -n 5 "$LOGS/redis-tls.log" 2>/dev/null)"
}

# The port redis-server itself listens on (behind the sidecar with --redis-tls).
redis_own_port() {
  if [ "$REDIS_TLS" = yes ]; then echo "$REDIS_TLS_PORT"; else echo "$REDIS_PORT"; fi
}

start_postgres() {
  srv_pg_start "$PIDS" postgres "$LOGS/postgres.log" "$DIR/pg" "$PG_PORT"
}

start_demo_target() {
  local kv env=()
  for kv in "${DEMO_SECRETS[@]}"; do env+=("DEMO_$kv"); done
  (cd "$WORKDIR" && srv_spawn "$PIDS" demo-target "$LOGS/demo-target.log" \
    env "${env[@]}" "$RONDA" demo-target --host 127.0.0.1 --port "$DEMO_PORT")
  srv_wait_until 60 "the demo target's /health on port $DEMO_PORT" demo_healthy "$DEMO_PORT" ||
    die "the demo target did not answer /health; last log lines:
$(tail -n 10 "$LOGS/demo-target.log" 2>/dev/null)"
}

ronda_common() {
  printf '%s\n' --config "$CONFIG" --log-level "$LOG_LEVEL" --log-format "$LOG_FORMAT" --lease-time "$LEASE_TIME"
}

run_migrate() {
  # migrate reads no configuration: only the database URL and the log options.
  if ! (cd "$WORKDIR" && timeout 180 "$RONDA" migrate --log-level "$LOG_LEVEL" --log-format "$LOG_FORMAT" </dev/null >>"$LOGS/migrate.log" 2>&1); then
    die "ronda migrate failed; last log lines:
$(tail -n 10 "$LOGS/migrate.log" 2>/dev/null)"
  fi
}

start_coordinator() {
  local common
  mapfile -t common < <(ronda_common)
  (cd "$WORKDIR" && srv_spawn "$PIDS" coordinator "$LOGS/coordinator.log" \
    "$RONDA" coordinator serve "${common[@]}")
}

start_dashboard() {
  (cd "$WORKDIR" && srv_spawn "$PIDS" dashboard "$LOGS/dashboard.log" \
    "$RONDA" dashboard --host 127.0.0.1 --port "$DASHBOARD_PORT" --log-level "$LOG_LEVEL" --log-format "$LOG_FORMAT")
  srv_wait_until 60 "the dashboard's /health on port $DASHBOARD_PORT" demo_healthy "$DASHBOARD_PORT" ||
    die "the dashboard did not answer /health; last log lines:
$(tail -n 10 "$LOGS/dashboard.log" 2>/dev/null)"
}

start_worker() {
  local name=$1 concurrency=$2 common
  mapfile -t common < <(ronda_common)
  (cd "$WORKDIR" && srv_spawn "$PIDS" "$name" "$LOGS/$name.log" \
    "$RONDA" worker "${common[@]}" --concurrency "$concurrency" --name "$name")
}

write_env() {
  local kv tmp=$DIR/cluster.env.tmp
  {
    echo "RONDA_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
    echo "RONDA_DATABASE_URL=postgres://ronda:ronda@127.0.0.1:$PG_PORT/ronda"
    echo "RONDA_BASE_URL=http://127.0.0.1:$DEMO_PORT"
    echo "REDIS_PORT=$REDIS_PORT"
    echo "PG_PORT=$PG_PORT"
    echo "DEMO_PORT=$DEMO_PORT"
    echo "DASHBOARD_PORT=$DASHBOARD_PORT"
    echo "DEMO_ADMIN_TOKEN=$DEMO_ADMIN_TOKEN"
    for kv in "${DEMO_SECRETS[@]}"; do echo "RONDA_$kv"; done
  } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$DIR/cluster.env"
}

# --- subcommands -----------------------------------------------------------------------------------

cmd_up() {
  [ $# -ge 1 ] || usage
  DIR=$1
  shift
  local workers=2 coordinator=yes start_workers=yes dashboard=yes
  CONCURRENCY=4 REDIS_PERSIST=no REDIS_TLS=no LEASE_TIME=60s RONDA=.build/debug/ronda CONFIG=ronda.yml LOG_LEVEL=info LOG_FORMAT=json
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) workers=${2:?--workers needs a number}; shift 2 ;;
      --concurrency) CONCURRENCY=${2:?--concurrency needs a number}; shift 2 ;;
      --no-coordinator) coordinator=no; shift ;;
      --no-workers) start_workers=no; shift ;;
      --no-dashboard) dashboard=no; shift ;;
      --redis-persist) REDIS_PERSIST=yes; shift ;;
      --redis-tls) REDIS_TLS=yes; shift ;;
      --lease-time) LEASE_TIME=${2:?--lease-time needs a duration}; shift 2 ;;
      --ronda) RONDA=${2:?--ronda needs a path}; shift 2 ;;
      --config) CONFIG=${2:?--config needs a file}; shift 2 ;;
      --log-level) LOG_LEVEL=${2:?--log-level needs a level}; shift 2 ;;
      --log-format) LOG_FORMAT=${2:?--log-format needs json or text}; shift 2 ;;
      *) note "unknown option for up: $1"; usage ;;
    esac
  done
  [[ "$workers" =~ ^[0-9]+$ ]] || die "--workers wants a number, not '$workers'"
  [[ "$CONCURRENCY" =~ ^[1-9][0-9]*$ ]] || die "--concurrency wants a positive number, not '$CONCURRENCY'"

  # Relative paths are the caller's, falling back to the repository root's.
  RONDA=$(resolve "$RONDA")
  CONFIG=$(resolve "$CONFIG")
  WORKDIR=$(dirname "$CONFIG")
  [ -f "$CONFIG" ] || die "no configuration file at $CONFIG (--config)"

  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  PIDS=$DIR/pids
  LOGS=$DIR/logs
  if [ -f "$DIR/cluster.state" ] || [ -e "$DIR/pg" ]; then
    die "$DIR already holds a cluster: 'ops/cluster.sh down $DIR --clean' first, or use another folder"
  fi
  mkdir -p "$PIDS" "$LOGS" "$DIR/redis"
  # The postgres user must reach DIR/pg.
  chmod 755 "$DIR"

  srv_free_port REDIS_PORT
  srv_free_port PG_PORT
  srv_free_port DEMO_PORT
  srv_free_port DASHBOARD_PORT
  REDIS_TLS_PORT=0
  if [ "$REDIS_TLS" = yes ]; then
    command -v "${STUNNEL:-stunnel4}" >/dev/null || die "--redis-tls needs stunnel4 (apt-get install stunnel4; ops/setup.sh does)"
    srv_free_port REDIS_TLS_PORT
  fi
  DEMO_ADMIN_TOKEN=$(srv_random_secret)
  with_schedules
  save_state
  write_env

  # Whatever fails from here stops what was started (the logs stay).
  trap on_up_exit EXIT

  start_redis

  local pwfile=$DIR/pg-superuser-password
  (umask 077 && srv_random_secret >"$pwfile")
  srv_pg_init "$DIR/pg" "$pwfile"
  start_postgres
  srv_pg_create_app_db "$PG_PORT" "$pwfile" ronda ronda ronda
  # As compose's POSTGRES_USER (a superuser there): ops/restore.sh creates and swaps databases.
  srv_pg_psql "$PG_PORT" "$pwfile" -c "ALTER ROLE ronda CREATEDB" >/dev/null

  export_env

  if ! has_ronda; then
    note "no ronda binary at $RONDA: started redis and postgres only (no demo target, migrate, coordinator or workers)"
  else
    if ronda_has demo-target; then start_demo_target; else note "$RONDA has no demo-target command: skipped"; fi
    if ronda_has migrate; then run_migrate; else note "$RONDA has no migrate command: skipped"; fi
    if [ "$coordinator" = yes ]; then
      if ronda_has coordinator serve; then
        start_coordinator
        wait_ronda_ready coordinator "coordinator serving"
      else
        note "$RONDA has no 'coordinator serve' command: skipped"
      fi
    fi
    if [ "$dashboard" = yes ]; then
      if ronda_has dashboard; then start_dashboard; else note "$RONDA has no dashboard command: skipped"; fi
    fi
    if [ "$start_workers" = yes ] && [ "$workers" -gt 0 ]; then
      if ronda_has worker; then
        local i
        for ((i = 1; i <= workers; i++)); do start_worker "worker-$i" "$CONCURRENCY"; done
        for ((i = 1; i <= workers; i++)); do wait_ronda_ready "worker-$i" "worker started"; done
      else
        note "$RONDA has no worker command: skipped"
      fi
    fi
  fi
  trap - EXIT
  echo "ready $DIR"
}

# with_schedules: `ronda coordinator` needs a `schedules:` section. When CONFIG has none, DIR/ronda.yml
# becomes a copy of it with its relative paths (login, suite, database) made absolute — they are
# relative to the configuration file's folder — plus one schedule, `cluster`: the P0 scenarios
# every 5 minutes. CONFIG then points at the copy. Pass --config with your own schedules to avoid it.
with_schedules() {
  grep -qE '^schedules:' "$CONFIG" && return 0
  local base
  base=$(dirname "$CONFIG")
  sed -E "s#^([[:space:]]*(login|suite|database):[[:space:]]+)([^/\"'{[:space:]][^[:space:]]*)[[:space:]]*\$#\1$base/\3#" \
    "$CONFIG" >"$DIR/ronda.yml"
  cat >>"$DIR/ronda.yml" <<'YAML'

# Added by ops/cluster.sh: the configuration it was given has no schedules.
schedules:
  cluster:
    every: 5m
    priorities: [P0]
YAML
  CONFIG=$DIR/ronda.yml
}

on_up_exit() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    note "up failed; stopping what was started (logs in $LOGS)"
    stop_all >/dev/null 2>&1 || true
  fi
}

resolve() {
  local p=$1
  case "$p" in
    /*) echo "$p" ;;
    *)
      if [ -e "$PWD/$p" ] || [ ! -e "$ROOT/$p" ]; then echo "$PWD/$p"; else echo "$ROOT/$p"; fi ;;
  esac
}

cmd_add_worker() {
  [ $# -ge 2 ] || usage
  load_state "$1"
  local name=$2 concurrency=$CONCURRENCY
  shift 2
  while [ $# -gt 0 ]; do
    case "$1" in
      --concurrency) concurrency=${2:?--concurrency needs a number}; shift 2 ;;
      *) note "unknown option for add-worker: $1"; usage ;;
    esac
  done
  [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "worker name '$name': use letters, digits, '.', '_' and '-'"
  case "$name" in redis | redis-tls | postgres | demo-target | coordinator | dashboard | migrate) die "'$name' is not a worker name" ;; esac
  has_ronda || die "no ronda binary at $RONDA"
  if srv_pid "$PIDS" "$name" >/dev/null; then die "$name is already running"; fi
  export_env
  start_worker "$name" "$concurrency"
  wait_ronda_ready "$name" "worker started"
  echo "started $name"
}

cmd_kill() {
  [ $# -ge 2 ] || usage
  load_state "$1"
  local name=$2 sig=${3:-KILL} timeout=120
  sig=${sig#SIG}
  local pid start
  if ! pid=$(srv_pid "$PIDS" "$name"); then
    [ -f "$PIDS/$name.pid" ] || die "no process named $name in $DIR"
    echo "$name is not running"
    return 0
  fi
  start=$(cat "$PIDS/$name.start" 2>/dev/null || true)
  kill -s "$sig" "$pid" || die "cannot send SIG$sig to $name (pid $pid)"
  case "$sig" in
    STOP | TSTP | TTIN | TTOU | CONT | 0 | USR1 | USR2 | HUP | WINCH)
      echo "signalled $name (pid $pid) with SIG$sig"
      return 0 ;;
  esac
  srv_wait_gone "$pid" "$start" "$timeout" || die "$name (pid $pid) still running ${timeout}s after SIG$sig"
  echo "stopped $name"
}

cmd_start() {
  [ $# -eq 2 ] || usage
  load_state "$1"
  local name=$2
  if srv_pid "$PIDS" "$name" >/dev/null; then
    echo "$name is already running"
    return 0
  fi
  has_ronda || die "no ronda binary at $RONDA"
  export_env
  case "$name" in
    coordinator) start_coordinator; wait_ronda_ready coordinator "coordinator serving" ;;
    dashboard) start_dashboard ;;
    demo-target) start_demo_target ;;
    *) die "start takes coordinator, dashboard or demo-target (workers: add-worker; servers: restart-redis, start-postgres)" ;;
  esac
  echo "started $name"
}

redis_shutdown() {
  local mode=$1 pid
  pid=$(srv_pid "$PIDS" redis) || return 0
  "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" SHUTDOWN "$mode" >/dev/null 2>&1 || true
  srv_wait_gone "$pid" "$(cat "$PIDS/redis.start" 2>/dev/null || true)" 30 ||
    srv_stop "$PIDS" redis KILL 10
}

cmd_restart_redis() {
  [ $# -eq 2 ] || usage
  load_state "$1"
  case "$2" in
    --keep-data)
      # SHUTDOWN SAVE writes dump.rdb even with snapshots off; with appendonly the AOF is fsynced
      # too (and wins at load). A Redis that is already gone just starts on what it left.
      redis_shutdown SAVE ;;
    --lose-data)
      srv_stop "$PIDS" redis KILL 10
      rm -rf "${DIR:?}/redis"
      mkdir -p "$DIR/redis" ;;
    *) usage ;;
  esac
  local own
  own=$(redis_own_port)
  if ! srv_wait_until 30 "port $own to be free" port_free "$own"; then
    die "port $own is still taken; cannot restart redis on it"
  fi
  start_redis
  echo "restarted redis"
}

cmd_stop_postgres() {
  [ $# -eq 1 ] || usage
  load_state "$1"
  local pid
  if pid=$(srv_pid "$PIDS" postgres); then
    srv_pg_stop "$DIR/pg" fast
    srv_wait_gone "$pid" "$(cat "$PIDS/postgres.start" 2>/dev/null || true)" 60 || die "postgres (pid $pid) did not stop"
  fi
  echo "stopped postgres"
}

cmd_start_postgres() {
  [ $# -eq 1 ] || usage
  load_state "$1"
  if srv_pid "$PIDS" postgres >/dev/null; then
    echo "postgres is already running"
    return 0
  fi
  start_postgres
  echo "started postgres"
}

# names DIR: the processes recorded in DIR/pids, servers first, then the coordinator, then workers.
names() {
  local n f rest=()
  for n in redis redis-tls postgres demo-target coordinator dashboard; do
    [ -f "$PIDS/$n.pid" ] && echo "$n"
  done
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid)
    case "$n" in redis | redis-tls | postgres | demo-target | coordinator | dashboard) ;; *) rest+=("$n") ;; esac
  done
  [ ${#rest[@]} -eq 0 ] || printf '%s\n' "${rest[@]}" | sort -V
}

cmd_status() {
  [ $# -eq 1 ] || usage
  load_state "$1"
  local n pid all=0
  printf 'redis 127.0.0.1:%s  postgres 127.0.0.1:%s  demo-target 127.0.0.1:%s  dashboard 127.0.0.1:%s\n' \
    "$REDIS_PORT" "$PG_PORT" "$DEMO_PORT" "$DASHBOARD_PORT"
  while read -r n; do
    [ -n "$n" ] || continue
    if pid=$(srv_pid "$PIDS" "$n"); then
      printf '%-14s up    pid %s\n' "$n" "$pid"
    else
      printf '%-14s down\n' "$n"
      all=3
    fi
  done < <(names)
  return "$all"
}

# stop_all: workers (SIGTERM: they drain), coordinator, demo target, PostgreSQL, Redis.
stop_all() {
  local n
  local stoppers=() p
  while read -r n; do
    case "$n" in
      redis | redis-tls | postgres | demo-target | coordinator | dashboard | "") ;;
      *) srv_stop "$PIDS" "$n" TERM 90 & stoppers+=($!) ;;
    esac
  done < <(names)
  # Wait for these only: a bare `wait` would also wait for servers this shell started.
  for p in ${stoppers[@]+"${stoppers[@]}"}; do wait "$p" || true; done
  srv_stop "$PIDS" coordinator TERM 30
  srv_stop "$PIDS" dashboard TERM 15
  srv_stop "$PIDS" demo-target TERM 15
  if srv_pid "$PIDS" postgres >/dev/null; then
    srv_pg_stop "$DIR/pg" fast
    srv_stop "$PIDS" postgres TERM 30
  fi
  if [ "$REDIS_PERSIST" = yes ]; then redis_shutdown SAVE; else redis_shutdown NOSAVE; fi
  srv_stop "$PIDS" redis-tls TERM 10
}

cmd_down() {
  [ $# -ge 1 ] || usage
  local dir=$1 clean=no
  [ "${2:-}" = --clean ] && clean=yes
  if [ ! -f "$dir/cluster.state" ]; then
    if [ "$clean" = yes ] && [ -d "$dir" ]; then rm -rf "$dir"; fi
    echo "down $dir"
    return 0
  fi
  load_state "$dir"
  stop_all
  if [ "$clean" = yes ]; then rm -rf "$DIR"; fi
  echo "down $dir"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
  up) cmd_up "$@" ;;
  add-worker) cmd_add_worker "$@" ;;
  kill) cmd_kill "$@" ;;
  start) cmd_start "$@" ;;
  restart-redis) cmd_restart_redis "$@" ;;
  stop-postgres) cmd_stop_postgres "$@" ;;
  start-postgres) cmd_start_postgres "$@" ;;
  status) cmd_status "$@" ;;
  down) cmd_down "$@" ;;
  services) printf '%s\n' "${SERVICES[@]}" ;;
  -h | --help | help) help ;;
  *) note "unknown command: $cmd"; usage ;;
esac
