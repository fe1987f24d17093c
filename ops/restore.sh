#!/usr/bin/env bash
# Restores Ronda's PostgreSQL (RONDA_DATABASE_URL) from a backup of ops/backup.sh.
#
#   ops/restore.sh --latest --force                 # the newest backup in $RONDA_BACKUP_DIR (./backups)
#   ops/restore.sh backups/ronda-20261206T030000Z.dump --force
#   ops/restore.sh --from-s3 ronda/ronda-20261206T030000Z.dump --s3-bucket B [--s3-endpoint URL] --force
#
# Steps: the backup's checksum and listing are checked (a truncated or corrupted file is refused
# and nothing is touched); a safety backup of the live database is taken (DIR/safety/); the dump
# is restored into a new database, whose row counts of runs, scenario_results, step_results and
# error_groups must equal the backup's manifest; then sessions on the live database are ended,
# it is renamed aside, the new one takes its name and the old one is dropped. A failure before
# the swap drops the new database and leaves the live one as it was; a failure during the swap
# puts the old database back, or, if that fails too, restores the safety backup.
# Without --force it only says what it would do.
#
# The login role needs CREATEDB and must own the database; the maintenance database it connects to
# for CREATE/ALTER/DROP DATABASE is RONDA_MAINTENANCE_DB (default postgres).
# Exit status: 0 restored and verified; 1 the restore failed (rolled back); 2 bad usage or a
# backup that does not verify.
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/pgenv.sh

DIR=${RONDA_BACKUP_DIR:-backups}
FORCE=0 LATEST=0 FILE= S3_KEY= S3_BUCKET= S3_ENDPOINT=
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --force) FORCE=1; shift ;;
    --latest) LATEST=1; shift ;;
    --dir) DIR=$2; shift 2 ;;
    --from-s3) S3_KEY=$2; shift 2 ;;
    --s3-bucket) S3_BUCKET=$2; shift 2 ;;
    --s3-endpoint) S3_ENDPOINT=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "restore.sh: unknown option '$1'" >&2; usage ;;
    *) FILE=$1; shift ;;
  esac
