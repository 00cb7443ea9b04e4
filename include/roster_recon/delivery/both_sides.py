"""What people get from the reconciliation of both sides: the county's sheet ``大湾区核对``, each GBA committee's
``_follow_up/核对清单_<code>_<date>.xlsx``, and the run report's "Both sides / 双向核对" section (the 1+7+N tree).

A committee's list holds its leads (the contract's categories table says whose lead each category is) with the full
phone from whichever side holds one: the committee must call. It is rewritten only when its content changes (the
same SHA-256 of the rows as the county lists, recorded in ``audit.follow_up_list`` under the committee's code), and
not even read when no roster of either side was loaded since it was written.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from roster_recon import reference, sql_files
from roster_recon.delivery.feedback import (
    FollowUpList,
    Sheet,
    current_follow_up,
    flag_state,
    keep_list,
    sheet_digest,
)

sql = sql_files.loader(__file__)

CATEGORY_ZH = {
    "matched": "已对应",
    "city_differs": "编入党委与台账去向不一致（请更新去向）",
    "not_placed": "未编入大湾区党组织",
    "awaiting_roster": "应编入的党委尚未报送名册",
    "not_on_ledger": "不在任何县（市、区）台账上",
    "placed_twice": "编入两个以上支部",
    "probable_match": "身份证号码疑似录错（可能是已登记党员）",
}
COUNTY_HEADERS = [
    "类别",
    "支部",
    "姓名",
    "身份证号码（脱敏）",
    "联系电话",
    "台账去向城市",
    "应编入党委",
    "大湾区支部",
    "差异",
    "起始日期",
]
COUNTY_WIDTHS = [30, 26, 10, 22, 18, 14, 12, 40, 20, 12]
COMMITTEE_HEADERS = [
    "类别",
    "姓名",
    "身份证号码（脱敏）",
    "原籍县（市、区）",
    "原党支部",
    "联系电话",
    "大湾区支部",
    "应编入党委",
    "差异 / 请核对的位数",
    "起始日期",
]
COMMITTEE_WIDTHS = [34, 10, 22, 14, 26, 18, 40, 12, 20, 12]


def county_sheet(connection: sa.Connection, county_code: str) -> Sheet:
    """The county's members in ``not_placed``, ``city_differs`` and ``not_on_ledger``."""
    rows = connection.execute(sa.text(sql("both_sides_county_rows")), {"code": county_code}).all()
    return Sheet("大湾区核对", COUNTY_HEADERS, COUNTY_WIDTHS, [_shown(row) for row in rows])


def committee_sheet(connection: sa.Connection, committee_code: str) -> Sheet:
    rows = connection.execute(sa.text(sql("both_sides_committee_rows")), {"code": committee_code}).all()
    names = reference.counties()
    shown = [_shown(row) for row in rows]
    for row in shown:
        row[3] = names[row[3]].name if row[3] in names else row[3]
    return Sheet("核对清单 Leads", COMMITTEE_HEADERS, COMMITTEE_WIDTHS, shown)


def _shown(row) -> list[object]:
    values = list(row)
    values[0] = CATEGORY_ZH[values[0]]
    values[-1] = values[-1].isoformat()
    return values


def write_committee_follow_up(
    engine: sa.Engine, committee_dir: Path, committee_code: str, as_of: dt.date, run_id: str
) -> dict:
    """The committee's ``核对清单_<code>_<as-of>.xlsx``, kept as a county's list is (``feedback.keep_list``): not read
    when no roster was loaded since the latest (a committee has no flags of its own), not written when unchanged.
    Returns its path, lead count and whether this call wrote it."""
    with engine.connect() as connection:
        flags = flag_state(connection, committee_code)
        current = current_follow_up(connection, committee_code, flags)
        if current is not None:
            return {"path": current["path"], "members": current["members"], "written": False}
        sheet = committee_sheet(connection, committee_code)
    listed = FollowUpList(
        committee_code, f"核对清单_{committee_code}_{as_of}.xlsx", len(sheet.rows), sheet_digest(sheet), flags
    )
    return keep_list(engine, committee_dir, listed, [sheet], as_of, run_id)


# --- the run report's section and the task log's lines ----------------------------------------------------------

TREE_COLUMNS = (
    "placed",
    "expected",
    "matched",
    "city_differs",
    "not_placed",
    "awaiting_roster",
    "not_on_ledger",
    "placed_twice",
    "probable_match",
)


def read_tree(connection: sa.Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The committees' figures (``reporting.gba_committee_summary``, with the whole organisation's as a first row
    coded ``1+7+N``, every member once) and the GBA branches' (``reporting.gba_branch_summary``)."""
    totals = _frame(connection, sql("both_sides_totals")).assign(committee_code="1+7+N", committee_name="全部 all")
    committees = _frame(connection, sql("both_sides_committees"))
    branches = _frame(connection, "SELECT * FROM reporting.gba_branch_summary ORDER BY committee_code, branch")
    return pd.concat([totals, committees], ignore_index=True), branches


def _frame(connection, query: str) -> pd.DataFrame:
    result = connection.execute(sa.text(query))
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def tree_html(committees: pd.DataFrame, branches: pd.DataFrame) -> str:
    """1+7+N, placed against expected at every level: the municipal committee over all (1), each committee (7 and
    the municipal committee's own cities), each GBA branch (N: placed, matched with a ledger, with leads). A
    committee's branches fold away (``<details>``: no script)."""
    if len(committees) < 2:
        return "<p class='muted'>no GBA committee yet / 尚无大湾区党委</p>"
    head = (
        "<tr><th>党委 / 支部 Committee / branch</th>"
        + "".join(f"<th>{c.replace('_', ' ')}</th>" for c in TREE_COLUMNS)
        + "</tr>"
    )

    def line(label: str, values: dict, level: int) -> str:
        cells = "".join(f"<td>{'' if values.get(c) is None else int(values[c])}</td>" for c in TREE_COLUMNS)
        return f"<tr class='level{level}'><td>{html.escape(label)}</td>{cells}</tr>"

    total = committees.iloc[0].to_dict()
    parts = [f"<table class='tree sides'><thead>{head}</thead><tbody>", line("1+7+N", total, 0), "</tbody></table>"]
    for row in committees.iloc[1:].itertuples():
        mine = branches[branches["committee_code"] == row.committee_code]
        rows = [
            line(branch.branch, {"placed": branch.placed, "matched": branch.matched}, 2) for branch in mine.itertuples()
        ]
        label = f"{row.committee_code} {row.committee_name}"
        summary = line(label, row._asdict(), 1)
        parts.append(
            f"<details><summary><table class='tree sides'><tbody>{summary}</tbody></table></summary>"
            f"<table class='tree sides'><tbody>{''.join(rows) or '<tr><td>no roster yet / 尚未报送</td></tr>'}"
            "</tbody></table></details>"
        )
    return "".join(parts)


def summary_lines(committees: pd.DataFrame) -> list[str]:
    """The task log's lines: per committee, placed against expected and its leads."""
    lines = []
    for row in committees.itertuples():
        leads = ", ".join(f"{c} {getattr(row, c)}" for c in TREE_COLUMNS[3:] if getattr(row, c))
        sent = "  (no roster yet / 尚未报送)" if row.committee_code != "1+7+N" and pd.isna(row.last_roster_at) else ""
        lines.append(
            f"  {row.committee_code}: placed {row.placed}, expected {row.expected}, matched {row.matched}"
            f"{'; ' + leads if leads else ''}{sent}"
        )
    return lines
