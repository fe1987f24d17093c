#!/usr/bin/env bash
# Validates JUnit XML reports against the Jenkins JUnit schema (Tests/Fixtures/junit/jenkins-junit.xsd)
# with xmlschema, the way CI servers read them. The tests run it on `ronda run --junit` output.
#
#   ops/check_junit.sh FILE...     # exit 0 when every file is valid, 1 when one is not (each
#                                  # problem printed as FILE: reason), 2 for setup errors
#   ops/check_junit.sh --install   # only install the validator (ops/setup.sh does this)
#
# Installs xmlschema into .build-tools/junit-check (idempotent: only when missing or changed).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.build-tools/junit-check
REQUIREMENTS="xmlschema==4.3.2 elementpath==5.1.4"

# shellcheck source=ops/lib/venv.sh
. "$ROOT/ops/lib/venv.sh"
ensure_venv check_junit.sh "$VENV" "$REQUIREMENTS"

if [ "${1:-}" = "--install" ]; then exit 0; fi
[ $# -gt 0 ] || { echo "usage: ops/check_junit.sh FILE... | --install" >&2; exit 2; }

exec "$VENV/bin/python" "$ROOT/ops/lib/check_junit.py" "$ROOT/Tests/Fixtures/junit/jenkins-junit.xsd" "$@"
