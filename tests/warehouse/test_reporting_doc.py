"""The reporting contract in the repository: every view and column of ``reporting`` carries a comment, and
``docs/reporting.md`` says exactly what the catalog of a warehouse migrated to head says."""

from __future__ import annotations

from roster_recon.warehouse import reporting_doc


def test_every_reporting_view_and_column_is_described(engine):
    with engine.connect() as connection:
        found = reporting_doc.views(connection)
    assert len(found) >= 17
    assert {"member_current", "member_flags", "county_summary", "file_audit", "gba_reconciliation"} <= {
        view.name for view in found
    }
    assert reporting_doc.undocumented(found) == []


def test_the_document_in_the_repository_is_what_the_catalog_says(engine):
    with engine.connect() as connection:
        rendered = reporting_doc.render(reporting_doc.views(connection))
    assert reporting_doc.DOC_PATH.read_text(encoding="utf-8") == rendered, "run make reporting-doc and commit it"


def test_a_view_added_without_comments_is_named_and_its_readers_are_shown(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE VIEW reporting.added_later AS SELECT 1 AS one, 2 AS two")
        connection.exec_driver_sql("COMMENT ON COLUMN reporting.added_later.two IS 'Two.'")
        connection.exec_driver_sql("GRANT SELECT ON reporting.added_later TO roster_reader")
        found = reporting_doc.views(connection)
    assert reporting_doc.undocumented(found) == ["added_later", "added_later.one"]
    readers = {view.name: view.readers for view in found}
    assert readers["member_current"] == ("roster_committee_<code>", "roster_county_<code>", "roster_reader")
    assert readers["added_later"] == readers["member_current"]  # the schema's default privileges grant it
    section = reporting_doc.render(found).split("## reporting.added_later", 1)[1].split("## reporting.", 1)[0]
    assert "| `one` | integer | (no comment) |" in section and "| `two` | integer | Two. |" in section
