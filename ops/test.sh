#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test with code coverage,
# and prints line coverage of Sources/. Tests start their own servers (HTTP, redis-server,
# PostgreSQL) on loopback; nothing needs to be running before.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/setup.sh

swift build --build-tests --enable-code-coverage
status=0
swift test --skip-build --enable-code-coverage || status=$?
ops/coverage.sh || true
exit "$status"
