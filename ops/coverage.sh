#!/usr/bin/env bash
# Prints line coverage of Sources/ from the last `swift test --enable-code-coverage`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir=$(swift build --show-bin-path)
profdata="$bin_dir/codecov/default.profdata"
test_bundle=$(find "$bin_dir" -maxdepth 1 -name '*.xctest' | head -n 1)
if [ ! -f "$profdata" ] || [ -z "$test_bundle" ]; then
  echo "coverage: no profile data (run swift test --enable-code-coverage first)" >&2
  exit 1
fi
# The toolchain's own llvm-cov reads the profile format its compiler wrote; a system one may not.
llvm_cov="$(dirname "$(readlink -f "$(command -v swift)")")/llvm-cov"
[ -x "$llvm_cov" ] || llvm_cov=$(command -v llvm-cov)
"$llvm_cov" report "$test_bundle" -instr-profile="$profdata" \
  -ignore-filename-regex='(\.build|Tests|Benchmarks)/' "$(pwd)/Sources" | tail -n 1 |
  awk '{ printf "coverage: line coverage of Sources/ is %s (%s of %s lines missed)\n", $10, $9, $8 }'
