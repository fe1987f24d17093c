#!/usr/bin/env bash
# Installs what Ronda needs to build, run and test on Debian 12. Idempotent: installs only what is missing.
set -euo pipefail

packages=(libcurl4-openssl-dev libhiredis-dev libsqlite3-dev redis-server postgresql wrk openssl gzip python3 python3-venv pkg-config stunnel4)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "ops/setup.sh: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "ops/setup.sh: swift is not on PATH; install the Swift 6.3 toolchain (https://swift.org/install) and retry" >&2
  exit 2
fi

# The JUnit report's validator for the tests (xmlschema in .build-tools/junit-check, from PyPI).
"$(dirname "$0")/check_junit.sh" --install

# The alert channels' test receivers (aiosmtpd, sentry-sdk in .build-tools/receivers, from PyPI).
"$(dirname "$0")/receivers.sh" --install

# The deployment files' validators: kubernetes-validate (PyPI, .build-tools/k8s-check) and Debian's
# promtool, extracted from the prometheus package without installing it (.build-tools/prometheus).
"$(dirname "$0")/check_deploy.sh" --install

# The dashboard's page checks: Debian's chromium and Playwright (in .build-tools/pages, from PyPI).
"$(dirname "$0")/pages.sh" --install
