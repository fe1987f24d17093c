#!/usr/bin/env python3
"""The seed plan's stack on the engine benchmark's endpoint: Python `requests`.

THREADS threads, each with its own `requests.Session` (so its connection is kept alive),
send GET URL in a loop for DURATION seconds after WARMUP seconds, and check each answer the
way Ronda's benchmark scenario does: status 200 and JSON `ok` true. Prints the same
`RESULT` line as EngineThroughput's client, plus the CPU time it used.

    client.py URL [--threads 8] [--duration 5] [--warmup 1]
"""
import argparse
import resource
import sys
import threading
import time

import requests


def worker(url, stop_at, counts, index):
    session = requests.Session()
    done = failed = 0
    while time.monotonic() < stop_at:
        try:
            response = session.get(url, timeout=10)
            if response.status_code == 200 and response.json().get("ok") is True:
                done += 1
            else:
                failed += 1
        except Exception:  # noqa: BLE001 - a failed request is counted, not fatal
            failed += 1
    session.close()
    counts[index] = (done, failed)


def run(url, threads, seconds):
    counts = [(0, 0)] * threads
    stop_at = time.monotonic() + seconds
    pool = [threading.Thread(target=worker, args=(url, stop_at, counts, i)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    args = parser.parse_args()
    if args.warmup > 0:
        run(args.url, args.threads, args.warmup)
    cpu_before = cpu_seconds()
    started = time.monotonic()
    done, failed = run(args.url, args.threads, args.duration)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds() - cpu_before
    requests_total = done + failed
    print(f"python {sys.version.split()[0]}, requests {requests.__version__}, {args.threads} threads")
    print(f"requests: {requests_total}  failed: {failed}  elapsed: {elapsed:.3f} s")
    if requests_total:
        print(f"client CPU (user + system): {cpu:.2f} s, {cpu / requests_total * 1e6:.1f} µs per request")
    print(f"RESULT mode=python-requests rps={requests_total / elapsed:.1f} requests={requests_total} failures={failed}")
    return 0 if failed == 0 and requests_total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
