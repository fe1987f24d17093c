#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test with code coverage,
# checks the compose files and deploy/, and prints line coverage of Sources/. Tests start their own servers
# (HTTP, redis-server, PostgreSQL, worker processes) on loopback; nothing needs to be running before.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/setup.sh

status=0
failed_steps=()
# step NAME COMMAND...: runs one step; a failure is remembered by name for the summary at the end
# (CI shows only the tail of this script's output, so the summary names what failed).
step() {
  local name=$1 rc=0
  shift
  "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then
    failed_steps+=("$name (exit $rc)")
    status=$rc
  fi
}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# phase NAME ARGS...: one `swift test` run, its output also kept to list the failed tests at the end.
phase() {
  local name=$1 rc=0
  shift
  swift test --skip-build --enable-code-coverage "$@" 2>&1 | tee "$logs/$name.log" || rc=$?
  if [ "$rc" -ne 0 ]; then
    failed_steps+=("swift test, $name phase (exit $rc)")
    status=$rc
  fi
}
# docker-compose.yml against the Compose Specification and Ronda's rules (no Docker engine needed).
step "ops/check_compose.sh" ops/check_compose.sh
# The Kubernetes manifests, Prometheus rules and Grafana dashboard (kubernetes-validate, promtool).
step "ops/check_deploy.sh" ops/check_deploy.sh
# Tests wait by polling with a deadline, never with a fixed sleep over 100 ms.
step "ops/check_test_sleeps.sh" ops/check_test_sleeps.sh
# The code is formatted as .swift-format says (`swift format -i -r Sources Tests Benchmarks Package.swift`).
if swift format lint --strict -r Sources Tests Benchmarks Package.swift; then
  echo "swift format lint: clean"
else
  echo "swift format lint: the files above are not formatted; run: swift format -i -r Sources Tests Benchmarks Package.swift" >&2
  failed_steps+=("swift format lint")
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
phase unit-level --skip "RondaDistributedTests|RondaIntegrationTests"
save_coverage part-1
phase integration --filter RondaIntegrationTests
save_coverage part-2
phase distributed --filter RondaDistributedTests
ops/coverage.sh || true
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "ops/test.sh: FAILED: ${failed_steps[*]}"
  # Swift Testing's failed tests and issues ("✘ Test x() recorded an issue at F.swift:1:2: …"),
  # XCTest's ("error:", "Test Case … failed"), and a crashed test process.
  grep -h -E '^✘ (Test|Suite) |: error: |Test Case .* failed|Fatal error|signal code|exited with unexpected signal' \
    "$logs"/*.log 2>/dev/null | head -n 60 || true
else
  echo "ops/test.sh: every step passed"
fi
exit "$status"
