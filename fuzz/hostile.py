"""Hostile entries for a drop folder, one kind per function, and the good files they are dropped beside.

Each maker writes one entry (a file, a FIFO, a link, a folder) into a folder and returns its name on disk; the
driver (``fuzz/run.py``) then checks that the run accounted for every one. The kinds follow what a careless clerk,
a broken office suite or a curious login puts on the share: every reader's format truncated or lying, zip bombs,
wrong encodings, control characters, formulas, cells longer than any key, merged cells, hidden sheets, dates past
year 9999, names that are not UTF-8 or are HTML, FIFOs and links.
"""

from __future__ import annotations

import csv
import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from roster_recon.intake.normalise import check_character

LEDGER_HEADER = ["姓名", "身份证号码", "流出时间", "流入地", "联系电话", "从事行业", "最后联系时间", "联系状态"]
GBA_HEADER = [
    "姓名",
    "身份证号码",
    "所在支部",
    "原籍县（市、区）",
    "原党组织",
    "联系电话",
    "编入时间",
    "最近活动时间",
    "党费缴至",
]
REPORT_HEADER = ["上报时间", "姓名", "身份证号码", "现居城市", "详细地址", "联系电话", "工作单位"]
DUES_HEADER = ["姓名", "身份证号码", "缴费月份", "缴费时间", "金额", "缴费方式"]
GBA_BRANCH = "宜春市驻深圳流动党员第一支部"


def id_number(place: str, serial: int) -> str:
    """A valid ID number of ``place`` (a county code), distinct per serial (born on one of 10,000 days)."""
    born = f"{1960 + serial // 3650 % 40}{1 + serial // 300 % 12:02d}{1 + serial // 10 % 28:02d}"
    first17 = f"{place}{born}{serial % 1000:03d}"
    return first17 + check_character(first17)


def ledger_row(place: str, serial: int) -> dict:
    return {
        "姓名": f"测试{serial}",
        "身份证号码": id_number(place, serial),
        "流出时间": "2020-03-01",
        "流入地": "广东省深圳市南山区",
        "联系电话": f"139{serial % 10**8:08d}",
        "从事行业": "电子信息制造",
        "最后联系时间": "2026-10-01",
        "联系状态": "正常",
    }


def gba_row(place: str, serial: int, branch: str = GBA_BRANCH) -> dict:
    return {
        "姓名": f"测试{serial}",
        "身份证号码": id_number(place, serial),
        "所在支部": branch,
        "原籍县（市、区）": "万载县",
        "原党组织": "甲支部",
        "联系电话": f"139{serial % 10**8:08d}",
        "编入时间": "2024-03-01",
        "最近活动时间": "2026-11-01",
        "党费缴至": "2026年10月",
    }


def report_row(place: str, serial: int) -> dict:
    return {
        "上报时间": "2026-11-20 09:30:00",
        "姓名": f"测试{serial}",
        "身份证号码": id_number(place, serial),
        "现居城市": "广东省深圳市",
        "详细地址": "广东省深圳市某区",
        "联系电话": f"139{serial % 10**8:08d}",
        "工作单位": "某公司",
    }


def dues_row(place: str, serial: int) -> dict:
    values = {"姓名": f"测试{serial}", "身份证号码": id_number(place, serial), "缴费月份": "2026-10"}
    return {**values, "缴费时间": "2026-11-05 10:00:00", "金额": "50.00", "缴费方式": "微信"}


def csv_bytes(header: list[str], rows: list[dict], encoding: str = "utf-8-sig", errors: str = "strict") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors=errors)


def xlsx_bytes(header: list[str], rows: list[list], decorate: Callable | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, header)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)
    if decorate is not None:
        decorate(book, sheet)
    book.close()
    return buffer.getvalue()


