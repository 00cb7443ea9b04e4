"""Kinds of input: what differs between a county's ledger, a GBA committee's branch roster and a 码上报 export.

Everything else (holding, hashing, reading, batching through GX, judging a file, recording it) is shared; a kind
names its headers, its normaliser, its soft warnings, the columns it stages and how it stages them. A new kind of
input is a new ``RosterKind`` (a reader layout, an expectation suite in ``validate.SUITES``, a staging function and
a merge statement), not more branches in the shared code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from roster_recon import reference
from roster_recon.intake import gba, self_report, stage
from roster_recon.intake.columns import normalise_roster
from roster_recon.intake.problems import soft_problems


@dataclass(frozen=True, eq=False)  # a kind is itself: compared and looked up by identity
class RosterKind:
    name: str  # "county", "gba" or "self_report": also the expectation suite's key (``validate.SUITES``)
    layout: Callable[[], reference.Layout]
    normalise: Callable[[pd.DataFrame, str | None], pd.DataFrame]
    soft_problems: Callable[[pd.DataFrame, set[int], dt.date], pd.DataFrame]
    staged_columns: tuple[str, ...]  # the normalised columns a staged file's accepted rows keep
    keyed: Callable  # keyed(outcome, code, secret) -> [outcome.StagedRows]: a staged file's rows, keyed
    table: str  # the staging table that holds every accepted row (besides any the kind adds)
    snapshots: bool = True  # a file is a branch's full roster; else a batch of events (a content loaded once)
    own_ledgers_only: bool = False  # a broken ID is matched against the folder's own county's members only
    duplicate_reason: str = (
        "same content as the file that gave its branches their current roster; nothing changes"
        " / 与各支部当前台账的来源文件内容相同，无需重复导入"
    )


COUNTY = RosterKind(
    "county",
    reference.roster_layout,
    normalise_roster,
    lambda roster, rejected, _as_of: soft_problems(roster, rejected),
    stage.ROSTER_COLUMNS,
    stage.keyed_roster,
    table="staging.roster_row",
    own_ledgers_only=True,
)
GBA = RosterKind(
    "gba",
    reference.gba_layout,
    gba.normalise_gba_roster,
    gba.gba_soft_problems,
    ("id_number", *gba.GBA_ROW_COLUMNS),
    stage.keyed_gba_roster,
    table="staging.gba_row",
)

SELF_REPORT = RosterKind(
    "self_report",
    reference.self_report_layout,
    self_report.normalise_self_reports,
    self_report.self_report_soft_problems,
    ("id_number", *self_report.SELF_REPORT_ROW_COLUMNS),
    stage.keyed_self_reports,
    table="staging.self_report",
    snapshots=False,
    duplicate_reason="same content as an export already loaded; every report in it is counted already"
    " / 与已导入的导出文件内容相同，其中的上报均已计入",
)
