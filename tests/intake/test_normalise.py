"""Normalisers, with the awkward inputs county offices really send."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from roster_recon.intake import normalise as n
from roster_recon.intake.columns import normalise_roster, phone_columns, raw_column

VALID = ["360426199101010071", "44011320141005001X"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("360426199101010071", "360426199101010071"),
        (" 360426 19910101 0071 ", "360426199101010071"),
        ("３６０４２６１９９１０１０１００７１", "360426199101010071"),
        ("44011320141005001x", "44011320141005001X"),
        ("360426-19910101-0071", "360426199101010071"),
        (None, None),
        ("   ", None),
    ],
)
def test_id_number_is_normalised(raw, expected):
    assert n.normalise_id_number(raw) == expected


def test_fifteen_digit_id_is_upgraded_with_a_check_character():
    upgraded = n.normalise_id_number("360426910101007")
    assert upgraded == "360426199101010071"
    assert n.id_number_problem(upgraded) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("36042619910102009X", "id_check_char"),
        ("360426199113010079", "id_birth_date"),
        ("360426199102300079", "id_birth_date"),
        ("3.60926E+17", "id_excel_damage"),
        ("3.60926199001011e+17", "id_excel_damage"),
        ("36042619910101007", "id_format"),
        ("36042619910101007A", "id_format"),
        (None, "id_missing"),
    ],
)
def test_id_number_problems_are_named(value, code):
    assert n.id_number_problem(value)[0] == code


@pytest.mark.parametrize("value", VALID)
def test_valid_ids_pass(value):
    assert n.id_number_problem(value) is None


def test_old_place_codes_are_valid():
    first17 = "36222719850315123"  # 万载县 before 2000 (3622xx), a code no longer in force
    assert n.id_number_problem(first17 + n.check_character(first17)) is None


def test_id_mask_keeps_six_and_four():
    assert n.mask_id_number("360922199001011236") == "360922********1236"
    assert n.mask_id_number("36092219") == "********"
    assert n.mask_id_number(None) is None and n.mask_id_number(float("nan")) is None  # a raw frame's missing cell


def test_a_raw_column_put_together_from_several_frames_reaches_the_normalisers_as_one_arrow_array():
    text = pd.StringDtype("pyarrow", na_value=float("nan"))
    raw = pd.concat([pd.DataFrame({"name": pd.array(["张三"], dtype=text)})] * 2, ignore_index=True)
    column = raw_column(raw, "name")
    assert isinstance(column, pa.Array) and column.to_pylist() == ["张三", "张三"]
    assert normalise_roster(raw, "甲支部")["name"].tolist() == ["张三", "张三"]


@given(
    digits=st.sampled_from(VALID),
    spaces=st.lists(st.sampled_from([" ", "　", ""]), min_size=18, max_size=18),
    full_width=st.booleans(),
)
def test_any_spelling_of_a_valid_id_normalises_to_it(digits, spaces, full_width):
    text = "".join(c + s for c, s in zip(digits.lower(), spaces, strict=True))
    if full_width:
        text = text.translate(str.maketrans("0123456789xX", "０１２３４５６７８９ｘＸ"))
    assert n.normalise_id_number(text) == digits


@given(st.one_of(st.text(), st.none(), st.integers(), st.floats()))
def test_normalisers_never_raise_and_return_what_they_promise(value):
    normalised = n.normalise_id_number(value)
    assert normalised is None or (isinstance(normalised, str) and normalised and " " not in normalised)
    problem = n.id_number_problem(normalised)
    assert problem is None or (len(problem) == 3 and all(isinstance(part, str) and part for part in problem))
    assert (problem is None) == n.is_valid_id_number(normalised)
    parsed = n.parse_date(value if not isinstance(value, float) else str(value))
    assert parsed is None or type(parsed) is dt.date
    phone = n.normalise_phone(str(value))
    assert phone is None or isinstance(phone, n.Phone)
    city = n.resolve_destination(str(value))
    assert city is None or (len(city.code) == 6 and city.code.isdigit())
    assert n.is_lost_status(value) in (True, False)
    branch = n.branch_from_file_name(str(value))
    assert isinstance(branch, str) and (branch or not str(value))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-04-15", dt.date(2023, 4, 15)),
        ("2023/4/15", dt.date(2023, 4, 15)),
        ("2023.4.15", dt.date(2023, 4, 15)),
        ("2023年4月15日", dt.date(2023, 4, 15)),
        ("2023年4月", dt.date(2023, 4, 1)),
        ("20230415", dt.date(2023, 4, 15)),
        ("202304", dt.date(2023, 4, 1)),
        ("45031", dt.date(2023, 4, 15)),
        ("45031.0", dt.date(2023, 4, 15)),
        (dt.datetime(2023, 4, 15, 8, 30), dt.date(2023, 4, 15)),
        ("2023-04-15 00:00:00", dt.date(2023, 4, 15)),
        ("２０２３年４月１５日", dt.date(2023, 4, 15)),
        ("2023", dt.date(2023, 1, 1)),  # a bare year typed into a cell: not the Excel serial 2023 (1905-07-15)
        ("2023.0", dt.date(2023, 1, 1)),  # the same year from a numeric cell
        ("2023年", dt.date(2023, 1, 1)),
        ("0042", None),
        ("2023-02-30", None),
        ("last spring", None),
        ("", None),
    ],
)
def test_dates_in_every_form(raw, expected):
    assert n.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "e164", "masked"),
    [
        ("13800138000", "+8613800138000", "138****8000"),
        ("+86 139-0000-1111", "+8613900001111", "139****1111"),
        ("0086 13700001111", "+8613700001111", "137****1111"),
        ("0795-8881234", "+867958881234", "795***1234"),
        ("+852 9123 4567", "+85291234567", "912*4567"),
        ("+853 6612 3456", "+85366123456", "661*3456"),
    ],
)
def test_valid_phones(raw, e164, masked):
    phone = n.normalise_phone(raw)
    assert phone.valid and phone.number == e164
    assert n.mask_phone(phone.national) == masked


@pytest.mark.parametrize("raw", ["12345", "19412345678", "无"])
def test_invalid_phones_are_kept_as_invalid(raw):
    phone = n.normalise_phone(raw)
    assert phone is not None and not phone.valid


@pytest.mark.parametrize(
    ("text", "code", "in_gba"),
    [
        ("广东省深圳市南山区科技园", "440300", True),
        ("佛山", "440600", True),
        ("东莞市长安镇", "441900", True),
        ("香港特别行政区九龙", "810000", True),
        ("澳门氹仔", "820000", True),
        ("江门市蓬江区", "440700", True),
        ("浙江省义乌市", "330700", False),
        ("昆山市", "320500", False),
        ("上海市浦东新区", "310000", False),
        ("吉林省长春市", "220100", False),
    ],
)
def test_destination_resolves_to_city(text, code, in_gba):
    city = n.resolve_destination(text)
    assert city.code == code and city.in_gba is in_gba


def test_gba_committee_follows_the_1_7_n_structure():
    assert n.resolve_destination("深圳").gba_committee == "宜春市驻深圳流动党员党委"
    assert n.resolve_destination("肇庆市").gba_committee == "宜春市驻粤港澳大湾区流动党员党委"
    assert n.resolve_destination("杭州").gba_committee is None
    assert n.resolve_destination("某地打工") is None


@pytest.mark.parametrize(
    ("status", "lost"),
    [
        ("失联", True),
        ("失去联系", True),
        ("联系不上", True),
        ("LOST", True),
        ("正常", False),
        ("失联（已找回）", False),  # a note is read as written: found again
        ("失 联", True),
        (None, False),
        ("", False),
    ],
)
def test_contact_status(status, lost):
    assert n.is_lost_status(status) is lost


@pytest.mark.parametrize(
    ("stem", "branch"),
    [
        ("洪塘镇东风村党支部_2026-11", "洪塘镇东风村党支部"),
        ("洪塘镇东风村党支部_202611", "洪塘镇东风村党支部"),
        ("洪塘镇东风村党支部（2026年11月）", "洪塘镇东风村党支部"),
        ("洪塘镇东风村党支部 2026年11月", "洪塘镇东风村党支部"),
        ("洪塘镇东风村党支部", "洪塘镇东风村党支部"),
    ],
)
def test_branch_from_file_name(stem, branch):
    assert n.branch_from_file_name(stem) == branch


@given(
    national=st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    prefix=st.sampled_from(["", "+86", "+86 ", "0086", "86"]),
)
def test_mobile_fast_path_agrees_with_a_full_libphonenumber_parse(national, prefix):
    import phonenumbers

    written = prefix + national
    expected = phonenumbers.is_valid_number(phonenumbers.parse("+86" + national if prefix else national, "CN"))
    assert n.normalise_phone(written).valid is expected


_ID_LIKE = st.one_of(
    st.text(alphabet="0123456789X", min_size=17, max_size=19),
    st.builds(
        lambda place, born, serial: place + born + serial,
        st.sampled_from(["360922", "440300", "110101"]),
        st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(2030, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
        st.text(alphabet="0123456789X", min_size=4, max_size=4),
    ),
    st.builds(
        lambda first17: first17 + n.check_character(first17), st.text(alphabet="0123456789", min_size=17, max_size=17)
    ),
    st.text(),
    st.none(),
)


@given(st.lists(_ID_LIKE, max_size=30))
def test_valid_id_numbers_agrees_with_the_one_at_a_time_rule(values):
    expected = [value is not None and n.is_valid_id_number(value) for value in values]
    assert n.valid_id_numbers(pd.Series(values, dtype=object)).tolist() == expected


def test_valid_id_numbers_on_the_calendar_edges():
    def with_check(place_and_born):
        first17 = place_and_born + "123"
        return first17 + n.check_character(first17)

    borns = ["20000229", "19000229", "19960229", "19990230", "19991301", "19990100", "18991231", "19000101"]
    values = [with_check("360922" + born) for born in borns] + [
        "３６０９２２１９９００１０１１２３４",
        "36092219900101123",
    ]
    expected = [n.is_valid_id_number(value) for value in values]
    assert expected[:8] == [True, False, True, False, False, False, False, True]
    assert n.valid_id_numbers(pd.Series(values)).tolist() == expected


_PHONE_LIKE = st.one_of(
    st.builds(
        lambda prefix, number, spacer: prefix + spacer.join([number[:3], number[3:7], number[7:]]),
        st.sampled_from(["", "+86", "86", "0086", "+86 ", "（+86）"]),
        st.text(alphabet="0123456789", min_size=11, max_size=11).map(lambda digits: "1" + digits[1:]),
        st.sampled_from(["", " ", "-", "\u3000", "\u2009", "."]),
    ),
    st.text(alphabet="0123456789+-() 　１３８", max_size=16),
    st.text(max_size=12),
)


@given(st.lists(st.one_of(_PHONE_LIKE, st.none()), max_size=25))
def test_phone_columns_agree_with_one_at_a_time(values):
    phones = [n.normalise_phone(value) for value in values]
    number, valid, national = phone_columns(values)
    listed = tuple(c.to_pylist() if isinstance(c, pa.Array) else list(c) for c in (number, valid, national))
    assert listed == (
        [p.number if p else None for p in phones],
        [bool(p and p.valid) for p in phones],
        [p.national if p else None for p in phones],
    )


_NAME_LIKE = st.one_of(
    st.text(alphabet="张王李欧阳娜·•　 \tＡA1", max_size=6),
    st.text(alphabet=st.characters(min_codepoint=0x4DFF, max_codepoint=0xA001), max_size=4),
    st.text(max_size=4),
    st.none(),
)
_CELL_LIKE = st.one_of(
    st.text(alphabet="2018年3月20日-/. 　\t\xa0\x1fＡａ①深圳市南山区", max_size=10),
    st.text(alphabet=st.characters(min_codepoint=0x1F, max_codepoint=0x7F), max_size=6),
    st.text(max_size=6),
    st.none(),
)


def _cells(series: pd.Series) -> list:
    return [None if value is None or value != value else value for value in series.tolist()]


@given(st.lists(st.tuples(_NAME_LIKE, _ID_LIKE, _CELL_LIKE, _CELL_LIKE), max_size=20))
def test_whole_column_normalising_agrees_with_the_one_value_functions(rows):
    """``normalise_roster`` skips values already in normal form; what it returns is what the functions return."""
    raw = pd.DataFrame(rows, columns=["name", "id_number", "destination", "outflow_date"], dtype=object)
    out = normalise_roster(raw, default_branch="某某支部")
    names = [None if v is None else "".join((n.clean_text(v) or "").split()) or None for v in raw["name"]]
    assert _cells(out["name"]) == names
    assert _cells(out["id_number"]) == [n.normalise_id_number(v) for v in raw["id_number"]]
    assert _cells(out["destination"]) == [n.clean_text(v) for v in raw["destination"]]
    assert _cells(out["outflow_date_raw"]) == [n.clean_text(v) for v in raw["outflow_date"]]
    assert _cells(out["outflow_date"]) == [n.parse_date(v) for v in raw["outflow_date"]]


@pytest.mark.parametrize(
    ("last_contact", "as_of", "lost"),
    [
        (dt.date(2026, 2, 28), dt.date(2026, 8, 28), False),  # exactly six months: not yet lost
        (dt.date(2026, 2, 28), dt.date(2026, 8, 29), True),
        (dt.date(2025, 8, 31), dt.date(2026, 2, 28), False),  # Aug 31 + 6 months = Feb 28
        (dt.date(2025, 8, 31), dt.date(2026, 3, 1), True),
        (dt.date(2023, 8, 31), dt.date(2024, 2, 29), False),  # ... = Feb 29 in a leap year
        (dt.date(2023, 8, 31), dt.date(2024, 3, 1), True),
        (dt.date(2026, 2, 28), dt.date(2026, 8, 31), True),  # as_of - 6 months would say Feb 28, not lost: wrong
        (None, dt.date(2026, 8, 31), False),
    ],
)
def test_lost_contact_is_more_than_n_calendar_months_at_month_ends(last_contact, as_of, lost):
    from roster_recon.warehouse.flag import is_lost_contact

    assert is_lost_contact(last_contact, as_of, 6) is lost


def test_an_id_number_or_a_mobile_in_a_name_is_masked_in_every_problem_text_that_quotes_it():
    from roster_recon.intake.normalise import mask_long_numbers
    from roster_recon.intake.problems import sheet_warnings

    ways = ("360926199001011234", "360926 19900101 1234", "360926-19900101-1234", "138 1234 5678", "138-1234-5678")
    for typed in ways:
        assert mask_long_numbers(f"张三{typed}号") in ("张三360***********1234号", "张三138****5678号"), typed
    for kept in ("2026-11-05 10:00:00", "甲支部", "第3组", "2026年11月"):
        assert mask_long_numbers(kept) == kept
    warned = sheet_warnings([("张三13812345678", "hidden")])
    texts = warned[["sheet", "message_zh", "message_en"]].to_numpy().ravel().tolist()
    assert all("13812345678" not in text and "138****5678" in text for text in texts), texts
