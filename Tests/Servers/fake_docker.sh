#!/usr/bin/env bash
# A stand-in for `docker compose` (no Docker engine runs here) that drives the same topology as
# plain processes with ops/cluster.sh, for deploy/deploy_staging.sh and ops/dr_drill.sh:
#
#   FAKE_CLUSTER   the ops/cluster.sh folder          RONDA   the ronda binary
#   FAKE_LOG       every call is appended here, one line each
#
#   compose version | config --quiet | build          answered (build: recorded only)
#   compose run --rm migrate                           `ronda migrate` against the cluster
#   compose up -d …                                    RONDA_IMAGE=ronda:TAG: a TAG containing "bad"
#                                                      is a release whose dashboard crashes at start
#                                                      (the dashboard is stopped); any other TAG
#                                                      starts the dashboard if it is not running
#   compose ps --all --format …                        "SERVICE STATE HEALTH" from the processes;
#                                                      the dashboard is healthy when /health answers
#   compose run --rm --no-deps dashboard smoke …       `ronda smoke` against the dashboard
#   compose ps                                         ops/cluster.sh status
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${FAKE_CLUSTER:?set FAKE_CLUSTER}" "${RONDA:?set RONDA}"
echo "docker $* (RONDA_IMAGE=${RONDA_IMAGE:-})" >>"${FAKE_LOG:-/dev/null}"
[ "${1:-}" = compose ] || { echo "fake docker: only 'compose' is implemented" >&2; exit 2; }
shift
cluster() { "$ROOT/ops/cluster.sh" "$@"; }
with_env() { (set -a && . "$FAKE_CLUSTER/cluster.env" && set +a && "$@"); }
dashboard_port() { sed -n 's/^DASHBOARD_PORT=//p' "$FAKE_CLUSTER/cluster.env"; }
healthy() {
  local code
  code=$(exec 3<>"/dev/tcp/127.0.0.1/$(dashboard_port)" 2>/dev/null && printf 'GET /health HTTP/1.0\r\n\r\n' >&3 && head -n 1 <&3)
  case "$code" in *" 200 "*) return 0 ;; *) return 1 ;; esac
}
case "${1:-}" in
  version) echo "Docker Compose version v2 (fake)" ;;
  config) exit "${FAKE_CONFIG_STATUS:-0}" ;;
  build) exit 0 ;;
  up)
    case "${RONDA_IMAGE:-}" in
      *bad*) cluster kill "$FAKE_CLUSTER" dashboard TERM >/dev/null ;;
      *) cluster start "$FAKE_CLUSTER" dashboard >/dev/null ;;
    esac ;;
  run)
    shift
    while [ "${1:-}" = --rm ] || [ "${1:-}" = --no-deps ]; do shift; done
    service=$1
    shift
    case "$service:${1:-}" in
      migrate:*) with_env "$RONDA" migrate ;;
      dashboard:smoke) shift; with_env "$RONDA" smoke --url "http://127.0.0.1:$(dashboard_port)" ;;
      *) echo "fake docker: run $service $* is not implemented" >&2; exit 2 ;;
    esac ;;
  ps)
    if [ "${2:-}" = "" ]; then cluster status "$FAKE_CLUSTER"; exit 0; fi
    cluster status "$FAKE_CLUSTER" | tail -n +2 | while read -r name state _; do
      service=${name%%-[0-9]*}
      [ "$service" = worker ] || service=$name
      if [ "$state" != up ]; then echo "$service exited"; continue; fi
      if [ "$service" = dashboard ]; then
        if healthy; then echo "dashboard running healthy"; else echo "dashboard running starting"; fi
      else
        echo "$service running healthy"
      fi
    done ;;
  *) echo "fake docker: compose $* is not implemented" >&2; exit 2 ;;
esac
