"""Report: what the run did and where the rosters stand, as text for the task log and one offline HTML page.

Everything here reads the warehouse's ``reporting`` views, so the page shows what downstream reports see:
no raw ID numbers, phones masked. The page is ``templates/report.html``; its charts are inline SVG bars, so it opens
with no network.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from roster_recon import reference, sql_files, timing
from roster_recon.delivery import both_sides, evidence, pages
from roster_recon.delivery.feedback import FLAG_NAMES_ZH
from roster_recon.settings import DEFAULT_STALE_DAYS
from roster_recon.warehouse import stale

log = logging.getLogger(__name__)
sql = sql_files.loader(__file__)

FLAGS = tuple(FLAG_NAMES_ZH)


@dataclass
class RunFigures:
    """The numbers of one run, read from the warehouse."""

    as_of: dt.date
    run_id: str
    files: pd.DataFrame  # county_code, county_name, status, files, rows_read, rows_loaded, rows_rejected
    counties: pd.DataFrame  # reporting.county_summary
    flags: pd.DataFrame  # county_code, flag, open_flags, raised_today, closed_today
    gba: pd.DataFrame  # gba_committee, destination_city, members
    gba_branches: pd.DataFrame  # gba_committee, county_code, county_name, branch, members, complete
    lost_ages: pd.DataFrame  # band, members
    ignored: pd.DataFrame
    changes: dict[str, int]  # joined, left, changed: roster entries this run
    stale: list[stale.StaleCounty]  # counties silent for stale_days or more
    stale_days: int
    committees: pd.DataFrame  # reporting.gba_committee_summary (the municipal committee first)
    gba_rosters: pd.DataFrame  # reporting.gba_branch_summary
    evidence: evidence.EvidenceFigures


def query_frame(connection, query: str, **params) -> pd.DataFrame:
    """A query's rows as a frame with the query's column names (the report and the Rosters page read through it)."""
    result = connection.execute(sa.text(query), params)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def read_figures(engine: sa.Engine, run_id: str, stale_days: int = DEFAULT_STALE_DAYS) -> RunFigures:
    with engine.begin() as connection:
        connection.execute(sa.text(sql("report_members")))
        as_of = connection.execute(sa.text("SELECT as_of FROM audit.run WHERE run_id = :r"), {"r": run_id}).scalar_one()
        files = query_frame(
            connection,
            sql("report_files"),
            run_id=run_id,
        )
        counties = query_frame(connection, "SELECT * FROM reporting.county_summary ORDER BY county_code")
        flags = query_frame(
            connection,
            sql("report_flags"),
            as_of=as_of,
            run_id=run_id,
        )
        gba = query_frame(  # reporting.destination_summary's rows for the Greater Bay Area
            connection,
            sql("report_gba_cities"),
        )
        lost_ages = query_frame(
            connection,
            sql("report_lost_contact_ages"),
            as_of=as_of,
        )
        ignored = query_frame(
            connection,
            "SELECT county_code, name, reason FROM audit.ignored_entry WHERE run_id = :r",
            r=run_id,
        )
        changes = dict(connection.execute(sa.text(sql("report_roster_changes")), {"as_of": as_of}).mappings().one())
        gba_branches = query_frame(connection, sql("report_gba_branches"))
        silent = stale.stale_counties(connection, as_of, stale_days)
        committees, gba_rosters = both_sides.read_tree(connection)
        months = connection.execute(
            sa.text("SELECT coalesce(lost_contact_months, 6) FROM audit.run WHERE run_id = :r"), {"r": run_id}
        ).scalar_one()
        contact = evidence.read_evidence(connection, run_id, as_of, months)
    return RunFigures(
        as_of,
        run_id,
        files,
        counties,
        flags,
        gba,
        gba_branches,
        lost_ages,
        ignored,
        changes,
        silent,
        stale_days,
        committees,
        gba_rosters,
        contact,
    )


def gba_tree_html(branches: pd.DataFrame) -> str:
    """1+7+N as a tree: the municipal committee, its city committees, their members' home branches; members and
    four-clears completeness at every level. A committee's branches fold away (``<details>``: no script)."""
    municipal, city_committees = reference.gba_committees()

    def line(label: str, frame: pd.DataFrame, level: int) -> str:
        members, complete = int(frame["members"].sum()), int(frame["complete"].sum())
        pct = f"{100.0 * complete / members:.1f}" if members else "-"
        return (
            f"<tr class='level{level}'><td>{html.escape(label)}</td><td>{members}</td><td>{complete}</td>"
            f"<td>{pct}</td></tr>"
        )

    head = "<tr><th>党委 / 支部 Committee / branch</th><th>Members</th><th>Complete</th><th>Complete %</th></tr>"
    parts = [
        f"<table class='tree'><thead>{head}</thead><tbody>",
        line(municipal + "（1）", branches, 0),
        "</tbody></table>",
    ]
    for committee in [*city_committees, municipal]:
        mine = branches[branches["gba_committee"] == committee]
        label = committee if committee != municipal else f"{committee}（直属：江门、肇庆、香港、澳门）"
        rows = [
            line(f"{row.county_code} {row.county_name} · {row.branch}", branches.loc[[index]], 2)
            for index, row in mine.iterrows()
        ]
        parts.append(
            f"<details><summary><table class='tree'><tbody>{line(label, mine, 1)}</tbody></table></summary>"
            f"<table class='tree'><tbody>{''.join(rows) or '<tr><td>none / 无</td></tr>'}</tbody></table></details>"
        )
    return "".join(parts)


