"""The run report: every section, numbers equal to the warehouse's views, no raw ID or full phone on the page."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import sqlalchemy as sa
from helpers import id_number, person, run_all, write_roster

from roster_recon.delivery import report
from roster_recon.intake.validate import RosterValidator


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.cells, self.links, self._in = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self._in = tag
        if tag in ("script", "link"):
            self.links.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and value.startswith("http"):
                self.links.append(value)

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "h2":
            self.headings.append(data)
        if self._in == "td":
            self.cells.append(data)


def test_report_page_matches_the_views_and_hides_personal_data(make_settings, engine, tmp_path):
    settings = make_settings(dt.date(2026, 11, 26))
    write_roster(settings.drop_root, "360922", "甲支部.csv", [person(1), person(2, 联系状态="失联", 流入地="香港九龙")])
    write_roster(settings.drop_root, "360926", "乙支部.csv", [person(3, 从事行业="")])
    run_all(settings, RosterValidator())
    run_id = settings.run_id
    path, summary, _ = report.write_report(engine, run_id, tmp_path / "reports", None)
    page = path.read_text(encoding="utf-8")
    parsed = _Text()
    parsed.feed(page)
    assert [h.split(".")[0] for h in parsed.headings] == ["1", "2", "3", "4", "5", "6", "7"]
    assert parsed.links == []  # self-contained: no scripts, no stylesheets, no remote resources
    with engine.connect() as connection:
        county = connection.execute(
            sa.text("SELECT * FROM reporting.county_summary WHERE county_code = '360922'")
        ).one()
        gba = connection.execute(sa.text("SELECT * FROM reporting.destination_summary WHERE in_gba")).all()
    expected = [
        county.county_code,
        county.county_name,
        str(county.branches),
        str(county.members),
        str(county.members_complete),
        str(county.completeness_pct),
    ]
    cells = parsed.cells
    assert any(cells[i : i + len(expected)] == expected for i in range(len(cells))), expected
    assert {g.destination_city for g in gba} <= set(parsed.cells)
    # The evidence section: the ledgers' dates held, this run's, and for how many members each is the latest.
    with engine.connect() as connection:
        held = connection.execute(sa.text("SELECT count(*) FROM core.contact_event WHERE source = 'ledger'")).scalar()
    at = cells.index("ledger 台账")
    assert cells[at : at + 4] == ["ledger 台账", str(held), str(held), "3"] and held == 3
    for serial in (1, 2, 3):
        assert id_number(serial) not in page
        assert f"138{serial:08d}" not in page
    assert not re.search(r"1[3-9]\d{9}", page)
    assert "360922" in summary and "lost_contact 1" in summary


def test_the_report_template_prints_every_value_as_text(make_settings, engine, tmp_path):
    settings = make_settings(dt.date(2026, 11, 26))
    write_roster(settings.drop_root, "360922", "甲支部.csv", [person(1, 所在党支部="<b onmouseover=alert(1)>甲</b>")])
    run_all(settings, RosterValidator())
    failure = "ingest 360922 failed: <script>alert('x')</script>"
    path, _, _ = report.write_report(engine, settings.run_id, tmp_path / "reports", None, [failure])
    page = path.read_text(encoding="utf-8")
    parsed = _Text()
    parsed.feed(page)
    assert parsed.links == [] and "<script>" not in page and "<b onmouseover" not in page
    assert "FAILED: ingest 360922 failed: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_the_gba_section_is_the_1_7_n_tree_with_members_and_completeness_at_each_level(make_settings, engine, tmp_path):
    settings = make_settings(dt.date(2026, 11, 26))
    write_roster(settings.drop_root, "360922", "甲支部.csv", [person(1), person(2, 流入地="香港九龙")])
    write_roster(settings.drop_root, "360926", "乙支部.csv", [person(3, 从事行业=""), person(4, 流入地="广州市天河区")])
    run_all(settings, RosterValidator())
    path, _, _ = report.write_report(engine, settings.run_id, tmp_path / "reports", None)
    parsed = _Text()
    parsed.feed(path.read_text(encoding="utf-8"))
    cells = parsed.cells

    def row(label: str) -> list[str]:
        at = cells.index(label)
        return cells[at : at + 4]

    municipal = "宜春市驻粤港澳大湾区流动党员党委"
    assert row(municipal + "（1）") == [municipal + "（1）", "4", "3", "75.0"]  # all four are in the GBA
    assert row("宜春市驻深圳流动党员党委")[1:] == ["2", "1", "50.0"]  # 党员1 complete, 党员3 no industry
    assert row("宜春市驻广州流动党员党委")[1:] == ["1", "1", "100.0"]
    assert row(municipal + "（直属：江门、肇庆、香港、澳门）")[1:] == ["1", "1", "100.0"]  # Hong Kong
    branch = "360926 铜鼓县 · 乙支部"  # one branch, members under two city committees: 广州 first, then 深圳
    at = [i for i, cell in enumerate(cells) if cell == branch]
    assert [cells[i + 1 : i + 4] for i in at] == [["1", "1", "100.0"], ["1", "0", "0.0"]]
    for committee in ("佛山", "东莞", "中山", "珠海", "惠州"):  # every city committee is named, with none
        assert f"宜春市驻{committee}流动党员党委" in cells


def test_the_both_sides_section_shows_placed_against_expected_at_every_level(
    make_settings, engine, tmp_path, validator, gba_validator
):
    from helpers import SHENZHEN, gba_person, write_gba_roster

    settings = make_settings(dt.date(2026, 11, 26))
    write_roster(settings.drop_root, "360922", "甲支部.csv", [person(i) for i in (1, 2, 3)])  # all expected by 深圳
    write_gba_roster(
        settings.drop_root,
        SHENZHEN,
        "第一支部.csv",
        [gba_person(1, 所在支部="第一支部"), gba_person(9, 所在支部="第一支部")],
    )
    run_all(settings, validator, gba_validator)
    path, _, _ = report.write_report(engine, settings.run_id, tmp_path / "reports", None)
    parsed = _Text()
    parsed.feed(path.read_text(encoding="utf-8"))
    cells = parsed.cells
    assert "5. Both sides / 双向核对" in parsed.headings

    def row(label: str) -> list[str]:
        at = cells.index(label)
        return cells[at + 1 : at + 10]  # placed, expected, matched, city_differs, not_placed, awaiting, …

    assert row("1+7+N") == ["2", "3", "1", "0", "2", "0", "1", "0", "0"]  # 9 is on no ledger
    assert row("440300 宜春市驻深圳流动党员党委") == ["2", "3", "1", "0", "2", "0", "1", "0", "0"]
    assert row("第一支部")[:2] == ["2", "1"]  # a branch: placed, matched (expected is a committee's; blank)
    assert row("441900 宜春市驻东莞流动党员党委")[:2] == ["0", "0"]
    text = report.summary_text(report.read_figures(engine, settings.run_id))
    assert "  440300: placed 2, expected 3, matched 1; not_placed 2, not_on_ledger 1" in text
    assert "  441900: placed 0, expected 0, matched 0  (no roster yet / 尚未报送)" in text
