#!/usr/bin/env bash
# Prints line coverage of Sources/ from the last `swift test --enable-code-coverage`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin_dir=$(swift build --show-bin-path)
codecov="$bin_dir/codecov"
test_bundle=$(find "$bin_dir" -maxdepth 1 -name '*.xctest' | head -n 1)
shopt -s nullglob
# The toolchain's own llvm-cov reads the profile format its compiler wrote; a system one may not.
toolchain="$(dirname "$(readlink -f "$(command -v swift)")")"
llvm_cov="$toolchain/llvm-cov"
[ -x "$llvm_cov" ] || llvm_cov=$(command -v llvm-cov)
llvm_profdata="$toolchain/llvm-profdata"
[ -x "$llvm_profdata" ] || llvm_profdata=$(command -v llvm-profdata)
# SwiftPM merges the raw profiles into default.profdata only when every test passed; after a
# failure, merge them here so the figure still covers the run.
if [ ! -f "$codecov/default.profdata" ] && compgen -G "$codecov/*.profraw" >/dev/null; then
  mkdir -p "$bin_dir/coverage-parts"
  "$llvm_profdata" merge -sparse "$codecov"/*.profraw -o "$bin_dir/coverage-parts/last-run.profdata"
fi
profiles=()
[ -f "$codecov/default.profdata" ] && profiles+=("$codecov/default.profdata")
profiles+=("$bin_dir"/coverage-parts/*.profdata)
if [ ${#profiles[@]} -eq 0 ] || [ -z "$test_bundle" ]; then
  echo "coverage: no profile data (run swift test --enable-code-coverage first)" >&2
  exit 1
fi
# ops/test.sh runs the suite in two `swift test` runs; their profiles add up.
profdata="$bin_dir/coverage-parts/merged.out"
"$llvm_profdata" merge -sparse "${profiles[@]}" -o "$profdata"
"$llvm_cov" report "$test_bundle" -instr-profile="$profdata" \
  -ignore-filename-regex='(\.build|Tests|Benchmarks)/' "$(pwd)/Sources" | tail -n 1 |
  awk '{ printf "coverage: line coverage of Sources/ is %s (%s of %s lines missed)\n", $10, $9, $8 }'
