"""Readers: every file type county offices send, built by the tests themselves."""

from __future__ import annotations

import datetime as dt

import pytest
import xlsxwriter
import xlwt

from roster_recon.intake.read import RosterFileError, read_roster

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


@pytest.mark.parametrize(
    ("failure", "code", "said"),
    [
        (KeyError("row 7: 360426199101010071"), "unreadable", "KeyError"),  # a reader bug
        (PermissionError(13, "Permission denied"), "cannot_open", "Permission denied"),  # the share refuses
    ],
)
def test_any_reader_failure_becomes_a_rejection_with_a_reason_and_no_id_number(
    tmp_path, monkeypatch, failure, code, said
):
    from roster_recon.intake import read

    def failing_reader(path, layout):
        raise failure

    monkeypatch.setattr(read, "_read_csv", failing_reader)
    path = tmp_path / "甲支部.csv"
    path.write_text("姓名\n张三\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path)
    assert rejected.value.code == code and said in rejected.value.message_en
    assert "360426199101010071" not in rejected.value.message_en


def test_every_visible_roster_sheet_is_read_with_the_branch_from_its_name(tmp_path):
    path = tmp_path / "万载县台账.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    for sheet_name, person_name in (("洪塘镇东风村党支部", "张三"), ("株潭镇党支部", "李四"), ("旧名单", "王五")):
        sheet = workbook.add_worksheet(sheet_name)
        for column, header in enumerate(HEADERS):
            sheet.write_string(0, column, header)
        sheet.write_string(1, 0, person_name)
        sheet.write_string(1, 1, ROW[1])
        if sheet_name == "旧名单":
            sheet.hide()
    notes = workbook.add_worksheet("填表说明")
    notes.write_string(0, 0, "请按月报送")
    workbook.close()
    table = read_roster(path)
    assert table.frame["name"].tolist() == ["张三", "李四"]
    assert table.frame["branch"].tolist() == ["洪塘镇东风村党支部", "株潭镇党支部"]
    assert table.row_numbers == [2, 2] and table.row_sheets == ["洪塘镇东风村党支部", "株潭镇党支部"]
    assert table.skipped_sheets == [("旧名单", "hidden"), ("填表说明", "no roster header")]


def test_a_branch_cell_merged_down_names_the_branch_of_every_row_it_covers(tmp_path):
    path = tmp_path / "县台账.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for column, header in enumerate(["姓名", "身份证号码", "所在党支部"]):
        sheet.write_string(0, column, header)
    for row, name in enumerate(["张三", "李四", "王五", "赵六"], start=1):
        sheet.write_string(row, 0, name)
        sheet.write_string(row, 1, ROW[1])
    sheet.merge_range(1, 2, 3, 2, "甲支部")  # rows 2-4 in the clerk's numbering
    sheet.write_string(4, 2, "乙支部")
    workbook.close()
    assert read_roster(path).frame["branch"].tolist() == ["甲支部", "甲支部", "甲支部", "乙支部"]


def test_a_blank_branch_cell_in_a_sheet_of_several_takes_the_sheets_name(tmp_path):
    # Each sheet has a merged title row (a merged range that is not in the branch column); a cell left empty and a
    # cell of spaces both name no branch, so the row's branch is its sheet's name, not the file's.
    path = tmp_path / "万载县丙支部.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheets = {"A支部": [("张三", "甲支部"), ("李四", None), ("孙七", "   ")], "B支部": [("王五", None)]}
    for sheet_name, rows in sheets.items():
        sheet = workbook.add_worksheet(sheet_name)
        sheet.merge_range(0, 0, 0, 2, "万载县流动党员台账")
        for column, header in enumerate(["姓名", "身份证号码", "所在党支部"]):
            sheet.write_string(1, column, header)
        for row, (name, branch) in enumerate(rows, start=2):
            sheet.write_string(row, 0, name)
            sheet.write_string(row, 1, ROW[1])
            if branch is not None:
                sheet.write_string(row, 2, branch)
    workbook.close()
    assert read_roster(path).frame["branch"].tolist() == ["甲支部", "A支部", "A支部", "B支部"]


def test_a_roster_of_headers_alone_reads_as_columns_of_nothing(tmp_path):
    path = tmp_path / "县台账.csv"
    path.write_text(",".join(HEADERS) + "\n", encoding="utf-8")
    frame = read_roster(path).frame
    assert len(frame) == 0 and {str(dtype) for dtype in frame.dtypes} == {"object"}


def _peak_rss_mb_of(code: str) -> tuple[str, float]:
    import subprocess
    import sys

    # VmHWM of the new process image (ru_maxrss would carry the forking test process's peak across exec).
    peak = "[int(line.split()[1]) / 1024 for line in open('/proc/self/status') if line.startswith('VmHWM')][0]"
    script = code + f"\nprint({peak})"
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    lines = output.stdout.strip().splitlines()
    return lines[0], float(lines[-1])


def _xlsx_with_a_space_in_the_last_cell(path):
    """A roster whose sheet also holds a space in XFD1048576: calamine would hold 17 billion cells (and abort)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for column, header in enumerate(HEADERS):
        sheet.write_string(0, column, header)
    for column, value in enumerate(ROW):
        sheet.write_string(1, column, value)
    sheet.write_string(1048575, 16383, " ")
    workbook.close()
    return path


def _rejection_and_peak_mb(path) -> tuple[str, float]:
    """What ``read_roster`` says of ``path`` in a process of its own, and that process's peak RSS."""
    return _peak_rss_mb_of(
        "from pathlib import Path; from roster_recon.intake.read import RosterFileError, read_roster\n"
        f"try:\n    read_roster(Path({str(path)!r}))\n    print('read')\n"
        "except RosterFileError as error:\n    print(error.code)"
    )


def test_a_space_typed_in_the_last_cell_of_the_sheet_is_rejected_in_bounded_memory(tmp_path):
    outcome, peak_mb = _rejection_and_peak_mb(_xlsx_with_a_space_in_the_last_cell(tmp_path / "甲支部.xlsx"))
    assert outcome == "used_range_too_large"
    assert peak_mb < 400  # the interpreter with pandas is ~150 MB; the sheet itself costs nothing


def test_an_xlsx_that_inflates_past_the_limit_is_rejected_unread(tmp_path, monkeypatch):
    from roster_recon.intake import excel

    path = tmp_path / "甲支部.xlsx"
    write_xlsx_with_title(path, [ROW] * 2000)
    monkeypatch.setattr(excel, "MAX_INFLATED_MB", 0.01)
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path)
    assert rejected.value.code == "workbook_inflates"


