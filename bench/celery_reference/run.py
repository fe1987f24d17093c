#!/usr/bin/env python3
"""Celery's throughput on a no-op job with a Redis broker: the reference for bench/distributed.sh.

    bench/celery_reference/run.py --redis-url redis://127.0.0.1:6379/0 \\
        --database-url postgres://user:pass@127.0.0.1:5432/db --jobs 20000 --concurrency 32 \\
        --mode queue|e2e [--pool prefork|threads|both]

Run it with any python3: it creates .build-bench/venv at the repository root, installs
requirements.txt there when that file changed (idempotent), and re-runs itself with the venv's
python.

One measurement (per pool):
 1. Enqueue all N jobs first, on one producer connection (timed separately: enqueue_seconds).
 2. Start a Celery worker (`celery worker` as a child process) on a fresh queue.
 3. Time from the worker's start until the N-th job is done:
      queue  the task does nothing and is acknowledged after it ran (acks_late); done when the
             queue's list and kombu's `unacked` hash are both empty (polled every 5 ms);
      e2e    the task INSERTs one row ... ON CONFLICT (run_id, scenario) DO NOTHING and commits;
             done when SELECT count(*) for the run says N (polled every 20 ms).
    The time includes the worker's start-up, as Ronda's figure includes its workers'. The time
    from start to the first finished job is printed too (startup_seconds).

Pools (the best fair setup on 2 cores): `prefork` with one process per core (concurrency
= CPU count, 2 here: more processes than cores only adds switches for a no-op task), and `threads`
with --concurrency threads (one process, so one core for the Python code but no IPC between the
consumer and its pool). Prefetch multiplier 16 (Celery's default is 4, which starves a fast pool).
With --pool both (the default) both run, one after the other, and the faster one is the reference.

The last line is `jobs_per_second=<float>` (the faster pool's figure with --pool both).
"""

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(ROOT, ".build-bench", "venv")
REQUIREMENTS = os.path.join(HERE, "requirements.txt")


def ensure_venv():
    """Creates the venv and installs the requirements when they changed; re-execs inside it."""
    python = os.path.join(VENV, "bin", "python")
    stamp = os.path.join(VENV, ".requirements.sha256")
    with open(REQUIREMENTS, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    current = open(stamp).read().strip() if os.path.exists(stamp) else ""
    if not os.path.exists(python) or current != digest:
        print(f"run.py: installing the Celery reference into {VENV}", file=sys.stderr)
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", REQUIREMENTS],
            check=True,
        )
        with open(stamp, "w") as f:
            f.write(digest + "\n")
    if os.path.realpath(sys.prefix) != os.path.realpath(VENV):
        os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])


def parse_args():
    p = argparse.ArgumentParser(description="Celery reference throughput (see the module docstring).")
    p.add_argument("--redis-url", required=True)
    p.add_argument("--database-url", help="needed for --mode e2e")
    p.add_argument("--jobs", type=int, default=20000)
    p.add_argument("--concurrency", type=int, default=32, help="threads of the threads pool")
    p.add_argument("--mode", choices=["queue", "e2e"], required=True)
    p.add_argument("--pool", choices=["prefork", "threads", "both"], default="both")
    p.add_argument("--prefork-concurrency", type=int, default=os.cpu_count() or 2)
    p.add_argument("--prefetch", type=int, default=16, help="worker_prefetch_multiplier")
    p.add_argument("--timeout", type=float, default=600, help="give up on one measurement after this")
    p.add_argument("--log-dir", default=os.path.join(ROOT, ".build-bench", "logs"))
    a = p.parse_args()
    if a.mode == "e2e" and not a.database_url:
        p.error("--mode e2e needs --database-url")
    if a.jobs < 1:
        p.error("--jobs must be at least 1")
    return a


TABLE = "celery_bench_results"


def prepare_table(database_url):
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            " run_id text NOT NULL, scenario text NOT NULL, worker text,"
            " finished_at timestamptz NOT NULL DEFAULT now(),"
            " PRIMARY KEY (run_id, scenario))"
        )


