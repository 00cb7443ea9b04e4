"""The Rosters pages (``roster_recon.airflow_facing.web``) on a real warehouse after a real run.

Here the Airflow user behind a request is named by a test header instead of Airflow's login (``client_for``); that
every route refuses an anonymous user and serves a logged-in one is shown against a real api-server in
``tests/test_stack.py``.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from helpers import AS_OF, id_number, person, run_all, write_roster
from pii import leaks

from roster_recon.airflow_facing import web, web_docs
from roster_recon.intake.validate import RosterValidator
from roster_recon.warehouse import page_readers


def client_for(engine, user: str = "data-team", role: str | None = "roster_reader") -> TestClient:
    """The pages as ``user`` sees them (mapped to ``role`` first, unless ``None``), over HTTP through the app."""
    if role is not None:
        with engine.begin() as connection:
            page_readers.grant(connection, user, role)

    async def identify(request) -> str:
        return request.headers["x-test-user"]

    app = web.create_app(engine_factory=lambda: engine, stale_days=lambda: 35, identify=identify)
    return TestClient(app, headers={"x-test-user": user})


@pytest.fixture
def pages(make_settings, engine):
    settings = make_settings(AS_OF)
    write_roster(
        settings.drop_root,
        "360922-万载县",
        "洪塘镇东风村党支部.csv",
        [person(1), person(2, 流出时间="", 流入地="香港特别行政区"), person(3, 身份证号码="36092219900101003X")],
    )
    run_all(settings, RosterValidator())
    client = client_for(engine)
    return client, settings


def test_the_latest_run_past_runs_a_county_and_the_data_docs_are_served_from_the_warehouse(pages, tmp_path):
    client, settings = pages
    latest = client.get("/")
    assert latest.status_code == 200
    assert "宜春市驻粤港澳大湾区流动党员党委" in latest.text and "宜春市驻深圳流动党员党委" in latest.text
    assert "/roster/counties/360922/" in latest.text and "/roster/runs/" in latest.text
    runs = client.get("/runs/")
    assert runs.status_code == 200 and settings.run_id in runs.text and "2026-11-26" in runs.text
    run = client.get(f"/runs/{settings.run_id}/")
    assert run.status_code == 200 and f"/roster/runs/{settings.run_id}/data-docs/index.html" in run.text
    docs = client.get(f"/runs/{settings.run_id}/data-docs/index.html")
    assert docs.status_code == 200 and "<html" in docs.text.lower()
    county = client.get("/counties/360922/")
    assert county.status_code == 200 and "万载县" in county.text and "洪塘镇东风村党支部" in county.text
    assert "随访名单_360922_2026-11-26.xlsx" in county.text
    # No raw ID number or full mobile on any page (the test's own IDs, and the detector's general patterns).
    scanned = tmp_path / "pages"
    scanned.mkdir()
    for number, page in enumerate((latest, runs, run, county, docs)):
        assert id_number(1) not in page.text and "13800000001" not in page.text
        (scanned / f"page{number}.html").write_text(page.text, encoding="utf-8")
    assert leaks(scanned, phones=True) == {}


def test_unknown_runs_counties_and_paths_outside_the_data_docs_are_not_found(pages):
    client, settings = pages
    assert client.get("/runs/no-such-run/").status_code == 404
    assert client.get("/counties/999999/").status_code == 404
    assert client.get(f"/runs/{settings.run_id}/data-docs/../../../../etc/passwd").status_code == 404
    assert client.get(f"/runs/{settings.run_id}/data-docs/%2e%2e/%2e%2e/etc/passwd").status_code == 404


def test_every_route_refuses_a_caller_without_an_airflow_login(engine):
    """Airflow's own check answers before any page is built (a logged-in user gets 200: tests/test_stack.py)."""
    client = TestClient(web.create_app(engine_factory=lambda: engine, stale_days=lambda: 35))
    for path in ("/", "/runs/", "/runs/x/", "/runs/x/data-docs/index.html", "/counties/360922/"):
        response = client.get(path)
        assert response.status_code == 401, (path, response.status_code, response.text[:200])
        assert "流动党员" not in response.text


