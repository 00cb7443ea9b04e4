"""County workbooks: readable, and safe from formula injection."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from roster_recon.delivery.feedback import write_file_feedback


def test_feedback_workbook_lists_problems_and_neutralises_formulas(tmp_path):
    problems = [
        {
            "source_row": 5,
            "member_name": '=HYPERLINK("x")',
            "column_name": "联系电话",
            "value_masked": "+86 123",
            "severity": "warning",
            "message_zh": "联系电话为空或不是有效号码",
            "message_en": "phone missing or not a valid number",
        },
        {
            "source_row": 7,
            "member_name": "张三",
            "column_name": "身份证号码",
            "value_masked": "360426********0072",
            "severity": "error",
            "message_zh": "身份证号码校验位错误",
            "message_en": "ID number check character is wrong",
        },
    ]
    file = {"file_name": "甲支部.csv", "status": "loaded", "error": None}
    path = write_file_feedback(tmp_path, file, problems, dt.date(2026, 11, 26))
    assert path.name == "甲支部（csv）_反馈_2026-11-26.xlsx"
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(1).to_python()
    assert rows[1][:4] == ["5", '=HYPERLINK("x")', "联系电话", "+86 123"]  # text, not a formula
    assert rows[2][5] == "身份证号码校验位错误"
    assert quote_prefixed_text_cells(path, "xl/worksheets/sheet2.xml") == (14, 14)  # 2 rows x 7 cells
    assert quote_prefixed_text_cells(path, "xl/worksheets/sheet1.xml")[0] > 0


def quote_prefixed_text_cells(path, sheet: str) -> tuple[int, int]:
    """(data cells, data cells that are text with Excel's quote prefix) of a sheet; asserts no formula is stored."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read(sheet).decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    cell_formats = re.findall(r"<xf [^>]*?/?>", styles.split("<cellXfs", 1)[1].split("</cellXfs>", 1)[0])
    prefixed = {str(i) for i, xf in enumerate(cell_formats) if 'quotePrefix="1"' in xf}
    cells = re.findall(r'<c r="[A-Z]+(\d+)"([^>]*)>', sheet_xml)
    data = [attributes for row, attributes in cells if row != "1"]
    safe = [
        a
        for a in data
        if 't="inlineStr"' in a and re.search(r's="(\d+)"', a) and re.search(r's="(\d+)"', a)[1] in prefixed
    ]
    return len(data), len(safe)


def test_feedback_for_two_files_of_one_branch_in_one_run_do_not_overwrite_each_other(tmp_path):
    as_of = dt.date(2026, 11, 26)
    paths = {
        write_file_feedback(tmp_path, {"file_name": name, "status": "rejected", "error": name}, [], as_of)
        for name in ("甲支部.xlsx", "甲支部.csv")
    }
    assert len(paths) == 2 and all(path.exists() for path in paths)
    reasons = {CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()[4][1] for p in paths}
    assert reasons == {"甲支部.xlsx", "甲支部.csv"}


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.text(max_size=8)),
            st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))),
            st.one_of(st.none(), st.integers(-5, 5), st.text(alphabet="\x1e\x1f=+-@、失联", max_size=4)),
        ),
        max_size=12,
    )
)
def test_a_sheets_digest_by_column_equals_the_digest_row_by_row(rows):
    from roster_recon.delivery.feedback import Sheet, content_digest, sheet_digest

    sheet = Sheet("s", ["a", "b", "c"], [10, 10, 10], [list(row) for row in rows])
    assert sheet_digest(sheet) == content_digest(sheet.rows)
    expected = [[None if v is None else str(v) for v in column] for column in zip(*rows, strict=True)]
    assert sheet.text_columns == (expected if rows else [[], [], []])