done
[ -n "${RONDA_DATABASE_URL:-}" ] || { echo "restore.sh: RONDA_DATABASE_URL is not set" >&2; exit 2; }
pg_env "$RONDA_DATABASE_URL" || { echo "restore.sh: RONDA_DATABASE_URL is not a postgres:// URL" >&2; exit 2; }
TARGET=$PGDATABASE
MAINTENANCE=${RONDA_MAINTENANCE_DB:-postgres}
[ $((LATEST + (${#FILE} > 0) + (${#S3_KEY} > 0))) -eq 1 ] || { echo "restore.sh: name one backup: FILE, --latest or --from-s3 KEY" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -n "$S3_KEY" ]; then
  [ -n "$S3_BUCKET" ] || { echo "restore.sh: --from-s3 needs --s3-bucket" >&2; exit 2; }
  endpoint=()
  [ -z "$S3_ENDPOINT" ] || endpoint=(--endpoint-url "$S3_ENDPOINT")
  for suffix in "" .sha256 .manifest; do
    aws "${endpoint[@]}" s3 cp --only-show-errors "s3://$S3_BUCKET/$S3_KEY$suffix" "$WORK/$(basename "$S3_KEY")$suffix" ||
      { echo "restore.sh: cannot download s3://$S3_BUCKET/$S3_KEY$suffix" >&2; exit 2; }
  done
  FILE=$WORK/$(basename "$S3_KEY")
elif [ "$LATEST" = 1 ]; then
  FILE=$(ls -1 "$DIR"/ronda-*.dump 2>/dev/null | sort | tail -n 1 || true)
  [ -n "$FILE" ] || { echo "restore.sh: no backup in $DIR" >&2; exit 2; }
fi

# 1. The backup must verify before anything is touched.
[ -s "$FILE" ] || { echo "restore.sh: $FILE is missing or empty" >&2; exit 2; }
[ -f "$FILE.sha256" ] || { echo "restore.sh: $FILE has no .sha256 beside it" >&2; exit 2; }
(cd "$(dirname "$FILE")" && sha256sum --quiet -c "$(basename "$FILE").sha256") >/dev/null 2>&1 ||
  { echo "restore.sh: $FILE does not match its checksum (truncated or corrupted): refused; the live database is untouched" >&2; exit 2; }
pg_restore --list "$FILE" >/dev/null 2>&1 ||
  { echo "restore.sh: $FILE does not list as a pg_dump archive: refused; the live database is untouched" >&2; exit 2; }
[ -f "$FILE.manifest" ] || { echo "restore.sh: $FILE has no .manifest beside it (row counts to check)" >&2; exit 2; }

if [ "$FORCE" != 1 ]; then
  echo "restore.sh: would replace database $TARGET on $PGHOST:$PGPORT with $FILE ($(tr '\n' ' ' <"$FILE.manifest")); add --force"
  exit 2
fi

admin() { PGDATABASE=$MAINTENANCE psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
quote_ident() { printf '"%s"' "${1//\"/\"\"}"; }
exists() { [ "$(admin -c "SELECT 1 FROM pg_database WHERE datname = '${1//\'/\'\'}'")" = 1 ]; }
fail_point() { [ "${RONDA_RESTORE_FAIL_AT:-}" != "$1" ] || { echo "restore.sh: failing at '$1' (RONDA_RESTORE_FAIL_AT, for drills)" >&2; return 1; }; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
NEW=${TARGET}_restore_$stamp
OLD=${TARGET}_old_$stamp
started=$(date +%s.%N)

# 2. A safety backup of the live database, when there is one.
SAFETY=
if exists "$TARGET"; then
  ops/backup.sh --dir "$DIR/safety" --keep-count 3 >"$WORK/safety.log" 2>&1 ||
    { cat "$WORK/safety.log" >&2; echo "restore.sh: the safety backup failed: nothing was changed" >&2; exit 1; }
  SAFETY=$(ls -1 "$DIR"/safety/ronda-*.dump | sort | tail -n 1)
  echo "safety backup: $SAFETY"
fi

# 3. Restore into a new database and check its counts.
drop_new() { admin -c "DROP DATABASE IF EXISTS $(quote_ident "$NEW")" >/dev/null 2>&1 || true; }
admin -c "CREATE DATABASE $(quote_ident "$NEW")"
if ! pg_restore --no-owner --no-privileges --exit-on-error -d "$NEW" "$FILE" 2>"$WORK/restore.err" || ! fail_point restore; then
  cat "$WORK/restore.err" >&2
  drop_new
  echo "restore.sh: pg_restore failed: the new database was dropped; $TARGET is untouched" >&2
  exit 1
fi
PGDATABASE=$NEW pg_counts >"$WORK/counts"
if ! diff -u "$FILE.manifest" "$WORK/counts" >"$WORK/counts.diff" || ! fail_point verify; then
  cat "$WORK/counts.diff" >&2
  drop_new
  echo "restore.sh: the restored row counts differ from the backup's manifest: $TARGET is untouched" >&2
  exit 1
fi

# 4. The swap: end the sessions, rename the live database aside, the new one in.
terminate() {
  admin -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${1//\'/\'\'}' AND pid <> pg_backend_pid()" >/dev/null
}
rollback() {
  echo "restore.sh: the swap failed; rolling back" >&2
  if exists "$OLD"; then
    exists "$TARGET" && { terminate "$TARGET"; admin -c "DROP DATABASE $(quote_ident "$TARGET")" || true; }
    admin -c "ALTER DATABASE $(quote_ident "$OLD") RENAME TO $(quote_ident "$TARGET")" && { drop_new; echo "rolled back: $TARGET is the database it was" >&2; return; }
  fi
  if [ -n "$SAFETY" ]; then
    exists "$TARGET" && { terminate "$TARGET"; admin -c "DROP DATABASE $(quote_ident "$TARGET")" || true; }
    admin -c "CREATE DATABASE $(quote_ident "$TARGET")" &&
      PGDATABASE=$TARGET pg_restore --no-owner --no-privileges --exit-on-error -d "$TARGET" "$SAFETY" &&
      echo "rolled back from the safety backup $SAFETY" >&2 && return
  fi
  if [ -n "$SAFETY" ]; then
    echo "restore.sh: the rollback failed too: restore $SAFETY by hand (ops/restore.sh $SAFETY --force)" >&2
  else
    echo "restore.sh: there was no live $TARGET before, so nothing to roll back to: run the restore again" >&2
  fi
}
swap() {
  if exists "$TARGET"; then
    terminate "$TARGET"
    admin -c "ALTER DATABASE $(quote_ident "$TARGET") RENAME TO $(quote_ident "$OLD")" || return 1
  fi
  fail_point swap || return 1
  admin -c "ALTER DATABASE $(quote_ident "$NEW") RENAME TO $(quote_ident "$TARGET")" || return 1
}
oid() { admin -c "SELECT oid FROM pg_database WHERE datname = '${1//\'/\'\'}'"; }
restored=$(oid "$NEW")
if ! swap; then
  rollback
  exit 1
fi
# The database now named TARGET must be the one verified above. Compared by identity, not by its
# row counts: the coordinator and workers reconnect at once and may already be writing to it.
[ -n "$restored" ] && [ "$(oid "$TARGET")" = "$restored" ] || { rollback; exit 1; }
if exists "$OLD"; then terminate "$OLD"; admin -c "DROP DATABASE $(quote_ident "$OLD")"; fi
seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
echo "restored: $TARGET from $FILE in ${seconds}s ($(tr '\n' ' ' <"$WORK/counts" | sed 's/ $//'))"
