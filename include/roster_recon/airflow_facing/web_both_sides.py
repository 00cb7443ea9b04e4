"""The Rosters pages' two-sided parts: a page per GBA committee listing its leads, oldest first, and the county
page's members with two-sided problems. Read from the ``reporting`` views (masked), like every Rosters page."""

from __future__ import annotations

import html

import sqlalchemy as sa

from roster_recon import reference, sql_files
from roster_recon.delivery import pages

sql = sql_files.loader(__file__)
SHOWN = 1000
CATEGORY_NAMES = {
    "city_differs": "编入党委与台账去向不一致 city_differs",
    "not_placed": "未编入 not_placed",
    "awaiting_roster": "党委尚未报送 awaiting_roster",
    "not_on_ledger": "不在台账上 not_on_ledger",
    "placed_twice": "重复编入 placed_twice",
    "probable_match": "身份证号疑似录错 probable_match",
}


def committee_body(connection, committee_code: str) -> str | None:
    """A committee's page body, read on ``connection`` (as the person's role): its figures and its leads (``None``
    for a code that names no committee)."""
    from roster_recon.delivery import report

    name = reference.committees().get(committee_code)
    if name is None:
        return None
    figures = (
        connection.execute(
            sa.text("SELECT * FROM reporting.gba_committee_summary WHERE committee_code = :c"),
            {"c": committee_code},
        )
        .mappings()
        .one()
    )
    leads = report.query_frame(connection, sql("committee_leads"), c=committee_code, limit=SHOWN + 1)
    leads["category"] = [CATEGORY_NAMES.get(c, c) for c in leads["category"]]
    sent = (
        f"last roster loaded {figures['last_roster_at']:%Y-%m-%d}"
        if figures["last_roster_at"]
        else "no roster yet / 尚未报送"
    )
    return "".join(
        [
            f"<h1>{committee_code} {html.escape(name)}</h1>",
            f"<p>{figures['placed']} placed in {figures['branches']} branches; {figures['expected']} expected by the"
            f" ledgers, {figures['matched']} matched ({figures['matched_pct'] or '-'}%); {sent}.</p>",
            "<h2>Leads, oldest first / 待核对（按时间先后）</h2>",
            pages.first_rows_table(leads, LEAD_HEADERS, SHOWN),
        ]
    )


LEAD_HEADERS = {
    "since": "Since / 起始",
    "category": "Category / 类别",
    "name": "Name / 姓名",
    "id_number_masked": "ID / 身份证号",
    "home_county_code": "Home county / 原籍",
    "home_branch": "Home branch / 原党组织",
    "gba_placements": "GBA branch / 大湾区支部",
    "expected_committee": "Expected / 应编入",
    "detail": "Differences or positions / 差异或核对位数",
    "phone_masked": "Phone / 电话",
    "last_contact_date": "Last contact / 最近联系",
    "last_contact_source": "Source / 来源",
}


def county_section(connection, county_code: str) -> str:
    """The county page's section: its members on one side only, or placed where the ledger does not say."""
    from roster_recon.delivery import report

    members = report.query_frame(connection, sql("county_two_sided"), c=county_code, limit=SHOWN + 1)
    members["category"] = [CATEGORY_NAMES.get(c, c) for c in members["category"]]
    headers = {
        "since": "Since / 起始",
        "category": "Category / 类别",
        "name": "Name / 姓名",
        "id_number_masked": "ID / 身份证号",
        "home_branch": "Branch / 支部",
        "ledger_city": "Ledger city / 台账去向",
        "expected_committee": "Expected / 应编入",
        "gba_placements": "GBA branch / 大湾区支部",
        "differences": "Differences / 差异",
        "phone_masked": "Phone / 电话",
    }
    return "<h2>Both sides / 双向核对</h2>" + pages.first_rows_table(members, headers, SHOWN)


def committee_links(page: str, prefix: str) -> str:
    """Make each committee's line in a run report's tree a link to its page."""
    for code, name in reference.committees().items():
        label = f"{code} {name}"
        page = page.replace(
            f"<td>{label}</td>", f"<td><a href='{prefix}/committees/{code}/'>{html.escape(label)}</a></td>"
        )
    return page
