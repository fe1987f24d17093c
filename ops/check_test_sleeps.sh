#!/usr/bin/env bash
# Fails when a test waits with a fixed sleep longer than 100 ms. Tests wait for background work by
# polling with a deadline (`eventually` in Tests/RondaTestSupport), never by sleeping "long enough":
# a fixed sleep is slow on a quiet machine and flaky on a loaded one.
#
# Looked for, in Tests/: Task.sleep(for: .seconds(N) / .milliseconds(N) / .microseconds(N) /
# .nanoseconds(N)), Thread.sleep(forTimeInterval: N), sleep(N), usleep(N) with a literal N over
# 100 ms. A simulated server's response time is not a wait: it is written with a variable
# (`DistCountingTarget(slowSeconds:)`), which this check does not read.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
while IFS= read -r hit; do
  location=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; text=${rest#*:}
  ms=$(printf '%s\n' "$text" | awk '
    {
      t = $0; gsub(/_/, "", t)
      if (match(t, /\.seconds\(([0-9.]+)\)/)) { v = substr(t, RSTART + 9, RLENGTH - 10); print v * 1000; exit }
      if (match(t, /\.milliseconds\(([0-9.]+)\)/)) { v = substr(t, RSTART + 14, RLENGTH - 15); print v + 0; exit }
      if (match(t, /\.microseconds\(([0-9.]+)\)/)) { v = substr(t, RSTART + 14, RLENGTH - 15); print v / 1000; exit }
      if (match(t, /\.nanoseconds\(([0-9.]+)\)/)) { v = substr(t, RSTART + 13, RLENGTH - 14); print v / 1000000; exit }
      if (match(t, /forTimeInterval: *([0-9.]+)/)) { split(substr(t, RSTART, RLENGTH), a, ":"); print a[2] * 1000; exit }
      if (match(t, /usleep\(([0-9]+)\)/)) { v = substr(t, RSTART + 7, RLENGTH - 8); print v / 1000; exit }
      if (match(t, /(^|[^A-Za-z_.])sleep\(([0-9.]+)\)/)) { s = substr(t, RSTART, RLENGTH); sub(/.*sleep\(/, "", s); sub(/\)/, "", s); print s * 1000; exit }
      print 0
    }')
  if awk -v ms="$ms" 'BEGIN { exit !(ms > 100) }'; then
    echo "check_test_sleeps.sh: $location:$line: a fixed sleep of ${ms} ms; poll with \`eventually\` (Tests/RondaTestSupport) instead" >&2
    status=1
  fi
done < <(grep -rnE --include='*.swift' '(Task\.sleep\(for:|Thread\.sleep\(|(^|[^A-Za-z_.])u?sleep\()' Tests)
[ "$status" -eq 0 ] && echo "check_test_sleeps.sh: no fixed sleep over 100 ms in Tests/"
exit "$status"
