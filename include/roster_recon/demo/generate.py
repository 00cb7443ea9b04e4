"""Demo data: Yichun's mobile-member rosters as county offices send them, with a ground truth to check against.

``python -m roster_recon.demo.generate --drop-root DIR --month 1|2 --seed N --as-of YYYY-MM-DD``

Ten county folders, about 200 branches (township, village, community and non-public-enterprise branches), 11,300
members of whom 5,226 are in the Greater Bay Area. Files come in the mix counties send: xlsx with a title row, old
xls, GBK and UTF-8-BOM CSV, header variants, county-wide files with a branch column; plus a lock file, a partial
download and a file that is not a roster; the GBA committees' rosters, the 码上报 exports and the dues payments.
Defects at stated rates (``DEFECT_RATES``). Month two moves members between cities, sends some home, adds newcomers
and fixes about half of month one's problems.

``ground_truth.json`` beside the drop folders holds, per roster entry, the member key (HMAC with the demo secret, never
the ID), the flags the pipeline must raise, and per file the rows it must reject.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
from pathlib import Path

import xlsxwriter

from roster_recon.demo import dues, gba, self_reports
from roster_recon.demo.people import COUNTIES, DEFECT_RATES, HEADER_VARIANTS, Generator, Member
from roster_recon.demo.truth import HOME_SIDE_FLAGS, LEDGER_REJECTED, Evidence, ground_truth, ledger_city
from roster_recon.settings import DEMO_PII_SECRET


def _date_text(rng: random.Random, value: dt.date | None) -> object:
    if value is None:
        return None
    style = rng.random()
    if style < 0.35:
        return value.isoformat()
    if style < 0.55:
        return f"{value.year}/{value.month}/{value.day}"
    if style < 0.65:
        return f"{value.year}.{value.month}.{value.day}"
    if style < 0.8:
        return f"{value.year}年{value.month}月{value.day}日"
    if style < 0.9:
        return f"{value:%Y%m%d}"
    return value  # a real date cell in Excel, ISO text in CSV


def roster_rows(gen: Generator, entries: list[tuple[Member, str, str]], with_branch: bool) -> list[dict]:
    rows = []
    for member, _county, branch in entries:
        id_text: object = member.id_number
        if "bad_check_char" in member.defects:
            wrong = next(c for c in "0123456789X" if c != member.id_number[17])
            id_text = member.id_number[:17] + wrong
        elif "excel_damaged_id" in member.defects:
            id_text = float(member.id_number[:17] + "0")
        else:
            style = gen.random.random()
            if style < 0.03:
                id_text = f"{member.id_number[:6]} {member.id_number[6:14]} {member.id_number[14:]}"
            elif style < 0.05:
                id_text = member.id_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            elif member.id_number.endswith("X") and style < 0.3:
                id_text = member.id_number[:17] + "x"
        row = {
            "name": None if "missing_name" in member.defects else member.name,
            "gender": member.gender,
            "id_number": id_text,
            "outflow_date": _date_text(gen.random, member.outflow_date),
            "destination": member.destination,
            "phone": member.phone,
            "industry": member.industry,
            "last_contact_date": _date_text(gen.random, member.last_contact),
            "contact_status": member.status,
            "notes": None,
        }
        if with_branch:
            row["branch"] = branch
        rows.append(row)
        if "repeated_row" in member.defects:
            rows.append(dict(row))
    return rows


def write_roster(path: Path, rows: list[dict], headers: dict[str, str], kind: str, title: str | None) -> None:
    columns = list(headers)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind in ("xlsx", "xlsx_title"):
        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet("台账")
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        start = 0
        if kind == "xlsx_title" and title:
            sheet.merge_range(0, 0, 0, len(columns) - 1, title, workbook.add_format({"bold": True, "align": "center"}))
            sheet.write_string(1, 0, "填报单位（盖章）：")
            start = 2
        for column, name in enumerate(columns):
            sheet.write_string(start, column, headers[name])
        for offset, row in enumerate(rows, start=start + 1):
            for column, name in enumerate(columns):
                value = row.get(name)
                if value is None:
                    continue
                if isinstance(value, float):
                    sheet.write_number(offset, column, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(offset, column, dt.datetime.combine(value, dt.time()), date_format)
                else:
                    sheet.write_string(offset, column, str(value))
        workbook.close()
    elif kind == "xls":
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("Sheet1")
        for column, name in enumerate(columns):
            sheet.write(0, column, headers[name])
        for offset, row in enumerate(rows, start=1):
            for column, name in enumerate(columns):
                value = row.get(name)
                if isinstance(value, dt.date):
                    value = value.isoformat()
                if value is not None:
                    sheet.write(offset, column, value)
        book.save(str(path))
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([headers[name] for name in columns])
        for row in rows:
            values = []
            for name in columns:
                value = row.get(name)
                if isinstance(value, float):
                    value = f"{value:.5E}".replace("E+", "E+")
                elif isinstance(value, dt.date):
                    value = value.isoformat()
                values.append("" if value is None else value)
            writer.writerow(values)
        encoding = "utf-8-sig" if kind == "csv_utf8_bom" else "gb18030"
        path.write_bytes(buffer.getvalue().encode(encoding))


def write_window_exports(
    folder: Path,
    dated_rows: list[tuple[dt.date, dict]],
    headers: dict[str, str],
    window: tuple,
    spoiled: dict,
    csv_kind: str,
    prefix: str,
) -> dict[str, dict]:
    """A source's exports of one window: ``window`` is (first day, [(first, last) day offsets of each export]); the
    first export an xlsx, the next ``csv_kind`` CSV, the last one holding its last row once more with ``spoiled``
    (a row to reject). Rows are (day, cells), in time order. Returns the files' ground truth."""
    start, exports = window
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for number, (first, last) in enumerate(exports):
        begin, end = start + dt.timedelta(days=first), start + dt.timedelta(days=last)
        rows = [cells for day, cells in dated_rows if begin <= day < end]
        rejected = 0
        if number == len(exports) - 1 and rows:
            rows.append({**rows[-1], **spoiled})
            rejected = 1
        kind, extension = ("xlsx", "xlsx") if number == 0 else (csv_kind, "csv")
        path = folder / f"{prefix}_{begin:%Y%m%d}-{end - dt.timedelta(days=1):%Y%m%d}.{extension}"
        write_roster(path, rows, headers, kind, None)
        files[f"{folder.name}/{path.name}"] = {
            "county_code": folder.name,
            "rows": len(rows),
            "rejected_rows": rejected,
        }
    return files


