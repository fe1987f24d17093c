# shellcheck shell=bash
# Shared helpers for scripts that start Redis, PostgreSQL and Ronda processes as plain processes on
# loopback: ops/cluster.sh and bench/distributed.sh source this file. It defines functions only.
#
# Every long-running process is started detached (its own session, stdin from /dev/null, stdout and
# stderr to a log file), so a caller that waits for the starting script's exit is never held by an
# inherited pipe. Each one has a pid file and a start-time file, so a pid that the kernel reused
# for another process is never taken for ours.
#
# PostgreSQL refuses to run as root: when this runs as root, initdb/pg_ctl run as the `postgres`
# user (runuser) on a data directory that user owns.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
REDIS_CLI=${REDIS_CLI:-redis-cli}

srv_die() {
  echo "${SRV_PROG:-servers}: $*" >&2
  exit 1
}

srv_note() {
  echo "${SRV_PROG:-servers}: $*" >&2
}

# srv_free_port VAR: sets VAR to a TCP port that nothing listens on at 127.0.0.1 right now and that
# this shell has not handed out before (SRV_USED_PORTS). Call it directly, not in $(…), so the
# record of handed-out ports stays in this shell.
SRV_USED_PORTS=" "
srv_free_port() {
  local port tries=0
  while :; do
    port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') ||
      srv_die "cannot pick a free port (python3 missing?)"
    case "$SRV_USED_PORTS" in
      *" $port "*) ;;
      *)
        SRV_USED_PORTS="$SRV_USED_PORTS$port "
        printf -v "$1" '%s' "$port"
        return 0 ;;
    esac
    tries=$((tries + 1))
    [ "$tries" -lt 50 ] || srv_die "cannot pick a free port"
  done
}

# srv_port_listening PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
srv_port_listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# srv_wait_until SECONDS DESCRIPTION COMMAND...: runs COMMAND every 0.1 s until it succeeds; dies
# with DESCRIPTION after SECONDS.
srv_wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      srv_note "timed out after ${seconds}s waiting for $what"
      return 1
    fi
    sleep 0.1
  done
}

# --- processes -------------------------------------------------------------------------------------

# srv_proc_start_time PID: the process's start time in clock ticks since boot (field 22 of
# /proc/PID/stat), or nothing when there is no such process.
srv_proc_start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # The command name (field 2) may hold spaces: cut after its closing parenthesis.
  stat=${stat##*) }
  # Now field 3 (state) is the first word; the start time is field 22, the 20th word here.
  local fields
  read -r -a fields <<<"$stat"
  echo "${fields[19]}"
}

# srv_pid_alive PID [START_TIME]: true when PID is a live process and, when given, started at
# START_TIME. A process whose main thread is a zombie counts as alive while any of its threads is
# still exiting (they may still hold its sockets); a process that is all zombie counts as gone
# (its parent may be slow to reap it).
srv_pid_alive() {
  local pid=$1 want=${2:-} stat state t
  [ -n "$pid" ] || return 1
  [ -r "/proc/$pid/stat" ] || return 1
  if [ -n "$want" ]; then
    [ "$(srv_proc_start_time "$pid")" = "$want" ] || return 1
  fi
  for t in "/proc/$pid/task/"*/stat "/proc/$pid/stat"; do
    stat=$(cat "$t" 2>/dev/null) || continue
    stat=${stat##*) }
    state=${stat%% *}
    case "$state" in Z | X) ;; *) return 0 ;; esac
  done
  return 1
}

# srv_record_pid PIDDIR NAME PID: writes PIDDIR/NAME.pid and PIDDIR/NAME.start.
srv_record_pid() {
  local dir=$1 name=$2 pid=$3
  echo "$pid" >"$dir/$name.pid"
  srv_proc_start_time "$pid" >"$dir/$name.start" 2>/dev/null || : >"$dir/$name.start"
}

# srv_pid PIDDIR NAME: prints the recorded pid of NAME when that process is still alive.
srv_pid() {
  local dir=$1 name=$2 pid start=""
  [ -f "$dir/$name.pid" ] || return 1
  pid=$(cat "$dir/$name.pid")
  [ -f "$dir/$name.start" ] && start=$(cat "$dir/$name.start")
  srv_pid_alive "$pid" "$start" || return 1
  echo "$pid"
}