@dataclass
class Folder:
    """A drop folder under attack: its path, the header its kind reads, and the rows a good file of it holds."""

    path: Path
    kind: str  # "county", "gba", "self_report" or "dues"
    place: str  # the county code members' ID numbers start with

    @property
    def header(self) -> list[str]:
        headers = {"county": LEDGER_HEADER, "gba": GBA_HEADER, "self_report": REPORT_HEADER, "dues": DUES_HEADER}
        return headers[self.kind]

    def rows(self, first: int, count: int) -> list[dict]:
        """``count`` rows from serial ``first`` on; a GBA file's rows name a branch of the file's own (a branch in
        two files of a run is the newer file's: a good file must not be replaced by a hostile one)."""
        if self.kind == "gba":
            return [gba_row(self.place, serial, f"{GBA_BRANCH}{first}") for serial in range(first, first + count)]
        make = {"county": ledger_row, "self_report": report_row, "dues": dues_row}[self.kind]
        return [make(self.place, serial) for serial in range(first, first + count)]


Maker = Callable[[random.Random, Folder, int], str]
BOMB_SHEET_MB = 200  # what the bomb's sheet inflates to


def _write(folder: Folder, name: str, content: bytes) -> str:
    (folder.path / name).write_bytes(content)
    return name


def truncated_xlsx(rng, folder, n):
    whole = xlsx_bytes(folder.header, [list(r.values()) for r in folder.rows(n * 10, 5)])
    return _write(folder, f"fuzz{n}_truncated.xlsx", whole[: rng.randrange(1, len(whole))])


def truncated_csv(rng, folder, n):
    whole = csv_bytes(folder.header, folder.rows(n * 10, 5))
    return _write(folder, f"fuzz{n}_truncated.csv", whole[: rng.randrange(1, len(whole))])


def garbage(rng, folder, n):
    suffix = rng.choice([".xlsx", ".xls", ".xlsm", ".csv"])
    return _write(folder, f"fuzz{n}_garbage{suffix}", rng.randbytes(rng.randrange(0, 20_000)))


def empty(rng, folder, n):
    return _write(folder, f"fuzz{n}_empty{rng.choice(['.xlsx', '.csv', '.xls'])}", rng.choice([b"", b"\xef\xbb\xbf"]))


def zip_bomb(rng, folder, n):
    """An .xlsx whose sheet inflates to ``BOMB_SHEET_MB`` MB (a row of one cell repeated), in about 200 KB."""
    return _write(folder, f"fuzz{n}_bomb.xlsx", _bomb() + rng.randbytes(8))


_BOMB: bytes | None = None


