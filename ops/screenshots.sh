#!/usr/bin/env bash
# A PNG of every dashboard page, desktop and phone, in .ronda/screenshots/ (<page>-desktop.png,
# <page>-phone.png, plus pages.json: what Tests/Servers/page_check.py found on each page).
#
# It builds ronda, serves the bundled demo app, runs the bundled suite against it three times
# (twice healthy, then with the first of the demo app's faults switched on) into a throwaway SQLite
# database, adds an operator, serves the dashboard over that database and looks at each page in
# headless Chromium (ops/pages.sh). Nothing outside a temporary folder and .ronda/screenshots/ is
# written; the servers stop when it ends.
#
#   ops/screenshots.sh              # BUILD=0 skips `swift build`; RONDA_BIN picks the binary;
#                                   # SCREENSHOTS_DIR writes elsewhere than .ronda/screenshots
#
# Exit status: 0 when every page passed the checks, 1 when one did (the PNGs are written all the
# same), 2 when something could not be set up.
#
# Option names, all read from the sources on 2026-12-06 (adjust here if they change):
#   ronda demo-target --port 0 --list-faults; prints "Demo target listening on http://HOST:PORT — …"
#     (DemoTargetCommand.swift); PUT /__admin/faults {"active": [..]} with X-Admin-Token = DEMO_ADMIN_TOKEN
#   ronda run --config F --base-url URL --database FILE --parallel N   (GlobalOptions, RunOutputOptions)
#   ronda user add NAME --database-url sqlite:FILE --cost N, password from RONDA_USER_PASSWORD (UserCommand)
#   ronda dashboard --database-url sqlite:FILE --port 0; prints "dashboard listening on http://HOST:PORT"
#   ronda runs list --json --limit 1 --database-url sqlite:FILE: a JSON array of runs with "id" (RunsCommand)
#   ronda errors list --json --limit 1 --database-url sqlite:FILE: groups with "fingerprint", shown at
#     /errors/<fingerprint> (ErrorsCommand, Pages.swift)
#   `--database-url sqlite:PATH` opens that SQLite file for `user add`, `runs` and `dashboard`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

OUT=${SCREENSHOTS_DIR:-$ROOT/.ronda/screenshots}
RONDA=${RONDA_BIN:-.build/debug/ronda}
PAGES=(/ /runs /errors /scenarios /uptime /coverage /workers /status)
DEADLINE=${DEADLINE:-60} # seconds a server may take to come up

fail() { echo "ops/screenshots.sh: $*" >&2; exit 2; }

if [ "${BUILD:-1}" != 0 ]; then
  swift build --product ronda 2>&1 | tail -n 3
fi
[ -x "$RONDA" ] || fail "no ronda binary at $RONDA (build it, or set RONDA_BIN)"
ops/pages.sh --install

T=$(mktemp -d)
DB=$T/ronda.sqlite
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Embedded mode: results in $DB, never in a server named by the environment.
unset RONDA_DATABASE_URL RONDA_BASE_URL

# wait_for_url LOG NAME PATTERN PID: the http://HOST:PORT a server printed to LOG, within DEADLINE seconds.
wait_for_url() {
  local log=$1 name=$2 pattern=$3 pid=$4 url="" start=$SECONDS
  while [ -z "$url" ]; do
    url=$(grep -oE "$pattern http://[^ /]+:[0-9]+" "$log" 2>/dev/null | head -n 1 | grep -o 'http://.*' || true)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$name exited before it listened"; }
    [ $((SECONDS - start)) -lt "$DEADLINE" ] || { cat "$log" >&2; fail "$name did not listen within ${DEADLINE}s"; }
    sleep 0.2
  done
  echo "$url"
}

# The demo app, with the passwords and secrets the suite reads (its documented defaults).
export DEMO_ADMIN_TOKEN
DEMO_ADMIN_TOKEN=screenshots-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
export RONDA_RECEPTIONIST_PASSWORD=receptionist-demo-pass RONDA_OWNER_PASSWORD=owner-demo-pass \
  RONDA_DOCTOR_PASSWORD=doctor-demo-pass RONDA_CUSTOMER_PASSWORD=customer-demo-pass \
  RONDA_CAFETERIA_OWNER_PASSWORD=cafeteria-owner-demo-pass RONDA_CAFETERIA_ADMIN_PASSWORD=cafeteria-admin-demo-pass \
  RONDA_STRIPE_WEBHOOK_SECRET=whsec_ronda_demo_stripe RONDA_WOMPI_EVENTS_SECRET=test_events_ronda_demo_wompi \
  RONDA_MERCADOPAGO_SECRET=mercadopago-demo-secret
