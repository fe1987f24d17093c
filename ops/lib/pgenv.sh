# shellcheck shell=bash
# pg_env URL: exports PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE) from a
# postgres:// URL (percent-decoded), so the password never appears in a command line.
pg_env() {
  local url=$1 parsed
  parsed=$(python3 - "$url" <<'PY'
import shlex, sys
from urllib.parse import urlsplit, unquote, parse_qs
u = urlsplit(sys.argv[1])
if u.scheme not in ("postgres", "postgresql") or not u.path.strip("/"):
    sys.exit("not a postgres://user:password@host:port/database URL")
query = parse_qs(u.query)
values = {
    "PGHOST": u.hostname or "127.0.0.1",
    "PGPORT": str(u.port or 5432),
    "PGUSER": unquote(u.username or ""),
    "PGPASSWORD": unquote(u.password or ""),
    "PGDATABASE": unquote(u.path.lstrip("/")),
    "PGSSLMODE": query.get("sslmode", ["prefer"])[0],
}
for key, value in values.items():
    print(f"export {key}={shlex.quote(value)}")
PY
  ) || return 2
  eval "$parsed"
}

# pg_counts: "table rows" lines for the tables a restore is checked against.
pg_counts() {
  local table
  for table in runs scenario_results step_results error_groups; do
    printf '%s %s\n' "$table" "$(psql -X -At -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM $table" 2>/dev/null || echo missing)"
  done
}
