#!/usr/bin/env bash
# The Python packages the alert channels' integration tests receive with: aiosmtpd (a real SMTP
# server: plain, STARTTLS, SMTPS, AUTH) and sentry-sdk (whose own envelope parser checks what the
# Sentry channel sends). Installed into .build-tools/receivers (idempotent: only when missing or
# changed); the tests run .build-tools/receivers/bin/python.
#
#   ops/receivers.sh --install     # install (ops/setup.sh does this; the tests do it when missing)
#   ops/receivers.sh SCRIPT ARG... # run SCRIPT with the venv's python
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.build-tools/receivers
REQUIREMENTS="aiosmtpd==1.4.6 atpublic==9.0.0 attrs==26.1.0 sentry-sdk==2.76.0 urllib3==2.8.0 certifi==2026.10.19.post1"

# shellcheck source=ops/lib/venv.sh
. "$ROOT/ops/lib/venv.sh"
ensure_venv receivers.sh "$VENV" "$REQUIREMENTS"

if [ "${1:-}" = "--install" ]; then exit 0; fi
[ $# -gt 0 ] || { echo "usage: ops/receivers.sh --install | SCRIPT ARG..." >&2; exit 2; }

exec "$VENV/bin/python" "$@"
