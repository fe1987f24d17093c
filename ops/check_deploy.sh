#!/usr/bin/env bash
# Validates the deployment files without a cluster, a Docker engine or a network:
#   - deploy/kubernetes/**/*.yaml with kubernetes-validate --strict (PyPI; it ships the Kubernetes
#     schemas), and the KEDA objects against Ronda itself (stream, group, Deployment name);
#   - deploy/prometheus/prometheus.yml and alerts.yml with promtool check, and
#     alerts_test.yml with promtool test rules;
#   - deploy/grafana/: the datasource and dashboard provisioning, and every panel query of
#     deploy/grafana/dashboards/*.json as PromQL (promtool), naming only metrics Ronda exports.
#
#   ops/check_deploy.sh [ROOT]        (ROOT: a folder laid out like the repository; default: it)
#   ops/check_deploy.sh --install     (only install the tools)
#
# Installs kubernetes-validate into .build-tools/k8s-check and Debian's promtool (extracted from the
# prometheus package with apt-get download, not installed: no service starts) into
# .build-tools/prometheus. Idempotent. Exit 0 when every file is valid, 1 when one is not (each
# problem printed as FILE: message), 2 for setup errors.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$REPO/.build-tools/k8s-check
PROM=$REPO/.build-tools/prometheus
REQUIREMENTS="kubernetes-validate==1.37.0 PyYAML==6.0.3"

# shellcheck source=ops/lib/venv.sh
. "$REPO/ops/lib/venv.sh"
ensure_venv check_deploy.sh "$VENV" "$REQUIREMENTS"

install_promtool() {
  [ -x "$PROM/usr/bin/promtool" ] && return 0
  local lock tmp
  mkdir -p "$(dirname "$PROM")"
  exec {lock}>"$PROM.lock"
  flock "$lock"
  if [ ! -x "$PROM/usr/bin/promtool" ]; then
    echo "check_deploy.sh: extracting promtool from Debian's prometheus package into $PROM" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) ||
      { apt-get update -qq >/dev/null 2>&1 && (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); } ||
      { echo "check_deploy.sh: apt-get download prometheus failed" >&2; rm -rf "$tmp"; exit 2; }
    rm -rf "$PROM.tmp" && dpkg-deb -x "$tmp"/prometheus_*.deb "$PROM.tmp" && mv "$PROM.tmp" "$PROM"
    rm -rf "$tmp"
  fi
  exec {lock}>&-
}
install_promtool

[ "${1:-}" = --install ] && exit 0
ROOT=${1:-$REPO}
ROOT=$(cd "$ROOT" && pwd)

exec "$VENV/bin/python" "$REPO/ops/lib/check_deploy.py" "$ROOT" "$REPO" "$VENV/bin/kubernetes-validate" "$PROM/usr/bin/promtool"
