"""The members' own reports: the self-reports folder, a 码上报 export's headers and values, and its GX suite."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest
from helpers import id_number
from hypothesis import given, settings
from hypothesis import strategies as st

from roster_recon import reference
from roster_recon.intake import discover
from roster_recon.intake.kinds import COUNTY, GBA, SELF_REPORT
from roster_recon.intake.kinds.self_report.rows import (
    SHANGHAI,
    after_day,
    normalise_self_reports,
    parse_report_time,
    report_times,
    self_report_soft_problems,
    shanghai_days,
)
from roster_recon.intake.read import RosterFileError, read_roster
from roster_recon.intake.validate import RosterValidator


def test_the_self_reports_folder_is_a_source_of_its_own_kind(tmp_path):
    (tmp_path / "360922-万载县").mkdir()
    (tmp_path / "self-reports").mkdir()
    (tmp_path / "gba" / "440300-深圳").mkdir(parents=True)
    folders, ignored = discover.source_folders(tmp_path)
    assert [(f.code, f.kind) for f in folders] == [
        ("360922", COUNTY),
        ("self-reports", SELF_REPORT),
        ("440300", GBA),
    ]
    assert ignored == []
    assert discover.folder_of(tmp_path, "self-reports").path == tmp_path / "self-reports"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-11-03 14:22:05", dt.datetime(2026, 11, 3, 14, 22, 5, tzinfo=SHANGHAI)),
        ("2026/11/3 14:22", dt.datetime(2026, 11, 3, 14, 22, tzinfo=SHANGHAI)),
        ("2026年11月3日 14时22分", dt.datetime(2026, 11, 3, 14, 22, tzinfo=SHANGHAI)),
        ("2026-11-03T08:00:00", dt.datetime(2026, 11, 3, 8, tzinfo=SHANGHAI)),
        ("2026-11-03", dt.datetime(2026, 11, 3, tzinfo=SHANGHAI)),
        ("46329.5", dt.datetime(2026, 11, 3, 12, tzinfo=SHANGHAI)),  # an Excel serial with half a day
        ("昨天", None),
        ("9999-12-31 24:00", None),  # the next day leaves the calendar
        ("9999-12-31T23:00:00-05:00", None),  # so does the offset
        ("0001-01-01T00:00:00+09:00", None),
        ("1000-01-01", None),  # no system recorded a report then
        ("2101-01-01", None),
        ("2026-02-30 10:00", None),
        (None, None),
    ],
)
def test_report_times_in_the_forms_exports_write(written, expected):
    assert parse_report_time(written) == expected


def test_an_export_is_read_by_its_own_headers_and_keeps_no_more_than_it_needs(tmp_path):
    path = tmp_path / "码上报导出.csv"
    path.write_text(
        "填报时间,姓名,身份证号码,所在城市,现居住地,手机号码,工作单位\n"
        f"2026-11-03 14:22:05,张三,{id_number(1)},,广东省佛山市顺德区北滘镇,13800138000,某公司\n"
        f"2026/11/4 9:05,李四,{id_number(2)},香港,,+852 51234567,\n"
        f",王五,{id_number(3)},火星,,12345,\n",
        encoding="utf-8",
    )
    table = read_roster(path, layout=reference.self_report_layout())
    reports = normalise_self_reports(table.frame, None)
    reports["source_row"] = table.row_numbers

    def texts(column: str) -> list:
        return [value if isinstance(value, str) else None for value in reports[column].tolist()]

    assert texts("city_code") == ["440600", "810000", None]  # 佛山 from the address when the city is blank
    assert texts("city") == ["佛山市", "香港特别行政区", None] and texts("name") == [None, None, None]
    assert texts("committee_code") == ["440600", "440000", None]
    assert reports["reported_at"].iloc[1] == dt.datetime(2026, 11, 4, 9, 5, tzinfo=SHANGHAI)
    warnings = self_report_soft_problems(reports, {2}, dt.date(2026, 11, 3))
    assert sorted(zip(warnings["source_row"], warnings["code"], strict=True)) == [(3, "report_after_as_of")]
    outcome = RosterValidator("self_report").validate(reports.assign(phone_if_valid=None), "exports", "test")
    assert outcome.rejected == {"report_time_missing": [2]}
    assert {r.rule for r in outcome.results if not r.success} == {
        "report_time_missing",
        "city_unknown",
        "phone_invalid",
    }


def test_an_export_without_an_id_column_is_no_export(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("上报时间,姓名,现居城市\n2026-11-03 14:22:05,张三,深圳\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as caught:
        read_roster(path, layout=reference.self_report_layout())
    assert caught.value.message_zh == "第1行是表头，但缺少必填列：身份证号码"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2027-04-10T09:15:00+08:00", "2027-04-10 09:15"),
        ("2027-04-10T01:15:00Z", "2027-04-10 09:15"),  # UTC, as an API export writes it
        ("2027-04-10 03:15+0200", "2027-04-10 09:15"),
        ("2027/4/12 下午2:22", "2027-04-12 14:22"),
        ("2027/4/12 上午12:05", "2027-04-12 00:05"),
        ("2027/4/12 晚上9:05", "2027-04-12 21:05"),
        ("2027/4/12 中午12:30", "2027-04-12 12:30"),
        ("2027-04-12 2:22 PM", "2027-04-12 14:22"),
        ("2027-04-12 24:00", "2027-04-13 00:00"),  # the end of the day is the next midnight
        ("2027-04-12 24:00:00", "2027-04-13 00:00"),
    ],
)
def test_report_times_with_an_offset_a_half_of_the_day_or_24_00_are_read(written, meant):
    read = parse_report_time(written)
    assert (
        read is not None and read.strftime("%Y-%m-%d %H:%M") == meant and read.utcoffset().total_seconds() == 8 * 3600
    )


def test_report_times_that_name_no_moment_stay_unreadable():
    for written in ("2027-04-12 24:30", "2027-04-12 25:00", "2027-02-30 10:00", "下午2:22", "2027-04-12 2:22 下午 PM"):
        assert parse_report_time(written) is None, written


# Cells in the common forms the column reader takes by numbers, with fields anywhere near their bounds (31 February,
# 29 February of 2100, 24:00, second 60, years just outside those of evidence), and cells in every other form.
def _field(highest: int):
    """A field from 0 to ``highest``, with or without a leading zero."""
    return st.integers(min_value=0, max_value=highest).flatmap(lambda n: st.sampled_from([str(n), f"{n:02d}"]))


_COMMON_CELL = st.builds(
    lambda y, m, d, sep, t, hh, mm, ss: f"{y}{sep}{m}{sep}{d}{t}{hh}:{mm}" + (f":{ss}" if ss is not None else ""),
    st.sampled_from(["1999", "2000", "2024", "2026", "2028", "2100", "2101", "9999", "0000"]),
    _field(13),
    _field(32),
    st.sampled_from(["-", "/"]),
    st.sampled_from([" ", "T"]),
    _field(25),
    _field(61),
    st.one_of(st.none(), _field(61)),
)
_OTHER_CELL = st.one_of(
    st.none(),
    st.sampled_from(
        ["2027-04-10T01:15:00Z", "2027/4/12 下午2:22", "46329.5", "2026-11-03", "昨天", "２０２６-11-03 10:00"]
    ),
    st.text(max_size=20),
)


@settings(max_examples=300)
@given(st.lists(st.one_of(_COMMON_CELL, _COMMON_CELL, _OTHER_CELL), max_size=40))
def test_a_column_of_report_times_is_read_as_each_cell_alone(cells):
    column = report_times(pa.array(cells, type=pa.string()))
    expected = [parse_report_time(cell) for cell in cells]
    assert [None if pd.isna(moment) else moment for moment in column] == expected
    if any(expected):
        as_of = dt.date(2026, 11, 3)
        moments = pd.Series(column)
        assert after_day(moments, as_of).tolist() == [m is not None and m.date() > as_of for m in expected]
        assert not after_day(moments, dt.date.max).any()
        days = pd.Series(shanghai_days(moments)).tolist()
        assert [None if pd.isna(day) else day for day in days] == [m and m.date() for m in expected]