def test_run_ids_dot_and_dot_dot_reach_no_folder_outside_the_data_docs(make_settings, engine, tmp_path, monkeypatch):
    import tempfile

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    client = client_for(engine)
    assert list(temp.iterdir()) == []  # importing the plugin (every task process does) makes no folder
    (temp / "index.html").write_text("<p>not Data Docs</p>", encoding="utf-8")
    (temp / "secret.txt").write_text("the neighbour's file", encoding="utf-8")
    for run_id in ("%2e", "%2e%2e", "."):
        for path in ("index.html", "secret.txt"):
            response = client.get(f"/runs/{run_id}/data-docs/{path}")
            assert response.status_code == 404 and "neighbour" not in response.text and "not Data" not in response.text


def test_the_runs_page_counts_flags_per_run_not_per_date(pages, make_settings, engine):
    client, settings = pages
    run_all(make_settings(AS_OF, run_id="manual__same_day_again"), RosterValidator())  # nothing new to read
    counts = {r.run_id: (r.flags_raised, r.flags_closed) for r in _runs(engine)}
    assert counts[settings.run_id][0] > 0 and counts["manual__same_day_again"] == (0, 0)
    page = client.get("/runs/").text
    row = page[page.index("manual__same_day_again") :].split("</tr>")[0]
    assert row.endswith("<td>0</td><td>0</td>")


def test_a_county_page_lists_the_members_behind_its_flags_and_a_county_that_never_sent(pages):
    client, _ = pages
    page = client.get("/counties/360922/").text
    members = page[page.index("Members to follow up") : page.index("Branches / 支部")]
    assert "党员2" in members and "missing_outflow_time" in members  # the member with no outflow date
    assert id_number(2)[:6] + "********" + id_number(2)[-4:] in members and id_number(2) not in page
    assert "138****0002" in members and "13800000002" not in page
    never = client.get("/counties/360926/").text
    assert "No roster loaded yet" in never and "Sent a file within" not in never
    report = client.get("/").text
    assert "No roster loaded yet from" in report and "360926" in report and "各县均按时报送" not in report


def _runs(engine):
    import sqlalchemy as sa

    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT run_id, flags_raised, flags_closed FROM audit.run")).all()


def test_a_committee_page_lists_its_leads_oldest_first_and_a_county_page_its_two_sided_members(
    make_settings, engine, tmp_path, validator, gba_validator
):
    import datetime as dt

    from helpers import SHENZHEN, gba_person, write_gba_roster

    first = make_settings(AS_OF)
    write_roster(first.drop_root, "360922-万载县", "甲支部.csv", [person(i) for i in (1, 2, 3)])  # 深圳 expects all
    write_gba_roster(first.drop_root, SHENZHEN, "第一支部.csv", [gba_person(1), gba_person(9)])
    run_all(first, validator, gba_validator)
    later = make_settings(AS_OF + dt.timedelta(days=1))
    write_roster(later.drop_root, "360922-万载县", "甲支部.csv", [person(i) for i in (1, 2, 3, 4)])  # 4 is new
    run_all(later, validator, gba_validator)
    client = client_for(engine)
    page = client.get("/committees/440300/").text
    leads = page[page.index("Leads, oldest first") :]
    # 2 and 3 since day one, 4 since day two: oldest first. 9 (on no ledger, home 万载县) is 万载县's lead.
    assert leads.index("党员2") < leads.index("党员3") < leads.index("党员4") and "党员9" not in leads
    assert "138****0004" in leads and "13800000004" not in page and id_number(4) not in page
    assert "/roster/committees/440300/" in client.get("/").text  # the report's 1+7+N tree links to it
    assert client.get("/committees/440700/").status_code == 404  # 江门 has no committee of its own
    county = client.get("/counties/360922/").text
    section = county[county.index("Both sides / 双向核对") :]
    assert "党员9" in section and "不在台账上" in section and "党员2" in section
    scanned = tmp_path / "pages"
    scanned.mkdir()
    (scanned / "committee.html").write_text(page, encoding="utf-8")
    (scanned / "county.html").write_text(county, encoding="utf-8")
    assert leaks(scanned, phones=True) == {}


