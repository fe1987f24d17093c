# shellcheck shell=bash
# ensure_venv PROG DIR "REQUIREMENTS": a Python virtual environment in DIR with exactly these pinned
# packages from PyPI, made or remade only when missing or when the list changed (idempotent).
# Exits 2 with a message naming PROG when venv or pip fails.
ensure_venv() {
  local prog=$1 dir=$2 requirements=$3 lock
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.requirements" 2>/dev/null)" = "$requirements" ]; then
    return 0
  fi
  # Two callers at once (tests in parallel) take turns; the second finds it done.
  mkdir -p "$(dirname "$dir")"
  exec {lock}>"$dir.lock"
  flock "$lock"
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.requirements" 2>/dev/null)" = "$requirements" ]; then
    exec {lock}>&-
    return 0
  fi
  echo "$prog: installing $requirements into $dir" >&2
  python3 -m venv "$dir" || { echo "$prog: python3 -m venv failed (apt-get install python3-venv)" >&2; exit 2; }
  # shellcheck disable=SC2086 # the list is word-split on purpose
  "$dir/bin/python" -m pip install -q --disable-pip-version-check $requirements ||
    { echo "$prog: pip install failed" >&2; exit 2; }
  echo "$requirements" >"$dir/.requirements"
  exec {lock}>&-
}
