"""Contact evidence in the run report and the task log: what each source brought, who is in touch only thanks to
evidence beyond the ledger (per county), the self-reports that match no member (per city, for the municipal
committee: ``reporting.unmatched_self_reports``) and the dues payments that match none (per month, for the data team:
``reporting.unmatched_dues_payments``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from roster_recon import reference, sql_files

sql = sql_files.loader(__file__)

SOURCE_NAMES = {code: f"{label.en} {label.zh}" for code, label in reference.labels("source").items()}


@dataclass
class EvidenceFigures:
    sources: pd.DataFrame  # source, held, this_run, latest_for
    kept_in_touch: pd.DataFrame  # county_code, members
    unmatched: pd.DataFrame  # city, city_code, committee_code, reports, latest
    unmatched_dues: pd.DataFrame  # month, payments, latest


def read_evidence(connection: sa.Connection, run_id: str, as_of: dt.date, months: int) -> EvidenceFigures:
    def frame(query: str, **params) -> pd.DataFrame:
        result = connection.execute(sa.text(query), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    return EvidenceFigures(
        frame(sql("evidence_sources"), run_id=run_id),
        frame(sql("evidence_kept_in_touch"), as_of=as_of, months=months),
        frame("SELECT * FROM reporting.unmatched_self_reports ORDER BY reports DESC, city"),
        frame("SELECT * FROM reporting.unmatched_dues_payments ORDER BY month DESC NULLS LAST"),
    )


def summary_lines(figures: EvidenceFigures) -> list[str]:
    """The task log's lines (and ``make demo``'s)."""
    sources = ", ".join(
        f"{row.source} {row.held} (+{row.this_run}; latest for {row.latest_for})"
        for row in figures.sources.itertuples()
    )
    kept = ", ".join(f"{row.county_code} {row.members}" for row in figures.kept_in_touch.itertuples()) or "none"
    unmatched = int(figures.unmatched["reports"].sum()) if not figures.unmatched.empty else 0
    dues = int(figures.unmatched_dues["payments"].sum()) if not figures.unmatched_dues.empty else 0
    return [
        f"  evidence of contact held: {sources}",
        f"  not lost only because of evidence beyond the ledger, per county: {kept}",
        f"  self-reports matching no member: {unmatched} in {len(figures.unmatched)} cities",
        f"  dues payments matching no member: {dues} in {len(figures.unmatched_dues)} months",
    ]