def test_each_person_is_served_only_their_own_county_or_committee_whatever_the_url_names(
    make_settings, engine, validator, gba_validator
):
    from helpers import SHENZHEN, TONGGU, ZHUHAI, gba_person, write_gba_roster

    settings = make_settings(AS_OF)
    write_roster(settings.drop_root, "360922-万载县", "甲支部.csv", [person(1), person(2)])
    write_roster(settings.drop_root, TONGGU, "铜鼓镇党支部.csv", [person(3, 身份证号码=id_number(3, place="360926"))])
    write_gba_roster(settings.drop_root, SHENZHEN, "第一支部.csv", [gba_person(1), gba_person(9)])
    write_gba_roster(settings.drop_root, ZHUHAI, "珠海支部.csv", [gba_person(8, 所在支部="宜春市驻珠海流动党员支部")])
    run_all(settings, validator, gba_validator)
    wanzai = client_for(engine, "clerk_wanzai", "roster_county_360922")
    tonggu = client_for(engine, "clerk_tonggu", "roster_county_360926")
    shenzhen = client_for(engine, "clerk_shenzhen", "roster_committee_440300")
    nobody = client_for(engine, "visitor", None)

    own = wanzai.get("/counties/360922/")
    assert own.status_code == 200 and "党员2" in own.text and "党员9" in own.text and "党员3" not in own.text
    assert "/roster/runs/" not in own.text  # no navigation to the data team's pages
    assert tonggu.get("/counties/360926/").status_code == 200 and "党员3" in tonggu.get("/counties/360926/").text
    for client, theirs in (
        (wanzai, "/counties/360926/"),
        (tonggu, "/counties/360922/"),
        (shenzhen, "/counties/360922/"),
    ):
        refused = client.get(theirs)
        assert refused.status_code == 404 and "党员" not in refused.text, theirs
    # The data team's pages: the run report names every county, the Data Docs every file.
    for client in (wanzai, shenzhen):
        for path in ("/runs/", f"/runs/{settings.run_id}/", f"/runs/{settings.run_id}/data-docs/index.html"):
            refused = client.get(path)
            assert refused.status_code == 403 and "党员" not in refused.text, path
    home = wanzai.get("/", follow_redirects=False)
    assert home.status_code in (302, 307) and home.headers["location"] == "/roster/counties/360922/"
    # A committee reads its own page; a county clerk and another committee's clerk read no committee page.
    assert shenzhen.get("/committees/440300/").status_code == 200
    assert shenzhen.get("/committees/440400/").status_code == 404
    assert wanzai.get("/committees/440300/").status_code == 404
    assert client_for(engine, "municipal", "roster_committee_440000").get("/committees/440400/").status_code == 200
    # An Airflow user nobody mapped sees nothing, and is told whom to ask.
    for path in ("/", "/runs/", "/counties/360922/", "/committees/440300/"):
        refused = nobody.get(path)
        assert (
            refused.status_code == 403 and "page_readers grant visitor" in refused.text and "党员" not in refused.text
        )
    # The data team sees every county.
    assert client_for(engine).get("/counties/360926/").status_code == 200


def test_file_names_that_are_html_are_shown_escaped_on_every_page_the_report_and_the_data_docs(
    make_settings, engine, validator, tmp_path
):
    settings = make_settings(AS_OF)
    script = "<img src=x onerror=alert(1)>"
    names = [f"{script}.csv", "<svg onload=alert(2)>.csv", "<b onmouseover=alert(3)>甲支部.xlsx"]
    write_roster(settings.drop_root, "360922-万载县", names[0], [person(1), person(2)])
    write_roster(settings.drop_root, "360922-万载县", names[1], [person(3, 身份证号码="123")] * 3)  # rejected
    (settings.drop_root / "360922-万载县" / names[2]).write_bytes(b"not a workbook")  # unreadable
    (settings.drop_root / "360922-万载县" / "<i>folder<i>").mkdir()  # ignored
    run_all(settings, validator)
    client = client_for(engine)
    pages = {
        path: client.get(path).text
        for path in ("/", "/runs/", f"/runs/{settings.run_id}/", "/counties/360922/", "/committees/440000/")
    }
    docs = client.get(f"/runs/{settings.run_id}/data-docs/index.html")
    assert docs.status_code == 200
    pages["data docs"] = docs.text
    site = web_docs.data_docs_site(engine, settings.run_id, tmp_path / "docs")
    for html_file in site.rglob("*.html"):
        pages[str(html_file.relative_to(site))] = html_file.read_text(encoding="utf-8")
    pages.update({str(p): p.read_text(encoding="utf-8") for p in (settings.data_dir / "reports").rglob("*.html")})
    assert any("&lt;img src=x onerror=alert(1)&gt;" in text for text in pages.values())  # the name is shown
    for where, text in pages.items():
        for raw in ("<img src=x", "<svg onload", "<b onmouseover", "<i>folder"):
            assert raw not in text, (where, raw)