"$RONDA" demo-target --port 0 >"$T/target.log" 2>&1 &
PIDS+=($!)
TARGET=$(wait_for_url "$T/target.log" "ronda demo-target" "listening on" "${PIDS[-1]}")
echo "demo target: $TARGET"

faults() { # faults '"name"' or faults '': switch the demo app's faults
  curl -fsS -X PUT -H "X-Admin-Token: $DEMO_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"active\": [$1]}" "$TARGET/__admin/faults" >/dev/null || fail "cannot switch the demo app's faults"
}
suite() { # one run of the bundled suite; failed scenarios (exit 1) are data here, not an error
  local status=0
  "$RONDA" run --config ronda.yml --base-url "$TARGET" --database "$DB" --parallel 2 >"$T/run.log" 2>&1 || status=$?
  [ "$status" -le 1 ] || { tail -n 20 "$T/run.log" >&2; fail "ronda run exited $status"; }
  echo "run ($1): $(grep -E '[0-9]+ passed' "$T/run.log" | tail -n 1 || echo "exit $status")"
}
FAULT=$("$RONDA" demo-target --list-faults | awk 'NR == 1 { print $1 }')
[ -n "$FAULT" ] || fail "ronda demo-target --list-faults listed no fault"
suite healthy
suite healthy
faults "\"$FAULT\""
suite "fault $FAULT" # the newest run: its report and the error groups show failures

# An operator, and the dashboard over the same database.
export RONDA_USER_PASSWORD
RONDA_USER_PASSWORD=screenshots-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
"$RONDA" user add admin --database-url "sqlite:$DB" --cost 10 >/dev/null || fail "ronda user add failed"
first() { python3 -c 'import json, sys; rows = json.loads(sys.argv[1]); print(rows[0][sys.argv[2]] if rows else "")' "$@"; }
RUNS=$("$RONDA" runs list --json --limit 1 --database-url "sqlite:$DB") || fail "ronda runs list failed"
RUN_ID=$(first "$RUNS" id)
[ -n "$RUN_ID" ] && PAGES+=("/runs/$RUN_ID") || echo "note: no run in the database: /runs/<id> is left out" >&2
GROUPS_JSON=$("$RONDA" errors list --json --limit 1 --database-url "sqlite:$DB") || fail "ronda errors list failed"
FINGERPRINT=$(first "$GROUPS_JSON" fingerprint)
[ -n "$FINGERPRINT" ] && PAGES+=("/errors/$FINGERPRINT") || echo "note: no error group: /errors/<fingerprint> is left out" >&2

"$RONDA" dashboard --database-url "sqlite:$DB" --port 0 --status-page --openapi "$TARGET/openapi.json" >"$T/dashboard.log" 2>&1 &
PIDS+=($!)
DASHBOARD=$(wait_for_url "$T/dashboard.log" "ronda dashboard" "listening on" "${PIDS[-1]}")
start=$SECONDS
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$DASHBOARD/health")" = 200 ]; do
  [ $((SECONDS - start)) -lt "$DEADLINE" ] || { cat "$T/dashboard.log" >&2; fail "$DASHBOARD/health did not answer 200 within ${DEADLINE}s"; }
  sleep 0.2
done
echo "dashboard: $DASHBOARD"

mkdir -p "$OUT"
rm -f "$OUT"/*.png "$OUT/pages.json"
status=0
ops/pages.sh Tests/Servers/page_check.py --base "$DASHBOARD" --user admin --password-env RONDA_USER_PASSWORD \
  --screenshots "$OUT" "${PAGES[@]}" >"$OUT/pages.json" || status=$?
[ "$status" -le 1 ] || fail "the page checker could not run (exit $status)"
ls "$OUT"/*.png 2>/dev/null | sed "s|^$ROOT/||"
python3 - "$OUT/pages.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
for failure in report["failures"]:
    print("FAIL", failure)
print("every page passed" if report["ok"] else f"{len(report['failures'])} problem(s); details in {sys.argv[1]}")
EOF
exit "$status"