def measure(a, pool):
    import psycopg
    import redis

    queue = f"ronda-bench-{uuid.uuid4().hex[:12]}"
    run_id = f"celery-{pool}-{uuid.uuid4().hex[:12]}"
    env = dict(os.environ)
    env.update(
        BENCH_BROKER_URL=a.redis_url,
        BENCH_DATABASE_URL=a.database_url or "",
        BENCH_TABLE=TABLE,
        BENCH_PREFETCH=str(a.prefetch),
        BENCH_QUEUE=queue,
        PYTHONPATH=HERE + os.pathsep + env.get("PYTHONPATH", ""),
    )
    os.environ.update(env)
    sys.path.insert(0, HERE)
    import tasks  # noqa: E402  (reads the environment above)

    tasks.app.conf.task_default_queue = queue
    r = redis.Redis.from_url(a.redis_url)
    r.delete("unacked", "unacked_index")
    task = tasks.noop if a.mode == "queue" else tasks.record

    # 1. Enqueue everything on one producer connection.
    t0 = time.perf_counter()
    with tasks.app.producer_or_acquire() as producer:
        for i in range(a.jobs):
            task.apply_async((run_id, f"scenario-{i}"), queue=queue, producer=producer)
    enqueue_seconds = time.perf_counter() - t0
    pending = r.llen(queue)
    if pending != a.jobs:
        raise SystemExit(f"run.py: expected {a.jobs} messages in {queue}, found {pending}")

    # 2. Start the worker; 3. wait for the N-th job.
    concurrency = a.prefork_concurrency if pool == "prefork" else a.concurrency
    os.makedirs(a.log_dir, exist_ok=True)
    log_path = os.path.join(a.log_dir, f"celery-{a.mode}-{pool}.log")
    celery = os.path.join(VENV, "bin", "celery")
    cmd = [
        celery, "-A", "tasks", "worker", "-P", pool, "-c", str(concurrency), "-Q", queue,
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-O", "fair",
        "-l", "warning", "-n", f"bench-{pool}@%h",
    ]
    conn = psycopg.connect(a.database_url, autocommit=True) if a.mode == "e2e" else None

    def done_count():
        if conn is not None:
            return conn.execute(f"SELECT count(*) FROM {TABLE} WHERE run_id = %s", (run_id,)).fetchone()[0]
        left = r.llen(queue) + r.hlen("unacked")
        return a.jobs - left

    with open(log_path, "w") as log:
        start = time.perf_counter()
        worker = subprocess.Popen(cmd, cwd=HERE, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                  start_new_session=True)
        first = None
        seen_done = None
        try:
            while True:
                n = done_count()
                now = time.perf_counter()
                if first is None and n > 0:
                    first = now - start
                if n >= a.jobs:
                    # In queue mode a message is briefly in neither the list nor the unacked hash
                    # while kombu moves it: count it done only when a second look agrees.
                    if conn is not None or seen_done is not None:
                        elapsed = (seen_done or now) - start
                        break
                    seen_done = now
                else:
                    seen_done = None
                if worker.poll() is not None:
                    raise SystemExit(f"run.py: the Celery worker exited ({worker.returncode}); see {log_path}")
                if now - start > a.timeout:
                    raise SystemExit(f"run.py: {n}/{a.jobs} jobs done after {a.timeout:.0f}s; see {log_path}")
                time.sleep(0.02 if conn is not None else 0.005)
        finally:
            stop(worker)
            if conn is not None:
                conn.execute(f"DELETE FROM {TABLE} WHERE run_id = %s", (run_id,))
                conn.close()
            r.delete(queue, "unacked", "unacked_index")
    rate = a.jobs / elapsed
    steady = (a.jobs / (elapsed - first)) if first is not None and elapsed > first else rate
    print(
        f"celery mode={a.mode} pool={pool} concurrency={concurrency} prefetch={a.prefetch} jobs={a.jobs}: "
        f"enqueue_seconds={enqueue_seconds:.3f} ({a.jobs / enqueue_seconds:.0f} jobs/s) "
        f"run_seconds={elapsed:.3f} startup_seconds={first or 0:.3f} "
        f"jobs_per_second={rate:.1f} after_first_job_per_second={steady:.1f}",
        flush=True,
    )
    return rate


def stop(worker):
    """Warm shutdown (SIGTERM), then a cold one, then SIGKILL, for the worker's whole group."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
        if worker.poll() is not None:
            return
        try:
            os.killpg(worker.pid, sig)
        except ProcessLookupError:
            return
        try:
            worker.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def main():
    a = parse_args()
    ensure_venv()
    if a.mode == "e2e":
        prepare_table(a.database_url)
    pools = ["prefork", "threads"] if a.pool == "both" else [a.pool]
    results = {pool: measure(a, pool) for pool in pools}
    best = max(results, key=results.get)
    if len(results) > 1:
        print(f"reference: pool={best} (the faster of " + ", ".join(f"{p} {v:.1f}" for p, v in results.items()) + ")")
    print(f"jobs_per_second={results[best]:.1f}")


if __name__ == "__main__":
    main()
