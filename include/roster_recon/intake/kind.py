"""Kinds of roster: what differs between a county's ledger and a GBA committee's branch roster.

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
from roster_recon.intake import gba, stage
from roster_recon.intake.columns import normalise_roster
from roster_recon.intake.problems import soft_problems


@dataclass(frozen=True)
class RosterKind:
    name: str  # "county" or "gba": also the expectation suite's key (``validate.SUITES``)
    layout: Callable[[], reference.Layout]
    normalise: Callable[[pd.DataFrame, str | None], pd.DataFrame]
    soft_problems: Callable[[pd.DataFrame, set[int], dt.date], pd.DataFrame]
    staged_columns: tuple[str, ...]  # the normalised columns a staged file's accepted rows keep
    stage: Callable  # stage(connection, outcome, run_id, file_id, code, secret), in the ledger's transaction


COUNTY = RosterKind(
    "county",
    reference.roster_layout,
    normalise_roster,
    lambda roster, rejected, _as_of: soft_problems(roster, rejected),
    stage.ROSTER_COLUMNS,
    stage.stage_file,
)
GBA = RosterKind(
    "gba",
    reference.gba_layout,
    gba.normalise_gba_roster,
    gba.gba_soft_problems,
    ("id_number", *gba.GBA_ROW_COLUMNS),
    stage.stage_gba_file,
)


def kind_of(code: str) -> RosterKind:
    """The kind of roster a folder code sends: a GBA committee's, else a county's."""
    return GBA if code in reference.committees() else COUNTY
