"""The other side's intake: GBA committee folders, their roster's headers and values, and probable-match candidates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from roster_recon import reference
from roster_recon.intake import discover
from roster_recon.intake.kinds import COUNTY, GBA
from roster_recon.intake.kinds.gba.rows import gba_soft_problems, normalise_gba_roster
from roster_recon.intake.normalise import check_character, is_valid_id_number
from roster_recon.intake.probable import candidates
from roster_recon.intake.read import read_roster


def test_committee_folders_sit_under_gba_and_name_their_committee(tmp_path):
    (tmp_path / "360922-万载县").mkdir()
    for name in ("440300-深圳", "440000-粤港澳大湾区", "440700-江门", "说明"):
        (tmp_path / "gba" / name).mkdir(parents=True)
    folders, ignored = discover.source_folders(tmp_path)
    assert [(f.code, f.kind) for f in folders] == [("360922", COUNTY), ("440000", GBA), ("440300", GBA)]
    # 江门 has no committee of its own (the municipal committee serves it): reported, never guessed at.
    assert {entry.name: entry.reason for entry in ignored} == {
        "gba/440700-江门": "folder name does not start with the code of a GBA committee",
        "gba/说明": "folder name does not start with the code of a GBA committee",
    }
    assert discover.folder_of(tmp_path, "440300").path == tmp_path / "gba" / "440300-深圳"


def test_a_gba_roster_is_read_by_its_own_headers(tmp_path):
    path = tmp_path / "第一支部.csv"
    path.write_text(
        "宜春市驻深圳流动党员第一支部名册\n"
        "姓名,公民身份号码,支部名称,原籍,组织关系所在党支部,现住址,手机号码,工作单位,加入时间,最后活动时间,党费缴纳至\n"
        "张三,360922199001010011,第一支部,万载,甲村党支部,深圳南山,13800138000,某公司,2024-03-01,2026-11-01,202610\n",
        encoding="utf-8",
    )
    table = read_roster(path, layout=reference.gba_layout())
    assert list(table.frame.columns) == [
        "name",
        "id_number",
        "branch",
        "home_county",
        "home_branch",
        "address",
        "phone",
        "employer",
        "placed_on",
        "last_activity",
        "dues_paid_to",
    ]
    # The county layout does not know these headers as a GBA roster means them (现居住地 is a destination there).
    assert "home_county" not in read_roster(path).frame.columns


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("万载县", "360922"),
        ("万载", "360922"),
        ("360922", "360922"),
        ("宜春市万载县", "360922"),
        ("樟树", "360982"),
        ("赣州市", None),
        (None, None),
    ],
)
def test_the_home_county_is_a_yichun_county_however_written(written, code):
    roster = normalise_gba_roster(pd.DataFrame({"name": ["张三"], "home_county": [written]}), "第一支部")
    assert roster["home_county_code"].tolist() == [code]


def test_dues_are_a_month_and_dates_after_the_as_of_date_are_warned(tmp_path):
    raw = pd.DataFrame(
        {
            "name": ["张三", "李四"],
            "id_number": ["360922199001010011", "360922199001010011"],
            "home_county": ["万载县", "外省"],
            "phone": ["13800138000", "12345"],
            "placed_on": ["2024-03-01", "2027-01-01"],
            "last_activity": ["2026年11月1日", "前几天"],
            "dues_paid_to": ["2026年10月", "202612"],
        }
    )
    roster = normalise_gba_roster(raw, "第一支部")
    assert roster["dues_paid_to"].tolist() == [dt.date(2026, 10, 1), dt.date(2026, 12, 1)]
    roster["source_row"] = [2, 3]
    problems = gba_soft_problems(roster, set(), dt.date(2026, 11, 26))
    found = sorted(zip(problems["source_row"], problems["code"], problems["column_name"], strict=True))
    assert found == [
        (3, "date_after_as_of", "党费缴至"),
        (3, "date_after_as_of", "编入时间"),
        (3, "date_unreadable", "最近参加组织生活时间"),
        (3, "home_county_unknown", "原籍县（市、区）"),
        (3, "phone_invalid", "联系电话"),
    ]


def _valid(first17: str) -> str:
    return first17 + check_character(first17)


@given(
    born=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2005, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=6, max_value=16),
    digit=st.sampled_from("0123456789"),
    swap=st.booleans(),
)
def test_any_one_slip_that_breaks_an_id_has_the_id_among_its_candidates(born, serial, position, digit, swap):
    number = _valid(f"360922{born:%Y%m%d}{serial:03d}")
    if swap and position < 16:
        typed = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    else:
        typed = number[:position] + digit + number[position + 1 :]
    if is_valid_id_number(typed):
        return  # not broken: ISO 7064 MOD 11-2 lets no single slip through, but a swap of equal digits is no slip
    found = dict(candidates(typed))
    assert number in found
    assert all(is_valid_id_number(candidate) for candidate in found)
    changed = [str(i + 1) for i in range(18) if typed[i] != number[i]]
    assert found[number] == ",".join(changed)


def test_a_number_that_is_not_eighteen_characters_has_no_candidates():
    assert candidates("36092219900101001") == [] and candidates("36092219900101001XX") == []


def test_a_committees_folder_that_cannot_be_read_holds_back_the_committees_only(tmp_path, monkeypatch):
    (tmp_path / "360922-万载县").mkdir()
    (tmp_path / "gba" / "440300-深圳").mkdir(parents=True)
    real_iterdir = type(tmp_path).iterdir

    def iterdir(path):
        if path.name == "gba":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(path)

    monkeypatch.setattr(type(tmp_path), "iterdir", iterdir)
    folders, ignored = discover.source_folders(tmp_path)
    assert [f.code for f in folders] == ["360922"]
    assert [(e.name, e.holds_back_county) for e in ignored] == [("gba", True)]
    assert "GBA committees held back: their folder cannot be read (Permission denied)" in ignored[0].reason
