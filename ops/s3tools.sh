#!/usr/bin/env bash
# The AWS CLI and a local S3 server (moto) in a virtual environment of their own, from PyPI:
# for trying ops/backup.sh --s3-bucket without a cloud account, and for the tests.
#
#   ops/s3tools.sh --bin                  # install when missing; print the venv's bin folder
#   ops/s3tools.sh server PORT            # moto's S3 server on 127.0.0.1:PORT (foreground)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${RONDA_S3_VENV:-$ROOT/.build-tools/s3}
REQUIREMENTS="moto[server]==5.2.6 awscli==1.46.3"
# shellcheck source=ops/lib/venv.sh
. "$ROOT/ops/lib/venv.sh"
ensure_venv s3tools.sh "$VENV" "$REQUIREMENTS"
case ${1:-} in
  --bin) echo "$VENV/bin" ;;
  server) exec "$VENV/bin/moto_server" -H 127.0.0.1 -p "${2:?the port}" ;;
  *) echo "usage: ops/s3tools.sh --bin | server PORT" >&2; exit 2 ;;
esac
