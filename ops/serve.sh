#!/usr/bin/env bash
# Ronda 24/7 in one process against the bundled demo app: installs what is missing, builds, then
# `ronda serve --demo --every 1m` — the whole suite every minute, results in .ronda/ronda.sqlite,
# the dashboard on http://127.0.0.1:8080 (the first start prints the 'admin' password).
# Extra arguments go to `ronda serve` (e.g. --port 9090). Ctrl-C drains and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/setup.sh
swift build --product ronda 2>&1 | tail -n 3
exec .build/debug/ronda serve --demo --every 1m "$@"
