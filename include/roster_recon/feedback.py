"""Workbooks for county offices: feedback on each file they sent, and the list of members to follow up.

Written with XlsxWriter with every cell as text: a value that starts with ``= + - @``, a tab or a carriage return
(``+86…`` phones are the everyday case) is stored as a string with Excel's quote prefix, so no spreadsheet runs it
as a formula (OWASP "CSV injection").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
import xlsxwriter

from roster_recon import warehouse
from roster_recon.discover import FEEDBACK_DIR, FOLLOW_UP_DIR

FLAG_NAMES_ZH = {
    "missing_outflow_time": "流出时间缺失",
    "missing_destination": "去向地址缺失",
    "missing_contact": "联系方式缺失或无效",
    "missing_industry": "从事行业缺失",
    "lost_contact": "失联",
    "duplicate_enrollment": "在多个支部重复登记",
}
STATUS_ZH = {
    "loaded": "已导入",
    "duplicate": "重复报送（内容已导入过）",
    "rejected": "整个文件未导入",
    "staged": "待合并",
}
RISKY_START = ("=", "+", "-", "@", "\t", "\r")


class _Sheet:
    """A worksheet that writes every value as text, quote-prefixing the ones a spreadsheet could run."""

    def __init__(self, workbook: xlsxwriter.Workbook, name: str, headers: list[str], widths: list[int]):
        self.sheet = workbook.add_worksheet(name)
        self.bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        self.safe = workbook.add_format({"quote_prefix": True})
        self.row = 0
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)
        self.write_row(headers, header=True)
        self.sheet.freeze_panes(1, 0)

    def write_row(self, values: list[object], header: bool = False) -> None:
        for column, value in enumerate(values):
            text = "" if value is None else str(value)
            if header:
                self.sheet.write_string(self.row, column, text, self.bold)
            elif text.startswith(RISKY_START):
                self.sheet.write_string(self.row, column, text, self.safe)
            else:
                self.sheet.write_string(self.row, column, text)
        self.row += 1


def _workbook(path: Path) -> xlsxwriter.Workbook:
    path.parent.mkdir(parents=True, exist_ok=True)
    return xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )


def file_problems(engine: sa.Engine, file_id: int) -> list[dict]:
    with engine.connect() as connection:
        return [
            dict(row)
            for row in connection.execute(
                sa.text(
                    "SELECT source_row, member_name, column_name, value_masked, severity, message_zh, message_en"
                    " FROM audit.file_problem WHERE file_id = :id ORDER BY source_row NULLS FIRST, severity"
                ),
                {"id": file_id},
            ).mappings()
        ]


def write_file_feedback(county_dir: Path, file: dict, problems: list[dict], as_of: dt.date) -> Path:
    """``_feedback/<file>（<type>）_反馈_<as-of>.xlsx``: the file's outcome, then one line per problem.

    The file type is part of the name: ``甲支部.xlsx`` and ``甲支部.csv`` of one run get a workbook each.
    """
    name = Path(file["file_name"])
    kind = name.suffix.lstrip(".").lower() or "无扩展名"
    path = county_dir / FEEDBACK_DIR / f"{name.stem}（{kind}）_反馈_{as_of.isoformat()}.xlsx"
    workbook = _workbook(path)
    summary = _Sheet(workbook, "结果 Result", ["项目 Item", "内容 Value"], [24, 90])
    summary.write_row(["文件 File", file["file_name"]])
    summary.write_row(["处理日期 As of", as_of.isoformat()])
    summary.write_row(["结果 Outcome", f"{STATUS_ZH.get(file['status'], file['status'])} ({file['status']})"])
    if file.get("error"):
        summary.write_row(["原因 Reason", file["error"]])
    errors = sum(1 for problem in problems if problem["severity"] == "error")
    summary.write_row(
        [
            "错误行数 Rows not loaded",
            str(len({p["source_row"] for p in problems if p["severity"] == "error"})),
        ]
    )
    summary.write_row(["问题条数 Problems", f"{errors} 错误 errors, {len(problems) - errors} 提醒 warnings"])
    summary.write_row(
        [
            "说明 Note",
            "“错误”行未导入，请改正后重新报送整个台账；“提醒”行已导入，请补全信息。"
            " Rows with errors were not loaded: fix them and send the whole roster again;"
            " rows with warnings were loaded: please complete them.",
        ]
    )
    detail = _Sheet(
        workbook,
        "问题清单 Problems",
        ["行号 Row", "姓名 Name", "列 Column", "填写的值 Value", "级别 Severity", "问题", "Problem"],
        [9, 12, 14, 24, 12, 48, 60],
    )
    for problem in problems:
        detail.write_row(
            [
                problem["source_row"],
                problem["member_name"],
                problem["column_name"],
                problem["value_masked"],
                "错误 error" if problem["severity"] == "error" else "提醒 warning",
                problem["message_zh"],
                problem["message_en"],
            ]
        )
    workbook.close()
    return path


def _flag_state(connection, county_code: str) -> dict:
    """The county's newest flag id and number of open flags: what a follow-up list records to tell flag changes."""
    return dict(
        connection.execute(
            sa.text(
                "SELECT coalesce(max(flag_id), 0) AS last_flag_id,"
                " count(*) FILTER (WHERE closed_on IS NULL) AS open_flags"
                " FROM core.member_flag WHERE county_code = :county_code"
            ),
            {"county_code": county_code},
        )
        .mappings()
        .one()
    )


