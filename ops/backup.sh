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
#
# Exit status: 0 written and verified; 1 the dump or its verification failed; 2 bad usage, or
# another backup is running.
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/pgenv.sh

DIR=${RONDA_BACKUP_DIR:-backups}
KEEP_DAYS=30
KEEP_COUNT=14
S3_BUCKET= S3_PREFIX=ronda/ S3_ENDPOINT=
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --keep-days) KEEP_DAYS=$2; shift 2 ;;
    --keep-count) KEEP_COUNT=$2; shift 2 ;;
    --s3-bucket) S3_BUCKET=$2; shift 2 ;;
    --s3-prefix) S3_PREFIX=$2; shift 2 ;;
    --s3-endpoint) S3_ENDPOINT=$2; shift 2 ;;
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
trap 'rm -f "$partial"' EXIT
started=$(date +%s.%N)
if ! pg_dump -Fc -Z 6 --no-owner --no-privileges -f "$partial"; then
  echo "backup.sh: pg_dump of $PGDATABASE on $PGHOST:$PGPORT failed" >&2
  exit 1
fi
if ! pg_restore --list "$partial" >/dev/null; then
  echo "backup.sh: the dump does not list (pg_restore --list): not kept" >&2
  exit 1
fi
pg_counts >"$file.manifest"
mv "$partial" "$file"
(cd "$DIR" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")
seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
echo "backup: $file ($(stat -c %s "$file") bytes, ${seconds}s; $(tr '\n' ' ' <"$file.manifest"| sed 's/ $//'))"

if [ -n "$S3_BUCKET" ]; then
  endpoint=()
  [ -z "$S3_ENDPOINT" ] || endpoint=(--endpoint-url "$S3_ENDPOINT")
  for f in "$file" "$file.sha256" "$file.manifest"; do
    aws "${endpoint[@]}" s3 cp --only-show-errors "$f" "s3://$S3_BUCKET/$S3_PREFIX$(basename "$f")" ||
      { echo "backup.sh: upload of $(basename "$f") to s3://$S3_BUCKET/$S3_PREFIX failed (the local backup is kept)" >&2; exit 1; }
  done
  echo "uploaded: s3://$S3_BUCKET/$S3_PREFIX$(basename "$file")"
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
