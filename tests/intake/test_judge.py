"""A folder's files into outcomes (intake.judge): one per file, in bounded batches, nothing written on the way."""

from __future__ import annotations

import pandas as pd
from helpers import AS_OF, WANZAI, person, rows, run_all, write_roster

from roster_recon import share
from roster_recon.intake import discover, judge
from roster_recon.intake.kinds import COUNTY
from roster_recon.outcome import CurrentSnapshots


def test_a_county_of_many_files_is_validated_in_bounded_batches(make_settings, engine, validator, monkeypatch):
    monkeypatch.setattr(judge, "BATCH_ROWS", 3)
    batches = []
    real_validate = validator.validate

    def counting(frame, *args, **kwargs):
        batches.append(len(frame))
        return real_validate(frame, *args, **kwargs)

    monkeypatch.setattr(validator, "validate", counting)
    settings = make_settings(AS_OF)
    for branch, serials in (("甲", (1, 2)), ("乙", (3, 4)), ("丙", (5, 6)), ("丁", (7,))):
        write_roster(settings.drop_root, WANZAI, f"{branch}支部.csv", [person(s) for s in serials])
    run_all(settings, validator)
    assert batches == [4, 3]  # a batch closes once it holds 3 rows or more: never the whole county at once
    assert rows(engine, "SELECT count(*) AS n FROM reporting.member_current")[0]["n"] == 7
    documents = rows(engine, "SELECT asset_name FROM audit.validation_document ORDER BY asset_name")
    assert [d["asset_name"] for d in documents] == ["county_360922", "county_360922_2"]


def test_outcomes_are_values_one_per_file_and_the_ledger_is_untouched(tmp_path, engine, make_settings):
    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2, 身份证号码="123")])
    (settings.drop_root / WANZAI / "乙支部.csv").write_bytes(b"\x00\x01 not a roster")
    files, _ = discover.roster_files(discover.folder_of(settings.drop_root, "360922"))

    def validate(frame: pd.DataFrame, file_names):
        from roster_recon.intake.validate import RosterValidator

        return RosterValidator().validate(frame, "county_360922", "test", file_names)

    found = judge.folder_outcomes(files, "360922", CurrentSnapshots({}), validate, settings, kind=COUNTY)
    outcomes = {o.name: o for o in found}
    assert {name: o.status for name, o in outcomes.items()} == {"甲支部.csv": "staged", "乙支部.csv": "rejected"}
    staged = outcomes["甲支部.csv"]
    assert (staged.rows_read, staged.rows_rejected, len(staged.accepted), len(staged.kept)) == (2, 1, 1, 1)
    assert "id_number" in staged.accepted.columns and staged.sha256 == discover.sha256_of(files[0])
    assert rows(engine, "SELECT count(*) AS n FROM audit.file")[0]["n"] == 0


def test_a_kind_that_keys_fewer_rows_than_it_accepted_fails_the_folder_loudly(make_settings, validator):
    import dataclasses

    import pytest

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, WANZAI, "甲支部.csv", [person(1), person(2)])
    files, _ = discover.roster_files(discover.folder_of(settings.drop_root, "360922"))
    forgetful = dataclasses.replace(COUNTY, keyed=lambda outcome, code, secret: [])  # a new kind's bug

    def validate(frame, file_names):
        return validator.validate(frame, "county_360922", "test", file_names)

    with pytest.raises(judge.KeyedRowsLost, match=r"甲支部\.csv has 2 accepted rows but 0 were keyed"):
        list(judge.folder_outcomes(files, "360922", CurrentSnapshots({}), validate, settings, kind=forgetful))


def test_a_file_over_the_size_limit_is_hashed_where_it_is_never_copied(tmp_path):
    path = write_roster(tmp_path, "360922", "甲支部.csv", [person(n) for n in range(1, 40)])
    copy = tmp_path / "holding" / "0.csv"
    copy.parent.mkdir()
    held = judge._hold(path, copy, "360922", max_file_mb=0.001)
    assert held.copy is None and not copy.exists()
    assert held.sha256 == discover.sha256_of(path) and held.size_bytes == path.stat().st_size
    within = judge._hold(path, copy, "360922", max_file_mb=1)
    assert within.copy == copy and copy.read_bytes() == path.read_bytes()


def test_held_copies_live_in_a_private_folder_that_a_new_attempt_empties(tmp_path):
    import stat

    left_behind = tmp_path / "holding" / "360922" / "0.csv"  # a killed attempt's copy: raw ID numbers inside
    left_behind.parent.mkdir(parents=True)
    left_behind.write_text("姓名,身份证号码\n", encoding="utf-8")
    with judge.holding_folder(tmp_path, "360922") as holding:
        assert holding == left_behind.parent and list(holding.iterdir()) == []
        assert stat.S_IMODE(holding.stat().st_mode) == 0o700 and stat.S_IMODE(holding.parent.stat().st_mode) == 0o700
        (holding / "1.csv").write_text("x", encoding="utf-8")
    assert not holding.exists()


def test_a_file_swapped_for_a_link_or_a_pipe_after_the_listing_is_left_alone_unread(tmp_path):
    import os

    path = write_roster(tmp_path, "360922", "甲支部.csv", [person(1)])
    elsewhere = write_roster(tmp_path, "360921", "奉新支部.csv", [person(2)])
    copy = tmp_path / "0.csv"
    path.unlink()
    path.symlink_to(elsewhere)
    held = judge._hold(path, copy, "360922", max_file_mb=1)
    assert held.reason == share.LINK_REASON and not copy.exists()
    path.unlink()
    os.mkfifo(path)
    held = judge._hold(path, copy, "360922", max_file_mb=1)
    assert held.reason == share.SPECIAL_REASON and not copy.exists()