def test_a_cell_longer_than_excel_allows_rejects_the_file_naming_the_row(tmp_path):
    path = tmp_path / "甲支部.csv"
    path.write_bytes(
        ('姓名,身份证号码,备注\n张三,360426199101010071,ok\n李四,360426199101010071,"' + "长" * 40_000 + '"\n').encode()
    )
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path)
    assert rejected.value.code == "cell_too_long" and "row 3" in rejected.value.message_en


def test_a_page_long_cell_in_a_workbook_rejects_the_file_naming_the_row_and_no_id_number(tmp_path):
    # Excel and the libraries that write it stop a cell at 32,767 characters; a workbook written by other software
    # need not, so the long cell is put into the workbook's own XML.
    import zipfile

    written = tmp_path / "written.xlsx"
    workbook = xlsxwriter.Workbook(str(written))
    sheet = workbook.add_worksheet()
    for column, value in enumerate(["姓名", "身份证号码", "备注"]):
        sheet.write_string(0, column, value)
    sheet.write_row(1, 0, ["张三", ROW[1], "ok"])
    sheet.write_row(2, 0, ["李四", ROW[1], "PAGE_LONG"])
    workbook.close()
    path = tmp_path / "甲支部.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                data = data.replace(b"PAGE_LONG", ("长" * 40_000 + ROW[1]).encode())
            target.writestr(item, data)
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path)
    error = rejected.value
    assert error.code == "cell_too_long" and "row 3" in error.message_en
    assert ROW[1] not in error.message_en + error.message_zh


