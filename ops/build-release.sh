#!/usr/bin/env bash
# The release build of `ronda` that is deployed (deploy/Dockerfile runs it; bench/distributed.sh
# measures it). Extra arguments go to `swift build` (e.g. --build-path .build-static).
#
#   ops/build-release.sh                              # → .build/release/ronda
#   ops/build-release.sh --build-path .build-static   # what bench/distributed.sh measures
#
# Everything here keeps a worker's resident memory low (docs/performance.md, "Worker memory"):
#   --static-swift-stdlib    the Swift runtime, Foundation and ICU linked in, not loaded and
#                            relocated as shared objects;
#   libstdc++ linked in      the C++ runtime the Swift runtime and ICU use. `swift build` always
#                            asks for `-lstdc++`, and the linker takes the first directory that
#                            holds libstdc++.so or libstdc++.a; SwiftPM's own output directory is
#                            searched before the compiler's, so a libstdc++.a link placed there
#                            wins. Skipped, with a note, when the compiler has no libstdc++.a;
#   -no-pie                  a position-dependent executable: no start-up relocations to apply
#                            (shared libraries, heap and stacks keep ASLR);
#   --no-export-dynamic      undoes the --export-dynamic that --static-swift-stdlib adds, so the
#                            dynamic symbol table holds a few hundred symbols, not 44,000.
# Only with the Swift libraries linked statically: a position-dependent executable that calls
# into a shared libswiftCore makes the loader warn on every start ("direct reference to
# protected function ... may break pointer equality"), so plain `swift build` keeps its defaults.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
flags=(-c release --product ronda --static-swift-stdlib -Xlinker -no-pie -Xlinker --no-export-dynamic "$@")
bin=$(swift build "${flags[@]}" --show-bin-path)
archive=$(clang -print-file-name=libstdc++.a 2>/dev/null || true)
if [ -n "$archive" ] && [ "$archive" != libstdc++.a ] && [ -f "$archive" ]; then
  mkdir -p "$bin"
  ln -sf "$archive" "$bin/libstdc++.a"
else
  echo "build-release.sh: no libstdc++.a (install libstdc++-12-dev); linking libstdc++ as a shared library" >&2
  rm -f "$bin/libstdc++.a"
fi
exec swift build "${flags[@]}"
