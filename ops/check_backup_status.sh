#!/usr/bin/env bash
# Is there a good, recent backup? For cron, a systemd timer or a monitoring check.
#
#   ops/check_backup_status.sh                       # in $RONDA_BACKUP_DIR (default ./backups), 25 h
#   ops/check_backup_status.sh --dir /var/backups/ronda --max-age-hours 25
#
# Looks at the newest ronda-*.dump: exits 1 when there is none, when it is empty, when it does not
# match its .sha256 or does not list as a pg_dump archive, or when it is older than the threshold;
# 0 otherwise. Prints its age, size and location either way.
set -euo pipefail
DIR=${RONDA_BACKUP_DIR:-backups}
MAX_HOURS=25
while [ $# -gt 0 ]; do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --max-age-hours) MAX_HOURS=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    *) echo "check_backup_status.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ $MAX_HOURS =~ ^[0-9]+$ ]] || { echo "check_backup_status.sh: --max-age-hours takes whole hours" >&2; exit 2; }
newest=$(ls -1 "$DIR"/ronda-*.dump 2>/dev/null | sort | tail -n 1 || true)
[ -n "$newest" ] || { echo "BACKUP MISSING: no ronda-*.dump in $DIR"; exit 1; }
size=$(stat -c %s "$newest")
age=$(( $(date +%s) - $(stat -c %Y "$newest") ))
where="$newest ($size bytes, $((age / 3600))h$(((age % 3600) / 60))m old)"
[ "$size" -gt 0 ] || { echo "BACKUP EMPTY: $where"; exit 1; }
[ -f "$newest.sha256" ] || { echo "BACKUP UNVERIFIABLE: no checksum beside $where"; exit 1; }
(cd "$(dirname "$newest")" && sha256sum --quiet -c "$(basename "$newest").sha256") >/dev/null 2>&1 ||
  { echo "BACKUP CORRUPT: $where does not match its checksum"; exit 1; }
pg_restore --list "$newest" >/dev/null 2>&1 || { echo "BACKUP CORRUPT: $where does not list as a pg_dump archive"; exit 1; }
[ "$age" -le $((MAX_HOURS * 3600)) ] || { echo "BACKUP TOO OLD: $where, over ${MAX_HOURS}h"; exit 1; }
echo "backup ok: $where"
