#!/usr/bin/env bash
# Deploys Ronda to staging with Docker Compose, and rolls back to the previous image tag when the
# new one does not come up healthy or fails `ronda smoke`.
#
#   deploy/deploy_staging.sh [--tag TAG] [--deadline SECONDS] [--smoke-url URL]
#
# Steps, each printed as `== step`:
#   1. check: docker and its compose plugin, .env (or COMPOSE_FILE in the environment), the
#      compose configuration interpolates (every required variable set), free disk space;
#   2. build the image as ronda:TAG (default: the git commit, or a timestamp);
#   3. migrate (`docker compose run --rm migrate`);
#   4. start (`docker compose up -d --remove-orphans`) with RONDA_IMAGE=ronda:TAG;
#   5. wait until every service with a health check is healthy: polled every 2 s, up to --deadline
#      (default 180) seconds;
#   6. `ronda smoke` from inside the compose network (the dashboard's settings; --smoke-url,
#      default http://dashboard:8080);
#   7. print the status (`docker compose ps`) and record TAG as the deployed one.
# When 5 or 6 fails, the previous tag (recorded by the last good deploy in $DEPLOY_STATE, default
# .deploy/) is started again, waited for and smoke-tested; without a previous tag there is
# nothing to roll back to.
#
# Exit status: 0 deployed; 1 the new version failed and the previous one is back; 2 bad usage or
# a failed check (nothing was changed); 3 the new version failed and so did the rollback (or
# there was none): staging needs a person.
# DOCKER (default docker) names the docker program.
set -euo pipefail

DOCKER=${DOCKER:-docker}
STATE=${DEPLOY_STATE:-.deploy}
TAG= DEADLINE=180 SMOKE_URL=http://dashboard:8080

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --tag) TAG=${2:?--tag needs a value}; shift 2 ;;
    --deadline) DEADLINE=${2:?--deadline needs seconds}; shift 2 ;;
    --smoke-url) SMOKE_URL=${2:?--smoke-url needs a URL}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "deploy_staging.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $DEADLINE =~ ^[1-9][0-9]*$ ]] || { echo "deploy_staging.sh: --deadline takes whole seconds" >&2; exit 2; }

step() { printf '== %s\n' "$*"; }
die() { echo "deploy_staging.sh: $*" >&2; exit "${2:-2}"; }
compose() { "$DOCKER" compose "$@"; }

# --- 1. check ----------------------------------------------------------------------------------
step "check the environment"
command -v "$DOCKER" >/dev/null || die "no '$DOCKER' on PATH (install Docker, or set DOCKER)"
compose version >/dev/null 2>&1 || die "'$DOCKER compose' does not answer: install the compose plugin"
[ -f .env ] || [ -n "${COMPOSE_FILE:-}" ] ||
  die "no .env here: cp .env.example .env and fill it in (run this from the repository root)"
compose config --quiet || die "the compose configuration does not interpolate (a variable is missing: see above)"
free_mb=$(df -Pm . | awk 'NR == 2 { print $4 }')
[ "${free_mb:-0}" -ge 1024 ] || die "only ${free_mb} MB free here; a build needs at least 1 GB"
if [ -z "$TAG" ]; then
  TAG=$(git rev-parse --short=12 HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)
fi
[[ $TAG =~ ^[A-Za-z0-9_.-]+$ ]] || die "--tag '$TAG': letters, digits, '.', '_' and '-' only"
mkdir -p "$STATE"
PREVIOUS=$(cat "$STATE/staging.tag" 2>/dev/null || true)
echo "deploying ronda:$TAG (previous: ${PREVIOUS:-none})"

# wait_healthy: every service with a health check is healthy (and none exited but migrate) within
# the deadline. Prints the laggards while it waits.
wait_healthy() {
  local end=$((SECONDS + DEADLINE)) line service state health waiting
  while :; do
    waiting=()
    while read -r service state health; do
      [ -n "$service" ] || continue
      case "$service:$state" in
        migrate:*) continue ;;
        *:exited | *:dead) echo "deploy_staging.sh: $service $state" >&2; return 1 ;;
      esac
      if [ -n "$health" ] && [ "$health" != healthy ]; then waiting+=("$service($health)"); fi
    done < <(compose ps --all --format '{{.Service}} {{.State}} {{.Health}}' 2>/dev/null)
    [ ${#waiting[@]} -eq 0 ] && return 0
    if [ "$SECONDS" -ge "$end" ]; then
      echo "deploy_staging.sh: not healthy after ${DEADLINE}s: ${waiting[*]}" >&2
      return 1
    fi
    line="waiting for: ${waiting[*]}"
    echo "$line"
    sleep 2
  done
}

smoke() {
  compose run --rm --no-deps dashboard smoke --url "$SMOKE_URL" --log-format json
}

# start TAG: the services on image ronda:TAG, then health and smoke.
start() {
  local tag=$1
  step "start ronda:$tag"
  RONDA_IMAGE=ronda:$tag compose up -d --remove-orphans || return 1
  step "wait for health (up to ${DEADLINE}s)"
  RONDA_IMAGE=ronda:$tag wait_healthy || return 1
  step "smoke test"
  RONDA_IMAGE=ronda:$tag smoke || return 1
}

# --- 2.–4. build, migrate, start -----------------------------------------------------------------
step "build ronda:$TAG"
RONDA_IMAGE=ronda:$TAG compose build || die "the build failed (nothing was changed)" 2
step "migrate"
# Migrations only add (docs/operations.md): the previous version runs on the migrated schema,
# so a rollback does not undo them.
RONDA_IMAGE=ronda:$TAG compose run --rm migrate || die "the migration failed (nothing was started)" 2

if start "$TAG"; then
  step "status"
  RONDA_IMAGE=ronda:$TAG compose ps
  echo "$TAG" >"$STATE/staging.tag.tmp" && mv "$STATE/staging.tag.tmp" "$STATE/staging.tag"
  echo "deployed ronda:$TAG"
  exit 0
fi

echo "deploy_staging.sh: ronda:$TAG failed its health check or smoke test" >&2
if [ -z "$PREVIOUS" ] || [ "$PREVIOUS" = "$TAG" ]; then
  echo "deploy_staging.sh: no previous tag to roll back to; staging needs a person" >&2
  exit 3
fi
step "roll back to ronda:$PREVIOUS"
if start "$PREVIOUS"; then
  RONDA_IMAGE=ronda:$PREVIOUS compose ps
  echo "rolled back to ronda:$PREVIOUS (ronda:$TAG failed)"
  exit 1
fi
echo "deploy_staging.sh: the rollback to ronda:$PREVIOUS failed too; staging needs a person" >&2
exit 3
