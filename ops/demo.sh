#!/usr/bin/env bash
# The demo: installs what is missing, builds Ronda, starts the bundled demo target on loopback
# and runs the bundled suite against it (embedded mode, SQLite in .ronda/). Extra arguments go to `ronda demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/setup.sh
swift build --product ronda 2>&1 | tail -n 3
exec .build/debug/ronda demo "$@"
