"""A county's page on the Rosters pages: its files, branches, open flags, follow-up list, members to follow up,
both sides and silence, read under the reader's own role (row security decides what it shows)."""

from __future__ import annotations

import html
from pathlib import Path

import sqlalchemy as sa

from roster_recon import sql_files
from roster_recon.airflow_facing import web_both_sides, web_frame
from roster_recon.airflow_facing.page_access import may_read, reading_as
from roster_recon.delivery import pages
from roster_recon.warehouse import page_readers

COUNTY_MEMBERS_SHOWN = 1000
_sql = sql_files.loader(__file__)


def county_page(engine: sa.Engine, role: str, county_code: str, stale_days: int) -> str | None:
    """A county's page read as ``role``; ``None`` for a county the role may not read (or that does not exist)."""
    from roster_recon.delivery import report
    from roster_recon.delivery.feedback import FLAG_NAMES_ZH

    with reading_as(engine, role) as connection:
        if not may_read(connection, "county", county_code):
            return None
        county = (
            connection.execute(
                sa.text("SELECT * FROM reporting.county_summary WHERE county_code = :c"), {"c": county_code}
            )
            .mappings()
            .first()
        )
        if county is None:
            return None
        files = report.query_frame(connection, _sql("county_files"), c=county_code)
        branches = report.query_frame(connection, _sql("county_branches"), c=county_code)
        flags = report.query_frame(connection, _sql("county_open_flags"), c=county_code)
        follow_up = connection.execute(sa.text(_sql("county_follow_up_list")), {"c": county_code}).mappings().first()
        members = report.query_frame(
            connection, _sql("county_members"), county_code=county_code, limit=COUNTY_MEMBERS_SHOWN + 1
        )
        two_sided = web_both_sides.county_section(connection, county_code)
        sending = connection.execute(sa.text(_sql("county_sending")), {"c": county_code}).mappings().first()
    silent = _silent(sending, stale_days)
    flags["flag"] = [f"{FLAG_NAMES_ZH.get(flag, flag)} {flag}" for flag in flags["flag"]]
    members["flag"] = [f"{FLAG_NAMES_ZH.get(flag, flag)} {flag}" for flag in members["flag"]]
    pct = county["completeness_pct"]
    body = [
        f"<h1>{county_code} {html.escape(county['county_name'])}</h1>",
        _sending(silent, county["last_file_loaded_at"], stale_days),
        f"<p>{county['members']} members in {county['branches']} branches; four clears complete for "
        f"{county['members_complete']} ({'-' if pct is None else pct}%); {county['lost_contact']} lost contact;"
        f" {county['duplicate_enrollment']} enrolled twice.</p>",
        "<h2>Follow-up list / 随访名单</h2>",
        f"<p>{follow_up['members']} members, as of {follow_up['as_of']}: "
        f"<code>{html.escape(Path(follow_up['path']).name)}</code> in the county's <code>_follow_up</code> folder</p>"
        if follow_up
        else "<p class='none'>none yet / 尚无</p>",
        "<h2>Open flags / 待处理问题</h2>",
        pages.html_table(flags, {"flag": "Flag", "open_flags": "Open"})
        if not flags.empty
        else "<p class='none'>none / 无</p>",
        "<h2>Members to follow up / 需跟进党员</h2>",
        _members_table(members),
        two_sided,
        "<h2>Branches / 支部</h2>",
        pages.html_table(
            branches,
            {"branch": "Branch / 支部", "members": "Members", "complete": "Complete", "lost_contact": "Lost contact"},
        )
        if not branches.empty
        else "<p class='none'>none / 无</p>",
        "<h2>Files received / 收到的文件</h2>",
        pages.html_table(
            files,
            {
                "as_of": "As of",
                "file_name": "File",
                "status": "Outcome",
                "rows_read": "Rows read",
                "rows_loaded": "Loaded",
                "rows_rejected": "Rejected",
                "error": "Reason",
            },
        )
        if not files.empty
        else "<p class='none'>none / 无</p>",
    ]
    return web_frame.page(
        f"{county_code} {county['county_name']}", "".join(body), "" if role == page_readers.READER_ROLE else None
    )


def _silent(sending, stale_days: int):
    """The county's silence (``stale.StaleCounty``) as of the latest run, or ``None`` when it sends on time."""
    from roster_recon.warehouse.stale import StaleCounty

    if sending is None or sending["silent_since"] is None or sending["latest_run_as_of"] is None:
        return None
    days = (sending["latest_run_as_of"] - sending["silent_since"]).days
    if days < stale_days:
        return None
    return StaleCounty(
        sending["county_code"], sending["county_name"], sending["silent_since"], days, sending["last_as_of"] is None
    )


def _sending(silent, last_loaded, stale_days: int) -> str:
    """Whether the county sends on time: silent too long, never sent anything, or a file within the window."""
    if silent is not None:
        return f"<p class='stale'>{html.escape(silent.describe())} — silent for {stale_days}+ days / 长期未报送</p>"
    if last_loaded is None:
        return "<p class='stale'>No roster loaded yet / 尚未导入任何台账</p>"
    return f"<p class='muted'>Sent a file within the last {stale_days} days / 按时报送</p>"


def _members_table(members) -> str:
    """The members behind the open flags (masked), longest out of touch first; the first thousand."""
    headers = {
        "flag": "Flag / 问题",
        "name": "Name / 姓名",
        "id_number_masked": "ID / 身份证号",
        "branch": "Branch / 支部",
        "phone_masked": "Phone / 电话",
        "last_contact_date": "Last contact / 最近联系",
        "last_contact_source": "Source / 来源",
        "raised_on": "Since / 起始",
        "detail": "Detail / 说明",
    }
    return pages.first_rows_table(members, headers, COUNTY_MEMBERS_SHOWN)