# srv_spawn PIDDIR NAME LOGFILE COMMAND...: starts COMMAND detached (new session, stdin /dev/null,
# stdout and stderr appended to LOGFILE) and records its pid. The pid is the command's own: the
# wrapper shell writes $$ and then execs it.
srv_spawn() {
  local dir=$1 name=$2 log=$3
  shift 3
  rm -f "$dir/$name.pid" "$dir/$name.start"
  # shellcheck disable=SC2016 # $$ and "$@" belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$dir/$name.pid.tmp" "$@" </dev/null >>"$log" 2>&1 &
  local waited=0
  while [ ! -s "$dir/$name.pid.tmp" ]; do
    sleep 0.02
    waited=$((waited + 1))
    [ "$waited" -lt 500 ] || srv_die "$name did not start (see $log)"
  done
  local pid
  pid=$(cat "$dir/$name.pid.tmp")
  rm -f "$dir/$name.pid.tmp"
  # The exec may not have happened yet; the start time does not change across exec.
  srv_record_pid "$dir" "$name" "$pid"
}

# srv_stop PIDDIR NAME SIGNAL TIMEOUT: sends SIGNAL to NAME and waits up to TIMEOUT seconds for it
# to go; then sends SIGKILL and waits again. Returns 0 when it is gone (or was not running).
srv_stop() {
  local dir=$1 name=$2 sig=$3 timeout=$4 pid
  pid=$(srv_pid "$dir" "$name") || return 0
  local start
  start=$(cat "$dir/$name.start" 2>/dev/null || true)
  kill -s "$sig" "$pid" 2>/dev/null || true
  if srv_wait_gone "$pid" "$start" "$timeout"; then return 0; fi
  srv_note "$name (pid $pid) still running ${timeout}s after SIG${sig#SIG}; sending SIGKILL"
  kill -s KILL "$pid" 2>/dev/null || true
  srv_wait_gone "$pid" "$start" 10
}

# srv_wait_gone PID START TIMEOUT: waits until PID has exited (reaped or a zombie).
srv_wait_gone() {
  local pid=$1 start=$2 timeout=$3
  local deadline=$((SECONDS + timeout))
  while srv_pid_alive "$pid" "$start"; do
    # Reap it if it happens to be our own child.
    wait "$pid" 2>/dev/null || true
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
  return 0
}

# --- Redis -----------------------------------------------------------------------------------------

# srv_redis_start PIDDIR NAME LOGFILE DATADIR PORT PERSIST(yes|no): starts redis-server on
# 127.0.0.1:PORT with its working directory DATADIR (dump.rdb, appendonlydir) and waits for PING.
# PERSIST=no: no snapshots, no AOF (`SHUTDOWN SAVE` still writes dump.rdb on demand).
# PERSIST=yes: appendonly yes, fsync every second.
srv_redis_start() {
  local dir=$1 name=$2 log=$3 data=$4 port=$5 persist=$6
  mkdir -p "$data"
  local args=(--port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$data"
    --daemonize no --logfile "" --dbfilename dump.rdb)
  if [ "$persist" = yes ]; then
    args+=(--appendonly yes --appendfsync everysec --save "")
  else
    args+=(--appendonly no --save "")
  fi
  srv_spawn "$dir" "$name" "$log" "$REDIS_SERVER" "${args[@]}"
  srv_wait_until 20 "redis-server on port $port (see $log)" srv_redis_ping "$port" ||
    srv_die "redis-server did not answer PING on port $port; last log lines:
$(tail -n 5 "$log" 2>/dev/null)"
}

srv_redis_ping() {
  [ "$("$REDIS_CLI" -h 127.0.0.1 -p "$1" PING 2>/dev/null)" = PONG ]
}

# --- PostgreSQL ------------------------------------------------------------------------------------

# srv_as_pg COMMAND...: runs COMMAND as the postgres user when we are root, else as ourselves.
srv_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# srv_pg_init DATADIR SUPERUSER_PASSWORD_FILE: initdb into DATADIR (owned by postgres when we are
# root), scram-sha-256 for TCP, the superuser `postgres` with the password in the file.
srv_pg_init() {
  local data=$1 pwfile=$2
  [ -x "$PG_BIN/initdb" ] || srv_die "no PostgreSQL 15 at $PG_BIN (apt-get install postgresql-15, or set PG_BIN)"
  mkdir -p "$data"
  chmod 700 "$data"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$data"
    # initdb reads the password file as postgres: hand it a copy that user can read.
    local tmp
    tmp=$(mktemp)
    cp "$pwfile" "$tmp"
    chown postgres "$tmp"
    chmod 600 "$tmp"
    # The postgres user must be able to reach the data directory.
    if ! runuser -u postgres -- test -x "$data"; then
      rm -f "$tmp"
      srv_die "the postgres user cannot reach $data: every parent directory needs o+x (e.g. chmod o+x on them)"
    fi
    pwfile=$tmp
  fi
  srv_as_pg "$PG_BIN/initdb" -D "$data" -U postgres --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null ||
    { [ "$(id -u)" -ne 0 ] || rm -f "$pwfile"; srv_die "initdb into $data failed"; }
  [ "$(id -u)" -ne 0 ] || rm -f "$pwfile"
  # Loopback TCP only; no Unix socket (its default directory may not exist and its path length is
  # limited); small settings for a 2-core test machine.
  cat >>"$data/postgresql.conf" <<'CONF'

# written by ops/lib/servers.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
shared_buffers = 128MB
fsync = on
log_destination = 'stderr'
logging_collector = off
CONF
}

