#!/usr/bin/env bash
# A backup of Ronda's PostgreSQL (RONDA_DATABASE_URL): a compressed custom-format pg_dump, its
# SHA-256, and a manifest of the row counts a restore is checked against.
#
#   ops/backup.sh                                   # into $RONDA_BACKUP_DIR (default ./backups)
#   ops/backup.sh --dir /var/backups/ronda --keep-days 14 --keep-count 30
#
# Files: DIR/ronda-<UTC time>.dump, .dump.sha256, .dump.manifest. The dump is verified by listing
# it (pg_restore --list) before it counts. Retention: backups older than --keep-days (default 30)
# are deleted, then all but the newest --keep-count (default 14); the newest is always kept.
# A lock (flock on DIR/.lock) refuses a second backup running at the same time.
# --s3-bucket B [--s3-prefix P] [--s3-endpoint URL]: also upload the three files with the AWS CLI
# (`aws s3 cp`; credentials from the usual AWS_* variables; the endpoint for S3-compatible storage).
# --notify [--config ronda.yml]: tell the result through Ronda's own alert channels
# (`ronda alerts notify`: a failure at P1, a success at P3; RONDA_BIN names the binary, default
# `ronda` on PATH). A notification that cannot be sent is printed; it does not fail the backup.
#
# Exit status: 0 written and verified; 1 the dump or its verification failed; 2 bad usage, or
# another backup is running.
set -euo pipefail
CALLER=$PWD
cd "$(dirname "$0")/.."
. ops/lib/pgenv.sh

