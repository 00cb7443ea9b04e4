"""Readers: every file type county offices send, built by the tests themselves."""

from __future__ import annotations

import datetime as dt

import pytest
import xlsxwriter
import xlwt

from roster_recon.read import RosterFileError, read_roster

HEADERS = ["姓名（必填）", "公民身份号码", "流出时间", "去向地址", "手机号码", "从事行业"]
ROW = ["张三", "360426199101010071", "2023-04-15", "广东省深圳市", "13800138000", "电子信息制造"]


def write_xlsx_with_title(path, rows, numeric_id=None):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.merge_range(0, 0, 0, 5, "万载县流动党员台账（2026年11月）")
    for column, header in enumerate(HEADERS):
        sheet.write_string(1, column, header)
    for r, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            sheet.write_string(r, column, value)
    if numeric_id is not None:
        sheet.write_number(len(rows) + 2, 0 + 1, numeric_id)
        sheet.write_string(len(rows) + 2, 0, "李四")
    sheet.write_datetime(2, 2, dt.datetime(2023, 4, 15), workbook.add_format({"num_format": "yyyy-mm-dd"}))
    workbook.close()


def test_xlsx_title_row_is_skipped_and_cells_are_text(tmp_path):
    path = tmp_path / "a.xlsx"
    write_xlsx_with_title(path, [ROW], numeric_id=360926199001011234)
    table = read_roster(path)
    assert table.header_row_number == 2
    assert table.row_numbers == [3, 4]
    assert list(table.frame.columns) == [
        "name",
        "id_number",
        "outflow_date",
        "destination",
        "phone",
        "industry",
    ]
    assert table.frame.loc[0, "id_number"] == "360426199101010071"
    assert table.frame.loc[0, "outflow_date"] == "2023-04-15"
    assert "e+17" in table.frame.loc[1, "id_number"].lower()  # Excel's damage is visible, not hidden


def test_old_xls(tmp_path):
    path = tmp_path / "b.xls"
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for column, value in enumerate(HEADERS):
        sheet.write(0, column, value)
    for column, value in enumerate(ROW):
        sheet.write(1, column, value)
    book.save(str(path))
    table = read_roster(path)
    assert table.frame.loc[0, "name"] == "张三" and table.row_numbers == [2]


def test_gb18030_csv_with_a_rare_character(tmp_path):
    path = tmp_path / "c.csv"
    text = ",".join(HEADERS) + "\r\n" + ",".join(["王䶮", *ROW[1:]]) + "\r\n"
    path.write_bytes(text.encode("gb18030"))
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")  # the name needs GB18030
    assert read_roster(path).frame.loc[0, "name"] == "王䶮"


def test_utf8_bom_csv_with_blank_and_ragged_lines(tmp_path):
    path = tmp_path / "d.csv"
    text = "标题行\n" + ",".join(HEADERS) + "\n" + ",".join(ROW) + "\n\n李四,44011320141005001X\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    table = read_roster(path)
    assert table.row_numbers == [3, 5]
    assert table.frame.loc[1, "id_number"] == "44011320141005001X"


@pytest.mark.parametrize(
    ("content", "suffix", "code"),
    [
        (b"", ".csv", "empty_file"),
        ("总结,内容\n今年工作,好\n".encode(), ".csv", "no_header_row"),
        ("姓名,流出时间,去向地址\n张三,2023-01-01,深圳\n".encode(), ".csv", "missing_required_column"),
        (b"this is not a zip file at all", ".xlsx", "corrupt_workbook"),
        (b"whatever", ".pdf", "unsupported_type"),
    ],
)
def test_unusable_files_say_why(tmp_path, content, suffix, code):
    path = tmp_path / f"x{suffix}"
    path.write_bytes(content)
    with pytest.raises(RosterFileError) as error:
        read_roster(path)
    assert error.value.code == code and error.value.message_zh


def test_a_file_over_the_size_limit_is_rejected_before_it_is_read(tmp_path):
    path = tmp_path / "大台账.csv"
    path.write_bytes(("姓名,身份证号码\n" + "张三,360426199101010071\n" * 70_000).encode("utf-8"))
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path, max_file_mb=1)
    assert rejected.value.code == "file_too_large" and "1 MB" in rejected.value.message_en


def test_a_cell_past_the_csv_field_limit_rejects_the_file_with_a_reason(tmp_path):
    path = tmp_path / "甲支部.csv"
    path.write_bytes(('姓名,身份证号码,备注\n张三,360426199101010071,"' + "长" * 200_000 + '"\n').encode("utf-8"))
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path)
    assert rejected.value.message_zh and rejected.value.message_en  # a reason for the clerk, not a crash


def test_any_reader_failure_becomes_a_rejection_with_no_id_number_in_it(tmp_path, monkeypatch):
    from roster_recon import read

    def reader_bug(path):
        raise KeyError("row 7: 360426199101010071")

    monkeypatch.setattr(read, "_read_csv", reader_bug)
    path = tmp_path / "甲支部.csv"
    path.write_text("姓名\n张三\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path)
    assert rejected.value.code == "unreadable" and "KeyError" in rejected.value.message_en
    assert "360426199101010071" not in rejected.value.message_en


def test_a_file_the_share_will_not_let_us_open_is_rejected_not_raised(tmp_path, monkeypatch):
    from roster_recon import read

    def denied(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(read, "_read_csv", denied)
    path = tmp_path / "甲支部.csv"
    path.write_text("姓名\n张三\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path)
    assert rejected.value.code == "cannot_open" and "Permission denied" in rejected.value.message_en