def write_month(drop_root: Path, members: list[Member], gen: Generator, silent: set[tuple[str, str]]):
    """Write one month's files; returns the ground truth for the entries and files it wrote."""
    entries: dict[tuple[str, str], list[tuple[Member, str, str]]] = {}
    for member in members:
        entries.setdefault((member.county, member.branch), []).append((member, member.county, member.branch))
        if member.second_branch:
            county, branch = member.second_branch
            entries.setdefault((county, branch), []).append((member, county, branch))
    files_truth = {}
    county_wide = {"360983", "360925"}  # these counties send one county-wide file with a branch column
    suffix_styles = ["_{y}-{m:02d}", "_{y}{m:02d}", "（{y}年{m}月）", ""]
    year, mon = gen.as_of.year, gen.as_of.month
    for county, (county_name, _, _) in COUNTIES.items():
        folder = drop_root / f"{county}-{county_name}"
        folder.mkdir(parents=True, exist_ok=True)
        keys = sorted(k for k in entries if k[0] == county and k not in silent)
        groups = [keys] if county in county_wide else [[k] for k in keys]
        for group in groups:
            with_branch = county in county_wide
            kind = gen.random.choice(["xlsx_title", "xlsx_title", "xlsx", "csv_gbk", "csv_utf8_bom", "xls"])
            if with_branch:
                kind = "xlsx_title"
                stem = f"{county_name}流动党员台账_{year}{mon:02d}"
            else:
                stem = group[0][1] + gen.random.choice(suffix_styles).format(y=year, m=mon)
            extension = {"xlsx_title": "xlsx", "xlsx": "xlsx", "xls": "xls"}.get(kind, "csv")
            group_entries = [entry for key in group for entry in entries[key]]
            rows = roster_rows(gen, group_entries, with_branch)
            if kind == "xls":
                for row in rows:  # xlwt cannot write a float ID faithfully; old xls files carry text
                    if isinstance(row["id_number"], float):
                        row["id_number"] = f"{row['id_number']:.5E}"
            columns = (
                ["name", "gender", "id_number"]
                + (["branch"] if with_branch else [])
                + [
                    "outflow_date",
                    "destination",
                    "phone",
                    "industry",
                    "last_contact_date",
                    "contact_status",
                    "notes",
                ]
            )
            headers = {name: gen.random.choice(HEADER_VARIANTS[name]) for name in columns}
            path = folder / f"{stem}.{extension}"
            write_roster(path, rows, headers, kind, f"{county_name}流动党员信息台账（{year}年{mon}月）")
            rejected = sum(
                1 for m, _, _ in group_entries if {"bad_check_char", "excel_damaged_id", "missing_name"} & m.defects
            )
            rejected += sum(1 for m, _, _ in group_entries if "repeated_row" in m.defects)
            files_truth[f"{county}/{path.name}"] = {"county_code": county, "rows": len(rows), "rejected_rows": rejected}
        if county == "360922":
            (folder / "~$台账.xlsx").write_bytes(b"lock")
            (folder / "上报材料.xlsx.crdownload").write_bytes(b"partial")
            write_roster(
                folder / "工作总结.csv",
                [{"a": "今年流动党员工作总结", "b": "略"}],
                {"a": "标题", "b": "内容"},
                "csv_utf8_bom",
                None,
            )
            files_truth[f"{county}/工作总结.csv"] = {
                "county_code": county,
                "rows": 0,
                "rejected_rows": 0,
                "whole_file": True,
            }
    return entries, files_truth


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drop-root", type=Path, required=True)
    parser.add_argument("--month", type=int, choices=(1, 2), default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 11,300 members")
    parser.add_argument("--month-one-as-of", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    summary = generate(args.drop_root, args.month, args.seed, args.as_of, args.scale, args.month_one_as_of)
    print(
        f"month {args.month}: {summary['members']} members, {summary['files']} files in {args.drop_root} "
        f"(ground truth: {summary['truth']})"
    )


def generate(
    drop_root: Path,
    month: int,
    seed: int,
    as_of: dt.date,
    scale: float = 1.0,
    month_one_as_of: dt.date | None = None,
    month_two: dict | None = None,
    secret: bytes = DEMO_PII_SECRET,
) -> dict:
    """Write month one (or month two, which regenerates month one first from the same seed) into ``drop_root``.

    ``month_two`` overrides the rates of ``MONTH_TWO`` (the benchmark's 5 % delta uses it). ``secret`` is the
    member-key secret the ground truth's keys are made with: the demo's, or the native stack's own.
    """
    first_as_of = month_one_as_of or (as_of if month == 1 else _month_before(as_of))
    gen = Generator(seed, first_as_of, scale, month_two)
    members = gen.members()
    on_no_ledger = gba.extras(seed, scale, first_as_of, gen.used_ids)
    silent: set[tuple[str, str]] = set()
    if month == 2:
        gen.as_of = as_of
        before = _roster_keys(members)
        members = gen.next_month(members)
        branches = sorted({(m.county, m.branch) for m in members})
        silent = {b for b in branches if gen.random.random() < gen.month_two["branch_silent"]}
        # A branch whose members have all gone home sends nothing (an empty roster is not a roster).
        silent |= before - _roster_keys(members)
    entries, files_truth = write_month(drop_root, members, gen, silent)
    if month == 2:
        # Silent branches keep last month's rows in the warehouse: their truth comes from month one's entries.
        previous = Generator(seed, first_as_of, scale).members()
        previous_entries: dict = {}
        for member in previous:
            previous_entries.setdefault((member.county, member.branch), []).append(
                (member, member.county, member.branch)
            )
            if member.second_branch:
                county, branch = member.second_branch
                previous_entries.setdefault((county, branch), []).append((member, county, branch))
        for key in silent:
            entries[key] = previous_entries.get(key, [])
    evidence = Evidence()
    gba_rows = gba.rows_for(members, seed, month) + gba.extra_rows(on_no_ledger, seed, month)
    files_truth.update(gba.write_month(drop_root, gba_rows, seed, as_of, evidence.days))
    reports = self_reports.reports_for(members + on_no_ledger, seed, as_of)
    files_truth.update(self_reports.write_exports(drop_root, reports, as_of))
    payments = dues.payments_for(members + on_no_ledger, seed, as_of)
    files_truth.update(dues.write_exports(drop_root, payments, as_of))
    evidence.add_ledger(entries)
    evidence.add_reports(reports)
    evidence.add_days(dues.evidence_days(payments))
    destination_since = lambda _key, _member: first_as_of  # noqa: E731 (month one: every entry is new)
    if month == 2:  # month one's evidence is still held; entries whose city changed state it since month two
        evidence.add_ledger(previous_entries)
        month_one_days: dict[str, list[dt.date]] = {}
        month_one_rows = gba.rows_for(previous, seed, 1) + gba.extra_rows(on_no_ledger, seed, 1)
        gba.write_month(None, month_one_rows, seed, first_as_of, month_one_days)
        evidence.add_days(month_one_days)
        evidence.add_reports(self_reports.reports_for(previous + on_no_ledger, seed, first_as_of))
        evidence.add_days(dues.evidence_days(dues.payments_for(previous + on_no_ledger, seed, first_as_of)))
        stated = {
            (member.id_number, county, branch): ledger_city(member)
            for rows in previous_entries.values()
            for member, county, branch in rows
            if not LEDGER_REJECTED & member.defects
        }

        def destination_since(key, member):
            return first_as_of if key in stated and stated[key] == ledger_city(member) else as_of

    heard = set(gba.BRANCHES) - ({gba.SILENT_IN_MONTH_ONE} if month == 1 else set())
    reconciled_by = gba.ledger_state(entries, LEDGER_REJECTED)
    categories = gba.categories(reconciled_by, gba_rows, heard)
    home_flags = {
        (number, entry.county, entry.branch): HOME_SIDE_FLAGS[categories[number]]
        for number, entry in reconciled_by.items()
        if categories.get(number) in HOME_SIDE_FLAGS
    }
    truth = {
        "as_of": as_of.isoformat(),
        "month": month,
        "entries": ground_truth(entries, as_of, secret, evidence, home_flags, destination_since),
        "gba": gba.truth(categories, secret),
        "files": files_truth,
        "rates": DEFECT_RATES,
    }
    truth_path = drop_root.parent / f"ground_truth_month{month}.json"
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"members": len(members), "files": len(files_truth), "truth": str(truth_path)}


def _roster_keys(members: list[Member]) -> set[tuple[str, str]]:
    keys = {(m.county, m.branch) for m in members}
    return keys | {m.second_branch for m in members if m.second_branch}


def _month_before(day: dt.date) -> dt.date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return dt.date(year, month, min(day.day, 28))


if __name__ == "__main__":
    main()