def test_a_row_of_white_space_alone_is_blank_as_python_sees_white_space():
    """The readers find blank rows with Arrow; its character class must be exactly ``str.isspace``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from roster_recon.intake.read import WHITE_SPACE

    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    matched = pc.match_substring_regex(pa.array(characters), f"^[{WHITE_SPACE}]$").to_pylist()
    assert [c for c, blank in zip(characters, matched, strict=True) if blank] == [c for c in characters if c.isspace()]


def test_an_excel_sheet_with_numbers_and_dates_among_text_reads_them_as_a_clerk_sees_them(tmp_path):
    path = tmp_path / "甲支部.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号码", "外出时间", "备注"])
    sheet.write_row(1, 0, ["张三", "360426199101010071", "2023-04-15", "  "])
    sheet.write_row(2, 0, ["李四", 3.60926199001011e17, None, 12.0])
    sheet.write_datetime(2, 2, dt.datetime(2023, 4, 15), workbook.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_row(4, 0, ["王五", "360426199101010071", 45031, True])
    workbook.close()
    table = read_roster(path)
    assert table.row_numbers == [2, 3, 5]
    assert table.frame["id_number"].tolist() == ["360426199101010071", "3.60926199001011e+17", "360426199101010071"]
    assert table.frame["outflow_date"].tolist() == ["2023-04-15", "2023-04-15", "45031"]
    assert table.frame["notes"].tolist() == ["  ", "12", "True"]


def test_csv_row_numbers_stay_the_clerks_across_quoted_line_breaks(tmp_path):
    """Excel numbers a CSV by record: a line break inside a quoted title or cell does not shift the rows below."""
    path = tmp_path / "甲支部.csv"
    text = (
        '"万载县流动党员台账\n（2026年11月）"\n'  # row 1: a title over two physical lines
        "姓名,身份证号码,备注\n"  # row 2
        '张三,360426199101010071,"在深圳\n电子厂"\n'  # row 3, with a line break in a cell
        "李四,44011320141005001X,\n"  # row 4
    )
    path.write_bytes(text.encode("utf-8-sig"))
    table = read_roster(path)
    assert table.header_row_number == 2
    assert table.row_numbers == [3, 4]
    assert table.frame["name"].tolist() == ["张三", "李四"]
    assert table.frame["notes"].tolist()[0] == "在深圳\n电子厂"


def test_control_characters_are_removed_from_every_cell_and_their_rows_named(tmp_path):
    path = tmp_path / "甲支部.csv"
    lines = [",".join(HEADERS), ",".join(ROW), ",".join(["李\x00四", ROW[1], "", "", "", "电子\x07信息\t制造"])]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    table = read_roster(path)
    assert table.frame["name"].tolist() == ["张三", "李四"]
    assert table.frame["industry"].tolist() == ["电子信息制造", "电子信息\t制造"]  # a tab is kept
    assert table.control_characters == {"name": [3], "industry": [3]}


def test_a_cell_of_control_characters_alone_is_blank(tmp_path):
    path = tmp_path / "甲支部.csv"
    lines = [",".join(HEADERS), ",".join(ROW), ",".join(["\x00", "", "", "", "", ""])]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    table = read_roster(path)
    assert table.row_numbers == [2]


def _lie_in_the_zip(path, member: str, replace: tuple[bytes, bytes] | None = None, declared_size: int | None = None):
    """Rewrite ``member`` of the zip at ``path``: its XML changed, and/or its declared (uncompressed) size a lie."""
    import struct
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == member and replace:
                data = data.replace(*replace)
            target.writestr(info.filename, data)
    if declared_size is not None:
        raw = bytearray(path.read_bytes())
        name = member.encode()
        for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = raw.find(signature)
            while at >= 0:
                name_at = at + (30 if signature == b"PK\x03\x04" else 46)
                if raw[name_at : name_at + len(name)] == name:
                    struct.pack_into("<I", raw, at + size_at, declared_size)
                at = raw.find(signature, at + 4)
        path.write_bytes(bytes(raw))


def test_a_sheet_whose_dimension_lies_about_a_far_cell_is_rejected(tmp_path):
    import zipfile

    path = _xlsx_with_a_space_in_the_last_cell(tmp_path / "甲支部.xlsx")
    _lie_in_the_zip(
        path, "xl/worksheets/sheet1.xml", replace=(b'<dimension ref="A1:XFD1048576"/>', b'<dimension ref="A1:F2"/>')
    )
    with zipfile.ZipFile(path) as workbook:
        assert b'<dimension ref="A1:F2"/>' in workbook.read("xl/worksheets/sheet1.xml")  # the lie is in place
    outcome, peak_mb = _rejection_and_peak_mb(path)
    assert outcome == "used_range_too_large" and peak_mb < 400


def test_a_sheet_of_millions_of_unnumbered_rows_is_rejected_in_bounded_memory(tmp_path):
    """Rows need no ``r`` number: a 200 KB zip of 4 million unnumbered rows (found by ``make fuzz``) is as long as
    its row tags, and too large, before calamine holds it."""
    import zipfile

    path = tmp_path / "甲支部.xlsx"
    write_xlsx_with_title(path, [ROW])
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in members:
            if name == "xl/worksheets/sheet1.xml":
                head, _, _ = data.partition(b"<sheetData>")
                row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
                data = head + b"<sheetData>" + row * 4_000_000 + b"</sheetData></worksheet>"
            target.writestr(name, data)
    outcome, peak_mb = _rejection_and_peak_mb(path)
    assert outcome == "used_range_too_large" and peak_mb < 400


def test_an_xlsx_whose_zip_declares_small_sizes_is_measured_by_what_it_inflates_to(tmp_path, monkeypatch):
    from roster_recon.intake import excel

    path = tmp_path / "甲支部.xlsx"
    write_xlsx_with_title(path, [ROW] * 2000)
    _lie_in_the_zip(path, "xl/worksheets/sheet1.xml", declared_size=100)
    monkeypatch.setattr(excel, "MAX_INFLATED_MB", 0.1)
    with pytest.raises(RosterFileError) as rejected:
        read_roster(path)
    assert rejected.value.code == "workbook_inflates"


def test_a_missing_column_and_a_cleaned_cell_are_named_by_the_header_of_their_kinds_files(tmp_path):
    from roster_recon import reference
    from roster_recon.intake.problems import control_character_warnings

    path = tmp_path / "党费导出.csv"
    path.write_bytes("姓名,身份证号码,缴费月份,金额\n张三,360426199101010071,2026-10,50\n".encode())
    with pytest.raises(RosterFileError) as error:
        read_roster(path, layout=reference.dues_layout())
    assert error.value.code == "missing_required_column" and "缴费时间" in error.value.message_zh
    warned = control_character_warnings({"channel": [4], "paid_at": [5]}, reference.dues_layout())
    assert warned["column_name"].tolist() == ["缴费方式", "缴费时间"]


@pytest.mark.parametrize(
    ("xml", "rows", "columns"),
    [
        (b'<row r="7"><c r="A7"/></row>', 7, 26),
        (b'<x:row\nr="1048576" spans="1:2"><x:c\tr="XFD1048576"/></x:row>', 1_048_576, 16_384),  # any prefix, any space
        (b'<row spans="1:2" r="12"><c s="1" r="AB12"/></row>', 12, 28),  # wherever the attribute stands
        (b"<row><c><is><t>x</t></is></c></row>" * 3, 3, 26),  # unnumbered rows count by their tags
        # spellings calamine reads as well: quotes, spaces around =, either case, leading zeros, a cell's own row
        (b"<row r='3000'><c r='CV3000'/></row>", 3000, 100),
        (b'<row r = "3000"><c r\n=\t"CV3000"/></row>', 3000, 100),
        (b'<row r="00003000"><c r="cv00003000"/></row>', 3000, 100),
        (b'<row><c r="XFD1048576"/></row>', 1_048_576, 16_384),
        (b'<row r="2"><c r="A2"><f>IF(Member="1234567",1,0)</f></c></row>', 2, 26),  # no position in a formula
    ],
)
def test_a_sheets_extent_is_read_from_every_row_number_and_cell_reference(xml, rows, columns):
    from roster_recon.intake.excel import _Extent

    extent = _Extent()
    for at in range(0, len(xml), 5):  # in blocks that cut tags and numbers apart
        extent.scan(xml[at : at + 5])
    extent_whole = _Extent()
    extent_whole.scan(xml)
    assert (extent.rows, extent.columns) == (extent_whole.rows, extent_whole.columns) == (rows, columns)


def test_a_far_cell_spelt_past_the_guard_meets_the_reading_childs_memory_ceiling(tmp_path):
    """Positions written with a page of spaces around ``=`` escape the guard's patterns; calamine still reads them,
    and its allocation fails against the reading child's ceiling: a rejection, in a moment, the task unharmed."""
    from roster_recon.intake.excel import check_xlsx_bounds
    from roster_recon.intake.isolated import read_isolated

    path = _xlsx_with_a_space_in_the_last_cell(tmp_path / "甲支部.xlsx")
    _lie_in_the_zip(path, "xl/worksheets/sheet1.xml", replace=(b' r="', b" r" + b" " * 20 + b'="'))
    check_xlsx_bounds(path)  # the guard does not see the far cell
    with pytest.raises(RosterFileError) as rejected:
        read_isolated(path, 50)
    assert rejected.value.code == "reader_crashed"
