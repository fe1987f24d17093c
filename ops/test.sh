#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test with code coverage,
# checks the compose files and deploy/, and prints line coverage of Sources/. Tests start their own servers
# (HTTP, redis-server, PostgreSQL, worker processes) on loopback; nothing needs to be running before.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/setup.sh

status=0
# docker-compose.yml against the Compose Specification and Ronda's rules (no Docker engine needed).
ops/check_compose.sh || status=$?
# The Kubernetes manifests, Prometheus rules and Grafana dashboard (kubernetes-validate, promtool).
ops/check_deploy.sh || status=$?
# Tests wait by polling with a deadline, never with a fixed sleep over 100 ms.
ops/check_test_sleeps.sh || status=$?
# The code is formatted as .swift-format says (`swift format -i -r Sources Tests Benchmarks Package.swift`).
if swift format lint --strict -r Sources Tests Benchmarks Package.swift; then
  echo "swift format lint: clean"
else
  echo "swift format lint: the files above are not formatted; run: swift format -i -r Sources Tests Benchmarks Package.swift" >&2
  status=1
fi

swift build --build-tests --enable-code-coverage
# Three phases, one after the other, so that fewer tests contend for the 2 cores at once: the
# unit-level targets, then the integration tests (the demo app, binaries, browsers, PostgreSQL
# backups), then the distributed tests, which start worker processes, redis-server and PostgreSQL
# and measure rates.
bin_dir="$(swift build --show-bin-path)"
rm -rf "$bin_dir/coverage-parts" && mkdir -p "$bin_dir/coverage-parts"
# save_coverage NAME: each `swift test` empties codecov/ first; keep this run's profile for
# ops/coverage.sh to merge. (SwiftPM merges the raw profiles only when every test passed;
# otherwise merge them here, so that the figure still covers every phase.)
save_coverage() {
  if [ -f "$bin_dir/codecov/default.profdata" ]; then
    cp "$bin_dir/codecov/default.profdata" "$bin_dir/coverage-parts/$1.profdata"
  elif compgen -G "$bin_dir/codecov/*.profraw" >/dev/null; then
    "$(dirname "$(readlink -f "$(command -v swift)")")/llvm-profdata" merge -sparse "$bin_dir"/codecov/*.profraw \
      -o "$bin_dir/coverage-parts/$1.profdata" || true
  fi
}
swift test --skip-build --enable-code-coverage --skip "RondaDistributedTests|RondaIntegrationTests" || status=$?
save_coverage part-1
swift test --skip-build --enable-code-coverage --filter RondaIntegrationTests || status=$?
save_coverage part-2
swift test --skip-build --enable-code-coverage --filter RondaDistributedTests || status=$?
ops/coverage.sh || true
exit "$status"
