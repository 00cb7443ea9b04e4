"""Small builders shared by the warehouse tests: roster files written by code, and a whole run without Airflow."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from roster_recon import tasks
from roster_recon.intake.normalise import check_character
from roster_recon.settings import RunSettings

HEADER = ["姓名", "身份证号码", "流出时间", "流入地", "联系电话", "从事行业", "最后联系时间", "联系状态"]


def id_number(serial: int, born: str = "19900101", place: str = "360922") -> str:
    first17 = f"{place}{born}{serial:03d}"
    return first17 + check_character(first17)


def person(serial: int, **changes) -> dict:
    values = {
        "姓名": f"党员{serial}",
        "身份证号码": id_number(serial),
        "流出时间": "2020-03-01",
        "流入地": "广东省深圳市南山区",
        "联系电话": f"138{serial:08d}",
        "从事行业": "电子信息制造",
        "最后联系时间": "2026-10-01",
        "联系状态": "正常",
    }
    values.update(changes)
    return values


def write_roster(drop_root: Path, county: str, branch_file: str, people: list[dict], header=HEADER) -> Path:
    folder = drop_root / county
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(people)
    path = folder / branch_file
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def run_all(settings: RunSettings, validator=None) -> dict:
    counties = tasks.prepare_run(settings)
    ingested = {c: tasks.ingest_county(settings, c, validator=validator) for c in counties}
    merged = tasks.merge_run(settings)
    finished = {c: tasks.finish_county(settings, c) for c in tasks.counties_to_finish(settings)}
    reported = tasks.report_run(settings)
    return {"counties": counties, "ingested": ingested, "merged": merged, "finished": finished, "reported": reported}