def follow_up_is_current(connection, county_code: str, flags: dict | None = None) -> dict | None:
    """The county's latest follow-up list if nothing on it can have changed since it was written, else ``None``.

    Its rows come from the county's current roster entries and open flags. Roster entries change only when a file of
    the county is loaded by a merge; flags change only by being raised (a new, higher flag id) or closed (fewer open
    flags, unless one is raised too). So the list is current when no merge since it was written loaded a file of the
    county, and the county's newest flag id and open-flag count (``flags``, read here when not given) are what they
    were.
    """
    last = (
        connection.execute(
            sa.text(
                "SELECT path, members, written_at, last_flag_id, open_flags FROM audit.follow_up_list"
                " WHERE county_code = :county_code ORDER BY list_id DESC LIMIT 1"
            ),
            {"county_code": county_code},
        )
        .mappings()
        .first()
    )
    if last is None or not Path(last["path"]).is_file():
        return None
    loaded_since = connection.execute(
        sa.text(
            "SELECT EXISTS (SELECT 1 FROM audit.file f JOIN audit.run r USING (run_id)"
            "                WHERE f.county_code = :county_code AND f.status = 'loaded' AND r.merged_at > :written_at)"
        ),
        {"county_code": county_code, "written_at": last["written_at"]},
    ).scalar_one()
    flags = flags or _flag_state(connection, county_code)
    unchanged = flags["last_flag_id"] == last["last_flag_id"] and flags["open_flags"] == last["open_flags"]
    return dict(last) if unchanged and not loaded_since else None


def write_follow_up(engine: sa.Engine, county_dir: Path, county_code: str, as_of: dt.date, run_id: str) -> dict:
    """``_follow_up/随访名单_<county>_<as-of>.xlsx``: members with open flags, the longest out of touch first.

    Written only when the previous list is out of date (``follow_up_is_current``); returns the list's path, its
    member count and whether this call wrote it.
    """
    with engine.connect() as connection:
        flags = _flag_state(connection, county_code)
        current = follow_up_is_current(connection, county_code, flags)
        if current is not None:
            return {"path": current["path"], "members": current["members"], "written": False}
        rows = connection.exec_driver_sql(warehouse.sql("follow_up_members"), {"county_code": county_code})
        members = [dict(row) for row in rows.mappings()]
    path = county_dir / FOLLOW_UP_DIR / f"随访名单_{county_code}_{as_of.isoformat()}.xlsx"
    workbook = _workbook(path)
    sheet = _Sheet(
        workbook,
        "需跟进党员 Follow-up",
        [
            "支部",
            "姓名",
            "身份证号码（脱敏）",
            "联系电话",
            "问题",
            "提出日期",
            "流出时间",
            "流入地",
            "从事行业",
            "最后联系时间",
            "联系状态",
        ],
        [26, 10, 22, 18, 36, 12, 12, 30, 16, 14, 10],
    )
    for member in members:
        sheet.write_row(
            [
                member["branch"],
                member["name"],
                member["id_number_masked"],
                member["phone"],
                "、".join(FLAG_NAMES_ZH[flag] for flag in member["flags"]),
                member["raised_on"],
                member["outflow_date"],
                member["destination"],
                member["industry"],
                member["last_contact_date"],
                member["contact_status"],
            ]
        )
    workbook.close()
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit.follow_up_list (county_code, as_of, run_id, path, members, last_flag_id, open_flags)"
                " VALUES (:county_code, :as_of, :run_id, :path, :members, :last_flag_id, :open_flags)"
            ),
            {
                "county_code": county_code,
                "as_of": as_of,
                "run_id": run_id,
                "path": str(path),
                "members": len(members),
                **flags,
            },
        )
    return {"path": str(path), "members": len(members), "written": True}