DIR=${RONDA_BACKUP_DIR:-backups}
KEEP_DAYS=30
KEEP_COUNT=14
S3_BUCKET= S3_PREFIX=ronda/ S3_ENDPOINT=
NOTIFY=no CONFIG=ronda.yml
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --keep-days) KEEP_DAYS=$2; shift 2 ;;
    --keep-count) KEEP_COUNT=$2; shift 2 ;;
    --s3-bucket) S3_BUCKET=$2; shift 2 ;;
    --s3-prefix) S3_PREFIX=$2; shift 2 ;;
    --s3-endpoint) S3_ENDPOINT=$2; shift 2 ;;
    --notify) NOTIFY=yes; shift ;;
    --config) CONFIG=$2; [[ $CONFIG = /* ]] || CONFIG=$CALLER/$CONFIG; shift 2 ;;
    -h|--help) usage ;;
    *) echo "backup.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $KEEP_DAYS =~ ^[0-9]+$ && $KEEP_COUNT =~ ^[1-9][0-9]*$ ]] || { echo "backup.sh: --keep-days and --keep-count take whole numbers (count at least 1)" >&2; exit 2; }
[ -n "${RONDA_DATABASE_URL:-}" ] || { echo "backup.sh: RONDA_DATABASE_URL is not set (postgres://user:password@host:port/db)" >&2; exit 2; }
pg_env "$RONDA_DATABASE_URL" || { echo "backup.sh: RONDA_DATABASE_URL is not a postgres:// URL" >&2; exit 2; }

mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock -n 9 || { echo "backup.sh: another backup of $DIR is running" >&2; exit 2; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
file=$DIR/ronda-$stamp.dump
partial=$file.partial
PROBLEM= SUMMARY=
fail() { PROBLEM=$1; echo "backup.sh: $1" >&2; exit 1; }
# notify STATUS: the result through the alert channels, once per backup (the key is its name).
notify() {
  local status=$1 bin=${RONDA_BIN:-ronda} args
  if [ "$status" -eq 0 ]; then
    args=(--title "Ronda backup written" --message "$SUMMARY")
  else
    args=(--failure --title "Ronda backup FAILED" --message "${PROBLEM:-the backup exited with status $status}; the newest good backup is the one before ronda-$stamp")
  fi
  "$bin" alerts notify --config "$CONFIG" --key "backup-$(hostname)-$stamp" "${args[@]}" ||
    echo "backup.sh: the notification was not sent (ronda alerts notify exited $?)" >&2
}
finish() {
  local status=$?
  rm -f "$partial"
  if [ "$NOTIFY" = yes ]; then notify "$status"; fi
  exit "$status"
}
trap finish EXIT
started=$(date +%s.%N)
# The manifest's counts must be those of the dump's snapshot, not of the database a moment later
# (runs go on while a backup is taken): a psql session opens a repeatable-read transaction and
# exports its snapshot, pg_dump dumps that snapshot, and the same transaction counts the rows.
session=$(mktemp -d)
mkfifo "$session/in"
# psql exits at once when it cannot connect; a write to its input then must fail (and be seen
# below as "no snapshot"), not kill this script with SIGPIPE before it can report and notify.
trap '' PIPE
psql -q -X -At -v ON_ERROR_STOP=1 <"$session/in" >"$session/out" 2>"$session/err" &
psql_pid=$!
exec 8>"$session/in"
end_session() {
  { echo "ROLLBACK;"; echo "\\q"; } >&8 2>/dev/null || true
  exec 8>&-
  wait "$psql_pid" 2>/dev/null || true
  rm -rf "$session"
}
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" "\\o $session/snapshot.tmp" \
  "SELECT pg_export_snapshot();" "\\o" "\\! mv $session/snapshot.tmp $session/snapshot" >&8 2>/dev/null || true
for _ in $(seq 1 300); do
  [ -s "$session/snapshot" ] && break
  kill -0 "$psql_pid" 2>/dev/null || break
  sleep 0.1
done
snapshot=$(cat "$session/snapshot" 2>/dev/null || true)
if [ -z "$snapshot" ]; then
  problem="cannot open a snapshot on $PGDATABASE at $PGHOST:$PGPORT: $(head -c 300 "$session/err")"
  end_session
  fail "$problem"
fi
if ! pg_dump -Fc -Z 6 --no-owner --no-privileges --snapshot="$snapshot" -f "$partial"; then
  end_session
  fail "pg_dump of $PGDATABASE on $PGHOST:$PGPORT failed"
fi
{
  echo "\\o $session/counts.tmp"
  for table in runs scenario_results step_results error_groups; do
    echo "SELECT '$table ' || count(*) FROM $table;"
  done
  echo "\\o"
  echo "\\! mv $session/counts.tmp $session/counts"
} >&8 2>/dev/null || true
for _ in $(seq 1 3000); do
  [ -s "$session/counts" ] && break
  kill -0 "$psql_pid" 2>/dev/null || break
  sleep 0.1
done
cp "$session/counts" "$file.manifest" 2>/dev/null || true
end_session
trap - PIPE
[ "$(wc -l <"$file.manifest" 2>/dev/null || echo 0)" -eq 4 ] || fail "could not count the rows of the dump's snapshot"
pg_restore --list "$partial" >/dev/null || fail "the dump does not list (pg_restore --list): not kept"
mv "$partial" "$file"
(cd "$DIR" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")
seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
SUMMARY="$file ($(stat -c %s "$file") bytes, ${seconds}s; $(tr '\n' ' ' <"$file.manifest"| sed 's/ $//'))"
echo "backup: $SUMMARY"

if [ -n "$S3_BUCKET" ]; then
  endpoint=()
  [ -z "$S3_ENDPOINT" ] || endpoint=(--endpoint-url "$S3_ENDPOINT")
  for f in "$file" "$file.sha256" "$file.manifest"; do
    aws "${endpoint[@]}" s3 cp --only-show-errors "$f" "s3://$S3_BUCKET/$S3_PREFIX$(basename "$f")" ||
      fail "upload of $(basename "$f") to s3://$S3_BUCKET/$S3_PREFIX failed (the local backup $file is kept)"
  done
  echo "uploaded: s3://$S3_BUCKET/$S3_PREFIX$(basename "$file")"
  SUMMARY="$SUMMARY; uploaded to s3://$S3_BUCKET/$S3_PREFIX$(basename "$file")"
fi

# Retention: by age, then by count; never the backup just written.
mapfile -t dumps < <(ls -1 "$DIR"/ronda-*.dump 2>/dev/null | sort -r)
now=$(date +%s)
kept=0
for dump in "${dumps[@]}"; do
  [ "$dump" = "$file" ] && { kept=$((kept + 1)); continue; }
  age_days=$(( (now - $(stat -c %Y "$dump")) / 86400 ))
  if [ "$age_days" -ge "$KEEP_DAYS" ] || [ "$kept" -ge "$KEEP_COUNT" ]; then
    rm -f "$dump" "$dump.sha256" "$dump.manifest"
    echo "retention: removed $(basename "$dump")"
  else
    kept=$((kept + 1))
  fi
done