# srv_pg_start PIDDIR NAME LOGFILE DATADIR PORT: starts the postmaster on 127.0.0.1:PORT detached
# and waits until pg_isready says it accepts connections; records the postmaster's pid.
srv_pg_start() {
  local dir=$1 name=$2 log=$3 data=$4 port=$5
  rm -f "$dir/$name.pid" "$dir/$name.start"
  srv_pg_wait_orphans "$data" 30
  if [ "$(id -u)" -eq 0 ]; then
    touch "$log"
    chown postgres "$log"
  fi
  # pg_ctl itself runs in a new session with stdin from /dev/null, so the postmaster it leaves
  # behind holds none of the caller's descriptors.
  local ctl=("$PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t 60 -o "-p $port")
  [ "$(id -u)" -ne 0 ] || ctl=(runuser -u postgres -- "${ctl[@]}")
  (cd / && setsid "${ctl[@]}" </dev/null >>"$log" 2>&1) || true
  srv_wait_until 60 "PostgreSQL on port $port (see $log)" srv_pg_ready "$port" ||
    srv_die "PostgreSQL did not become ready on port $port; last log lines:
$(tail -n 8 "$log" 2>/dev/null)"
  local pid
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null) || srv_die "no postmaster.pid in $data"
  srv_record_pid "$dir" "$name" "$pid"
}

# srv_pg_wait_orphans DATADIR TIMEOUT: waits until no live process works in DATADIR (every PostgreSQL
# process has the data directory as its working directory), then removes a postmaster.pid left by a
# postmaster that was killed. Backends of a killed postmaster exit on their own within moments.
srv_pg_wait_orphans() {
  local data=$1 timeout=$2 deadline p cwd busy
  data=$(cd "$data" && pwd -P)
  deadline=$((SECONDS + timeout))
  while :; do
    busy=""
    for p in /proc/[0-9]*; do
      cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
      [ "$cwd" = "$data" ] || continue
      srv_pid_alive "${p#/proc/}" && { busy=${p#/proc/}; break; }
    done
    [ -n "$busy" ] || break
    [ "$SECONDS" -lt "$deadline" ] || srv_die "a PostgreSQL process (pid $busy) still runs in $data"
    sleep 0.1
  done
  if [ -f "$data/postmaster.pid" ]; then
    rm -f "$data/postmaster.pid"
  fi
}

srv_pg_ready() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -t 2
}

# srv_pg_stop DATADIR MODE: pg_ctl stop -m MODE (fast or immediate), waiting for the stop.
srv_pg_stop() {
  local data=$1 mode=${2:-fast}
  [ -f "$data/postmaster.pid" ] || return 0
  (cd / && srv_as_pg "$PG_BIN/pg_ctl" stop -D "$data" -m "$mode" -w -t 60 >/dev/null 2>&1) || true
}

# srv_pg_psql PORT SUPERUSER_PASSWORD_FILE SQL...: runs SQL as the superuser over loopback TCP.
srv_pg_psql() {
  local port=$1 pwfile=$2
  shift 2
  PGPASSWORD=$(cat "$pwfile") "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
    -U postgres -d postgres "$@"
}

# srv_pg_create_app_db PORT SUPERUSER_PASSWORD_FILE ROLE PASSWORD DB: creates ROLE (LOGIN, with
# PASSWORD, stored as scram-sha-256) and DB owned by it; does nothing for what already exists.
srv_pg_create_app_db() {
  local port=$1 pwfile=$2 role=$3 password=$4 db=$5
  srv_pg_psql "$port" "$pwfile" -v role="$role" -v pw="$password" -v db="$db" <<'SQL' >/dev/null
SET password_encryption = 'scram-sha-256';
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

# srv_random_secret: 32 hex characters from the kernel's random source.
srv_random_secret() {
  od -An -tx1 -N16 /dev/urandom | tr -d ' \n'
}
