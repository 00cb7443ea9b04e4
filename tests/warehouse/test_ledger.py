"""The file ledger on a real PostgreSQL: every file loaded, duplicate, superseded, rejected or ignored, and why."""

from __future__ import annotations

from helpers import AS_OF, WANZAI, person, rows, run_all, write_roster


def test_same_file_again_is_a_duplicate_and_is_archived_not_loaded(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    path = write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    content = path.read_bytes()
    run_all(settings, validator)
    path.write_bytes(content)  # the clerk sends the same file again
    run_all(make_settings(AS_OF, run_id="again"), validator)
    statuses = [r["status"] for r in rows(engine, "SELECT status FROM reporting.file_audit ORDER BY received_at")]
    assert statuses == ["loaded", "duplicate"]
    archive = settings.drop_root / WANZAI / "_archive" / AS_OF.isoformat()
    assert sorted(p.name for p in archive.iterdir()) == ["甲支部 (2).csv", "甲支部.csv"]


def test_a_file_mostly_wrong_is_rejected_whole(make_settings, engine, validator):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 身份证号码="123"), person(3, 姓名="")])
    run_all(settings, validator)
    audit = rows(engine, "SELECT status, error FROM reporting.file_audit")[0]
    assert audit["status"] == "rejected" and "not a usable roster" in audit["error"]
    assert (settings.drop_root / WANZAI / "_rejected" / "甲支部.csv").exists()
    assert rows(engine, "SELECT count(*) AS n FROM core.roster_version")[0]["n"] == 0


def test_a_file_that_breaks_the_reader_is_rejected_and_the_countys_other_files_load(
    make_settings, engine, validator, monkeypatch
):
    from roster_recon.intake import read

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1)])
    broken = write_roster(settings.drop_root, WANZAI, "乙支部.csv", [person(2)])
    real_reader = read._read_csv

    def reader_with_a_bug(path):  # the reader parses a private copy of the file: it knows it by its content
        if "党员2" in path.read_text(encoding="utf-8-sig"):
            raise IndexError("list index out of range")
        return real_reader(path)

    monkeypatch.setattr(read, "_read_csv", reader_with_a_bug)
    run_all(settings, validator)
    audit = rows(engine, "SELECT file_name, status, error FROM reporting.file_audit ORDER BY file_name")
    assert [(a["file_name"], a["status"]) for a in audit] == [("乙支部.csv", "rejected"), ("甲支部.csv", "loaded")]
    assert "IndexError" in audit[0]["error"]
    assert (settings.drop_root / WANZAI / "_rejected" / broken.name).exists()
    assert list((settings.drop_root / WANZAI / "_feedback").glob("乙支部（csv）_反馈_*.xlsx"))