def summary_text(figures: RunFigures, failures: list[str] = ()) -> str:
    """The short table the data team reads at the end of the task log and of ``make demo``."""
    lines = [f"Roster reconciliation as of {figures.as_of} (run {figures.run_id})"]
    lines += [f"  FAILED: {failure}" for failure in failures]
    lines += [f"  STALE (no file for {figures.stale_days}+ days): {county.describe()}" for county in figures.stale]
    totals = figures.files.groupby("status")[["files", "rows_read", "rows_loaded", "rows_rejected"]].sum()
    for status, row in totals.iterrows():
        lines.append(
            f"  files {status:<9} {int(row.files):>4}  rows read {int(row.rows_read):>7}"
            f"  loaded {int(row.rows_loaded):>7}  rejected {int(row.rows_rejected):>6}"
        )
    if figures.files.empty:
        lines.append("  no new files")
    changes = figures.changes
    lines.append(
        f"  roster entries: {changes['joined']} joined, {changes['left']} left, {changes['changed']} with changed facts"
    )
    lines.append("")
    header = f"  {'county':<14}{'members':>8}{'complete%':>10}{'missing':>8}{'lost':>6}{'dup':>5}{'rej.files':>10}"
    lines.append(header)
    for row in figures.counties.itertuples():
        pct = "-" if pd.isna(row.completeness_pct) else f"{float(row.completeness_pct):.1f}"
        lines.append(
            f"  {row.county_code} {row.county_name:<7}{row.members:>8}{pct:>10}{row.missing_outflow_data:>8}"
            f"{row.lost_contact:>6}{row.duplicate_enrollment:>5}{row.files_rejected_last_run:>10}"
        )
    open_by_flag = figures.flags.groupby("flag")[["open_flags", "raised_today", "closed_today"]].sum()
    lines.append("")
    lines.append(
        "  open flags: "
        + ", ".join(
            f"{flag} {int(row.open_flags)} (+{int(row.raised_today)}/-{int(row.closed_today)})"
            for flag, row in open_by_flag.iterrows()
        )
    )
    if not figures.committees.empty:
        lines += ["", "  both sides / 双向核对 (members per committee concerned):"]
        lines += both_sides.summary_lines(figures.committees)
    lines += ["", *evidence.summary_lines(figures.evidence)]
    return "\n".join(lines)


# --- HTML: templates/report.html, its parts from pages.py ------------------------------------------------------


