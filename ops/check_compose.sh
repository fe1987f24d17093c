#!/usr/bin/env bash
# Validates Compose files without a Docker engine: the Compose Specification JSON Schema
# (deploy/schema/compose-spec.json, Apache-2.0, source noted beside it) with jsonschema, plus
# Ronda's rules (secrets only as ${VAR:?…}, published ports on loopback, a scalable worker, JSON
# logs). See ops/lib/check_compose.py.
#
#   ops/check_compose.sh                 # docker-compose.yml and deploy/*compose*.yml
#   ops/check_compose.sh FILE...         # these files
#
# Installs jsonschema and PyYAML into .build-tools/compose-check (idempotent). Exit 0 when every
# file is valid, 1 when one is not (each problem printed as FILE: path: message), 2 for setup errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.build-tools/compose-check
REQUIREMENTS="jsonschema==4.26.0 PyYAML==6.0.3"

# shellcheck source=ops/lib/venv.sh
. "$ROOT/ops/lib/venv.sh"
ensure_venv check_compose.sh "$VENV" "$REQUIREMENTS"

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  cd "$ROOT"
  files=(docker-compose.yml)
  for f in docker-compose.*.yml deploy/*compose*.yml deploy/*compose*.yaml compose.yml compose.yaml; do
    [ -e "$f" ] && files+=("$f")
  done
fi

exec "$VENV/bin/python" "$ROOT/ops/lib/check_compose.py" "$ROOT/deploy/schema/compose-spec.json" "${files[@]}"
