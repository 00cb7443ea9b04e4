"""The deployment files, checked as far as a machine without a Docker engine can."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_the_celery_stack_and_the_warehouse():
    services = compose()["services"]
    assert {"postgres", "redis", "warehouse", *AIRFLOW_SERVICES} <= set(services)
    assert "healthcheck" in services["warehouse"]
    assert services["airflow-worker"]["environment"]["AIRFLOW_CONN_ROSTER_WAREHOUSE"].startswith("postgresql://")


def test_county_share_is_mounted_where_the_drop_root_points():
    services = compose()["services"]
    drop_root = services["airflow-worker"]["environment"]["AIRFLOW_VAR_ROSTER_DROP_ROOT"]
    for name in ("airflow-worker", "airflow-triggerer"):
        assert any(volume.endswith(":" + drop_root) for volume in services[name]["volumes"])


def test_every_variable_and_path_compose_names_exists():
    text = (ROOT / "docker-compose.yaml").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)(?::-[^}]*)?\}", text))  # $${X} is the shell's, not compose's
    assert used <= defined, used - defined
    for path in re.findall(r"- \./([\w.-]+):", text):
        assert (ROOT / path).exists(), path
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_every_airflow_service_has_the_same_configuration_and_one_jwt_secret():
    services = compose()["services"]
    base = {k: v for k, v in services["airflow-scheduler"]["environment"].items()}
    assert base["AIRFLOW__API_AUTH__JWT_SECRET"] == "${AIRFLOW_JWT_SECRET}"
    assert base["AIRFLOW__CORE__FERNET_KEY"] == "${AIRFLOW_FERNET_KEY}"
    for name in AIRFLOW_SERVICES:
        service = services[name]
        assert service["env_file"] == ["deploy/airflow.env", ".env"], name
        environment = {k: v for k, v in service["environment"].items() if not k.startswith(("_AIRFLOW", "DUMB_"))}
        assert environment == base, name


def test_the_native_stack_reads_the_settings_the_compose_services_read(tmp_path):
    from deploy import stack

    shared = stack.shared_settings()
    assert shared["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    state = stack.StackState(state_dir=str(tmp_path), executor="celery", workers=2, drop_root=str(tmp_path))
    environment = stack.airflow_environment(state)
    assert {key: environment[key] for key in shared} == shared
    compose_keys = set(compose()["services"]["airflow-worker"]["environment"])
    host_specific = {"AIRFLOW__CORE__AUTH_MANAGER", "DUMB_INIT_SETSID"}  # FAB in the image; SimpleAuthManager here
    assert compose_keys - host_specific <= set(environment), compose_keys - set(environment)


def test_init_creates_the_admin_through_the_image_entrypoint_and_owns_the_data_volume():
    init = compose()["services"]["airflow-init"]
    script = init["command"][1]
    assert "/entrypoint airflow version" in script  # the entrypoint acts on _AIRFLOW_DB_MIGRATE / _AIRFLOW_WWW_USER_*
    assert init["environment"]["_AIRFLOW_WWW_USER_CREATE"] == "true"
    assert 'chown -R "${AIRFLOW_UID:-50000}:0"' in script and "/opt/airflow/roster-data" in script
    assert init["user"] == "0:0"


def test_the_warehouse_is_published_on_loopback_only():
    ports = compose()["services"]["warehouse"]["ports"]
    assert all(port.startswith("127.0.0.1:") for port in ports)


def test_the_image_builds_the_package_in_a_tree_owned_by_airflow():
    lines = [line for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines() if line.strip()]
    owner = next(i for i, line in enumerate(lines) if "install -d -o airflow" in line and "/opt/roster" in line)
    first_copy = next(i for i, line in enumerate(lines) if line.startswith("COPY"))
    assert owner < first_copy
    assert all("--chown=airflow:root" in line for line in lines if line.startswith("COPY"))
    build = next(i for i, line in enumerate(lines) if "pip install" in line and line.rstrip().endswith("/opt/roster"))
    assert lines[build - 1].startswith("COPY") and any(line == "USER airflow" for line in lines[owner:build])


def test_image_installs_the_project_pins():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    airflow_pin = re.search(r"^apache-airflow==([\d.]+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert f"apache/airflow:{airflow_pin.group(1)}-python3.11" in dockerfile
    assert "requirements.txt" in dockerfile and "constraints.txt" in dockerfile


def test_the_pipeline_connects_to_the_warehouse_as_roster_loader_not_its_superuser():
    services = compose()["services"]
    connection = services["airflow-worker"]["environment"]["AIRFLOW_CONN_ROSTER_WAREHOUSE"]
    assert connection.startswith("postgresql://roster_loader:")
    warehouse = services["warehouse"]
    assert warehouse["environment"]["POSTGRES_USER"] != "roster_loader"
    init = next(v for v in warehouse["volumes"] if "docker-entrypoint-initdb.d" in v)
    script = (ROOT / init.split(":")[0]).read_text(encoding="utf-8")
    assert "CREATE ROLE roster_loader LOGIN CREATEROLE" in script and "SUPERUSER" not in script
    assert "OWNER roster_loader" in script


def test_the_native_stacks_state_file_with_its_secrets_is_readable_by_its_owner_only(tmp_path):
    from deploy.stack import StackState

    (tmp_path / "stack.json").write_text("{}", encoding="utf-8")
    (tmp_path / "stack.json").chmod(0o644)  # an older state file, or a umask of 022
    state = StackState(str(tmp_path), "celery", 2, str(tmp_path / "drop"), jwt_secret="j", pii_secret="p" * 64)
    state.save()
    assert (tmp_path / "stack.json").stat().st_mode & 0o777 == 0o600
    assert StackState.load(tmp_path).pii_secret == "p" * 64


def test_make_stack_seeds_an_empty_county_share_once(tmp_path):
    from deploy.stack import StackState, seed_share
    from roster_recon.intake import discover

    drop = tmp_path / "drop"
    (drop / "360922-万载县" / "_archive").mkdir(parents=True)  # what make demo leaves: archived files only
    state = StackState(str(tmp_path), "celery", 2, str(drop), pii_secret="s" * 64)
    said = seed_share(state, scale=0.02)
    assert "seeded the county share" in said and "unpause roster_reconcile" in said
    folders, _ = discover.county_folders(drop)
    assert sum(len(discover.roster_files(folder)[0]) for folder in folders) > 10
    assert "already holds rosters" in seed_share(state, scale=0.02)