def render_html(figures: RunFigures, data_docs: str | None = None, failures: list[str] = ()) -> str:
    """The run report as one page; ``data_docs`` is the link to the run's Data Docs (a file URI or a page URL)."""
    flag_totals = figures.flags.groupby("flag")[["open_flags", "raised_today", "closed_today"]].sum()
    flags_by_county = figures.flags.pivot_table(
        index="county_code", columns="flag", values="open_flags", aggfunc="sum", fill_value=0
    ).reindex(columns=list(FLAGS), fill_value=0)
    committees = figures.gba.groupby("gba_committee", dropna=False)["members"].sum().sort_values(ascending=False)
    stale_codes = {county.county_code for county in figures.stale}
    counties = figures.counties
    never = counties[counties["last_file_loaded_at"].isna() & ~counties["county_code"].isin(stale_codes)]
    sources = figures.evidence.sources
    return pages.render(
        "report.html",
        figures=figures,
        failures=failures,
        data_docs=data_docs,
        never_sent=[f"{code} {name}" for code, name in zip(never["county_code"], never["county_name"], strict=True)],
        completeness=[
            (f"{row.county_code} {row.county_name}", float(row.completeness_pct))
            for row in figures.counties.itertuples()
            if not pd.isna(row.completeness_pct)
        ],
        open_flags=[(f"{FLAG_NAMES_ZH[flag]} {flag}", float(row.open_flags)) for flag, row in flag_totals.iterrows()],
        flag_totals=flag_totals.reset_index(),
        flags_by_county=flags_by_county.reset_index(),
        flags_by_county_headers={"county_code": "County", **{flag: FLAG_NAMES_ZH[flag] for flag in FLAGS}},
        committees=[(str(name), float(value)) for name, value in committees.items()],
        gba_tree=pages.built(gba_tree_html(figures.gba_branches)),
        both_sides=pages.built(both_sides.tree_html(figures.committees, figures.gba_rosters)),
        evidence_sources=sources.assign(source=sources["source"].map(evidence.SOURCE_NAMES)),
        lost_ages=[(row.band, float(row.members)) for row in figures.lost_ages.itertuples()],
    )


def write_report(
    engine: sa.Engine,
    run_id: str,
    report_dir: Path,
    data_docs: Path | None,
    failures: list[str] = (),
    stale_days: int = DEFAULT_STALE_DAYS,
) -> tuple[Path, str, RunFigures]:
    """Write ``report_dir/run-<as-of>.html`` (and ``latest.html``); return its path, the text summary and the figures.

    Each page is written to a private temporary file and renamed into place, so a reader never sees half a page.
    """
    figures = read_figures(engine, run_id, stale_days)
    page = render_html(figures, data_docs.as_uri() if data_docs else None, failures)
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"run-{figures.as_of.isoformat()}.html"
    for target in (path, report_dir / "latest.html"):
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=report_dir, suffix=".tmp", delete=False) as part:
            part.write(page)
        os.replace(part.name, target)
    return path, summary_text(figures, failures), figures


def report_run(engine: sa.Engine, settings) -> dict:
    """The run's report task: Data Docs from the stored GX results, the HTML report, the summary in the log.

    Returns the report's path, the Data Docs index, the run's failures and the counties silent too long (``stale``).
    """
    from roster_recon.warehouse import ledger, runs

    with engine.connect() as connection:
        failures = runs.failures(connection, settings.run_id, ledger.held_back(connection, settings.run_id))
        documents = ledger.validation_documents(connection, settings.run_id)
    data_docs = None
    if documents:
        from roster_recon.delivery.data_docs import build_data_docs

        with timing.stage("validate"):  # the Data Docs site, rendered once per run from every county's results
            data_docs = build_data_docs(documents, settings.data_dir / "data_docs" / settings.as_of.isoformat())
    with timing.stage("reports"):
        path, summary, figures = write_report(
            engine, settings.run_id, settings.data_dir / "reports", data_docs, failures, settings.stale_days
        )
    log.info("run summary\n%s\nreport: %s\nData Docs: %s", summary, path, data_docs or "none (nothing validated)")
    return {
        "report": str(path),
        "data_docs": str(data_docs) if data_docs else None,
        "failures": failures,
        "stale": figures.stale,
    }
