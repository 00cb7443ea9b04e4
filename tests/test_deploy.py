"""The deployment files, checked as far as a machine without a Docker engine can."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_the_celery_stack_and_the_warehouse():
    services = compose()["services"]
    assert {
        "postgres",
        "redis",
        "warehouse",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-worker",
        "airflow-triggerer",
        "airflow-init",
    } <= set(services)
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
    used = set(re.findall(r"\$\{([A-Z_]+)(?::-[^}]*)?\}", text))
    assert used <= defined, used - defined
    for path in re.findall(r"- \./([\w.-]+):", text):
        assert (ROOT / path).exists(), path
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_image_installs_the_project_pins():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    airflow_pin = re.search(r"^apache-airflow==([\d.]+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert f"apache/airflow:{airflow_pin.group(1)}-python3.11" in dockerfile
    assert "requirements.txt" in dockerfile and "constraints.txt" in dockerfile
