#!/usr/bin/env bash
# The release build of `ronda` that is deployed (deploy/Dockerfile runs it; bench/distributed.sh
# measures it). Extra arguments go to `swift build` (e.g. --build-path .build-static).
#
#   ops/build-release.sh                              # → .build/release/ronda
#   ops/build-release.sh --build-path .build-static   # what bench/distributed.sh measures
#
# The flags keep a worker's resident memory low (docs/performance.md, "Worker memory"):
#   --static-swift-stdlib    the Swift runtime, Foundation and ICU linked in, not loaded and
#                            relocated as shared objects;
#   -no-pie                  a position-dependent executable: no start-up relocations to apply
#                            (shared libraries, heap and stacks keep ASLR);
#   --no-export-dynamic      undoes the --export-dynamic that --static-swift-stdlib adds, so the
#                            dynamic symbol table holds a few hundred symbols, not 44,000.
# Only with the Swift libraries linked statically: a position-dependent executable that calls
# into a shared libswiftCore makes the loader warn on every start ("direct reference to
# protected function ... may break pointer equality").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec swift build -c release --product ronda --static-swift-stdlib \
  -Xlinker -no-pie -Xlinker --no-export-dynamic "$@"
