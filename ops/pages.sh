#!/usr/bin/env bash
# The headless browser the dashboard's page tests and ops/screenshots.sh look through: Debian's
# chromium (installed with apt-get when /usr/bin/chromium is missing) driven by Playwright from PyPI
# in .build-tools/pages (idempotent: only when missing or changed). Playwright never downloads a
# browser of its own: the scripts launch /usr/bin/chromium through executable_path.
#
#   ops/pages.sh --install     # install (ops/setup.sh does this; the tests do it when missing)
#   ops/pages.sh SCRIPT ARG... # run SCRIPT with the venv's python (e.g. Tests/Servers/page_check.py)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.build-tools/pages
# playwright 1.65 depends on greenlet alone (no pyee, no typing_extensions any more).
REQUIREMENTS="playwright==1.65.2 greenlet==3.5.6"
CHROMIUM=/usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ ! -x "$CHROMIUM" ]; then
  mkdir -p "$ROOT/.build-tools"
  # Two callers at once (tests in parallel) take turns; the second finds it done.
  exec {apt_lock}>"$ROOT/.build-tools/chromium.lock"
  flock "$apt_lock"
  if [ ! -x "$CHROMIUM" ]; then
    echo "pages.sh: installing Debian's chromium" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    install_chromium() {
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
    }
    # A machine whose package lists were never fetched (or are stale) needs an update first.
    install_chromium || { $SUDO apt-get update -qq && install_chromium; } ||
      { echo "pages.sh: apt-get install chromium failed" >&2; exit 2; }
    [ -x "$CHROMIUM" ] || { echo "pages.sh: chromium installed but $CHROMIUM is missing" >&2; exit 2; }
  fi
  exec {apt_lock}>&-
fi

# shellcheck source=ops/lib/venv.sh
. "$ROOT/ops/lib/venv.sh"
ensure_venv pages.sh "$VENV" "$REQUIREMENTS"

if [ "${1:-}" = "--install" ]; then exit 0; fi
[ $# -gt 0 ] || { echo "usage: ops/pages.sh --install | SCRIPT ARG..." >&2; exit 2; }

exec "$VENV/bin/python" "$@"
