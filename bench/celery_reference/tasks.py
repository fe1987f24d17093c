"""Celery tasks of the benchmark reference (bench/celery_reference/run.py starts the worker).

Both tasks mirror one Ronda job: `acks_late=True` so a message is acknowledged after the task body,
as Ronda commits a result before it acknowledges the lease. No result backend (`ignore_result`):
Ronda's queue returns nothing either.

    noop    the queue alone: lease, run nothing, acknowledge
    record  end to end: INSERT one row ... ON CONFLICT (run_id, scenario) DO NOTHING, commit,
            then acknowledge (one PostgreSQL connection per worker process or thread)

Settings come from the environment, set by run.py: BENCH_BROKER_URL, BENCH_DATABASE_URL,
BENCH_TABLE, BENCH_PREFETCH.
"""

import os
import threading

from celery import Celery

app = Celery("ronda_bench", broker=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    task_acks_late=True,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    worker_prefetch_multiplier=int(os.environ.get("BENCH_PREFETCH", "16")),
    worker_disable_rate_limits=True,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    task_default_queue=os.environ.get("BENCH_QUEUE", "ronda-bench"),
)

_local = threading.local()


def _connection():
    """One psycopg connection per process (prefork) or thread (threads pool), opened lazily."""
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        import psycopg

        conn = psycopg.connect(os.environ["BENCH_DATABASE_URL"])
        _local.conn = conn
    return conn


@app.task(name="bench.noop", acks_late=True, ignore_result=True)
def noop(run_id, scenario):
    return None


@app.task(name="bench.record", acks_late=True, ignore_result=True)
def record(run_id, scenario):
    conn = _connection()
    table = os.environ.get("BENCH_TABLE", "celery_bench_results")
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (run_id, scenario, worker) VALUES (%s, %s, %s) "
            "ON CONFLICT (run_id, scenario) DO NOTHING",
            (run_id, scenario, f"{os.getpid()}-{threading.get_ident()}"),
        )
    conn.commit()
    return None