def _bomb() -> bytes:
    global _BOMB
    if _BOMB is None:
        buffer = io.BytesIO()
        good = zipfile.ZipFile(io.BytesIO(xlsx_bytes(LEDGER_HEADER, [])))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
            for item in good.infolist():
                if item.filename == "xl/worksheets/sheet1.xml":
                    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
                    count = BOMB_SHEET_MB * 2**20 // len(row)
                    with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                        sheet.write(
                            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>'
                        )
                        chunk = row * 10_000
                        for _ in range(count // 10_000):
                            sheet.write(chunk)
                        sheet.write(b"</sheetData></worksheet>")
                else:
                    bomb.writestr(item, good.read(item.filename))
        _BOMB = buffer.getvalue()
    return _BOMB


def oversized(rng, folder, n):
    """A file past the size limit (sparse: it costs the disk nothing)."""
    path = folder.path / f"fuzz{n}_oversized.csv"
    with path.open("wb") as handle:
        handle.write(csv_bytes(folder.header, folder.rows(n * 10, 2)))
        handle.truncate(60 * 2**20 + rng.randrange(1, 2**20))
    return path.name


def wrong_encoding(rng, folder, n):
    encoding = rng.choice(["utf-16", "utf-16-be", "big5", "shift_jis", "latin-1", "cp1252", "utf-32"])
    content = csv_bytes(folder.header, folder.rows(n * 10, 4), encoding=encoding, errors="replace")
    return _write(folder, f"fuzz{n}_{encoding}.csv", content)


CONTROL = ["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\u202e", "\u200b", "\ufeff", "\r", "\u2028", "\ud800"]


def control_characters(rng, folder, n):
    rows = folder.rows(n * 10, 4)
    for row in rows:
        column = rng.choice(folder.header)
        row[column] = f"{row[column]}{rng.choice(CONTROL)}{rng.choice(CONTROL)}"
    return _write(folder, f"fuzz{n}_control.csv", csv_bytes(folder.header, rows, errors="surrogatepass"))


FORMULAS = ['=HYPERLINK("http://x.invalid","点我")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "-2+3", "=1/0"]


XLSX_FORMULAS = ['=HYPERLINK("http://x.invalid","点我")', "=cmd|' /C calc'!A0", "=1/0", "=1+1", '="="&"SUM(1)"']


def formulas(rng, folder, n):
    """Cells that are formulas in a workbook, or text that a spreadsheet would run as one (CSV injection)."""
    if rng.random() < 0.5:
        rows = folder.rows(n * 10, 4)
        for row in rows:
            row[rng.choice(folder.header)] = rng.choice(FORMULAS)
        return _write(folder, f"fuzz{n}_formula.csv", csv_bytes(folder.header, rows))
    values = [list(r.values()) for r in folder.rows(n * 10, 4)]

    def decorate(_book, sheet):
        for index in range(len(values)):
            sheet.write_formula(index + 1, rng.randrange(len(folder.header)), rng.choice(XLSX_FORMULAS))

    return _write(folder, f"fuzz{n}_formula.xlsx", xlsx_bytes(folder.header, values, decorate))


def long_cell(rng, folder, n):
    rows = folder.rows(n * 10, 3)
    column = folder.header[n % len(folder.header)]
    text = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(2_400))
    rows[rng.randrange(len(rows))][column] = text
    return _write(folder, f"fuzz{n}_long.csv", csv_bytes(folder.header, rows))


def merged_and_hidden(rng, folder, n):
    rows = [list(r.values()) for r in folder.rows(n * 10, 6)]

    def decorate(book, sheet):
        sheet.merge_range(1, 0, 3, 0, rows[0][0])
        sheet.merge_range(4, 2, 6, 3, "合并")
        hidden = book.add_worksheet("旧名单")
        hidden.write_row(0, 0, folder.header)
        hidden.write_row(1, 0, [str(v) for v in rows[0]])
        hidden.hide()
        if rng.random() < 0.5:
            book.add_worksheet("空表")

    return _write(folder, f"fuzz{n}_merged.xlsx", xlsx_bytes(folder.header, rows, decorate))


DATES = ["99999-12-31", "10000-01-01", "0000-00-00", "2026-02-30", "1899-12-30", "-1", "2958466", "1e308", "NaN"]


def far_dates(rng, folder, n):
    rows = folder.rows(n * 10, 4)
    date_columns = [c for c in folder.header if "时间" in c or c == "党费缴至"]
    for row in rows:
        row[rng.choice(date_columns)] = rng.choice(DATES)

    if rng.random() < 0.5:
        return _write(folder, f"fuzz{n}_dates.csv", csv_bytes(folder.header, rows))

    def decorate(_book, sheet):  # numbers Excel shows as dates past 9999 and before 1900
        column = folder.header.index(date_columns[0])
        for index in range(len(rows)):
            sheet.write_number(index + 1, column, rng.choice([2958466, 9e9, -5, 1e308]))

    return _write(folder, f"fuzz{n}_dates.xlsx", xlsx_bytes(folder.header, [list(r.values()) for r in rows], decorate))


def numeric_ids(rng, folder, n):
    """IDs typed as numbers: Excel keeps 15 digits and shows 3.60922E+17."""
    rows = [list(r.values()) for r in folder.rows(n * 10, 4)]
    column = folder.header.index("身份证号码")

    def decorate(_book, sheet):
        for index, row in enumerate(rows):
            sheet.write_number(index + 1, column, float(row[column][:17]))

    return _write(folder, f"fuzz{n}_numeric_id.xlsx", xlsx_bytes(folder.header, rows, decorate))


def wide_and_ragged(rng, folder, n):
    header = folder.header + [f"列{i}" for i in range(rng.choice([1, 200, 5_000]))]
    rows = folder.rows(n * 10, 3)
    body = csv_bytes(header, rows)
    ragged = (
        body
        + "\n".join(
            ",".join("x" * rng.randrange(0, 5) for _ in range(rng.randrange(1, 50))) for _ in range(20)
        ).encode()
    )
    return _write(folder, f"fuzz{n}_ragged.csv", ragged)


def header_mischief(rng, folder, n):
    header = list(folder.header)
    mischief = rng.choice(["duplicate", "missing", "shuffled", "spaces", "title"])
    rows = folder.rows(n * 10, 4)
    if mischief == "duplicate":
        header.append(header[1])
    elif mischief == "missing":
        header.remove("身份证号码")
    elif mischief == "shuffled":
        rng.shuffle(header)
    elif mischief == "spaces":
        rows = [{f" {k} ": v for k, v in row.items()} for row in rows]
        header = [f" {h} " for h in header]
    body = csv_bytes(header, rows)
    if mischief == "title":
        body = "宜春市流动党员台账（2026年11月）\n".encode() + body
    return _write(folder, f"fuzz{n}_header_{mischief}.csv", body)


def html_name(rng, folder, n):
    name = rng.choice(["<img src=x onerror=alert({n})>", "<svg onload=alert({n})>", "\"'><b>{n}"]).format(n=n)
    return _write(folder, f"{name}.csv", csv_bytes(folder.header, folder.rows(n * 10, 2)))


def not_utf8_name(rng, folder, n):
    raw = rng.choice(["台账".encode("gbk"), b"\xff\xfe", "名單".encode("big5"), b"\x80\x81"]) + f"_{n}.csv".encode()
    with open(os.fsencode(folder.path) + b"/" + raw, "wb") as handle:
        handle.write(csv_bytes(folder.header, folder.rows(n * 10, 2)))
    return os.fsdecode(raw)


def fifo(rng, folder, n):
    name = f"fuzz{n}_fifo.csv"
    os.mkfifo(folder.path / name)
    return name


def symlink(rng, folder, n):
    name = f"fuzz{n}_link.{rng.choice(['csv', 'xlsx'])}"
    target = rng.choice(["/etc/passwd", "/dev/zero", "/proc/self/environ", str(folder.path / "..")])
    os.symlink(target, folder.path / name)
    return name


def stray_folder(rng, folder, n):
    name = f"fuzz{n}_folder"
    (folder.path / name).mkdir()
    (folder.path / name / "inside.csv").write_bytes(csv_bytes(folder.header, folder.rows(n * 10, 1)))
    return name


def lock_and_partial(rng, folder, n):
    name = rng.choice([f"~$fuzz{n}.xlsx", f"fuzz{n}.xlsx.tmp", f"fuzz{n}.csv.part", f".~lock.fuzz{n}.xlsx#"])
    return _write(folder, name, b"lock")


def wrong_suffix(rng, folder, n):
    content = csv_bytes(folder.header, folder.rows(n * 10, 2))
    return _write(folder, f"fuzz{n}.{rng.choice(['txt', 'docx', 'pdf', 'XLSX', 'Csv', 'et', 'ods', ''])}", content)


MAKERS: list[Maker] = [
    truncated_xlsx,
    truncated_csv,
    garbage,
    empty,
    zip_bomb,
    oversized,
    wrong_encoding,
    control_characters,
    formulas,
    long_cell,
    merged_and_hidden,
    far_dates,
    numeric_ids,
    wide_and_ragged,
    header_mischief,
    html_name,
    not_utf8_name,
    fifo,
    symlink,
    stray_folder,
    lock_and_partial,
    wrong_suffix,
]
RARE = {zip_bomb: 0.2, oversized: 0.2}  # each costs seconds of reading or hashing: a fifth of the others' share


def pick(rng: random.Random) -> Maker:
    return rng.choices(MAKERS, weights=[RARE.get(maker, 1.0) for maker in MAKERS])[0]


def good_file(folder: Folder, number: int, first: int, rows: int) -> tuple[str, int]:
    """A file the run must merge whole: ``rows`` members the hostile files never name."""
    people = folder.rows(first, rows)
    if number % 2:
        name = f"好台账{number}.xlsx"
        _write(folder, name, xlsx_bytes(folder.header, [list(p.values()) for p in people]))
    else:
        name = f"好台账{number}.csv"
        _write(folder, name, csv_bytes(folder.header, people))
    return name, rows
