"""A county office's ledger of its branches' mobile members: the contract's roster, one file per branch (or a
county-wide file with a branch column). Its normaliser and warnings are the shared ones (``intake/columns.py``,
``intake/problems.py``): the county ledger is the form every other kind borrows from."""

from __future__ import annotations

from roster_recon import reference
from roster_recon.intake.columns import normalise_roster
from roster_recon.intake.kinds.base import RosterKind
from roster_recon.intake.kinds.county.stage import ROSTER_COLUMNS, keyed_roster
from roster_recon.intake.problems import soft_problems

COUNTY = RosterKind(
    "county",
    reference.roster_layout,
    normalise_roster,
    lambda roster, rejected, _as_of: soft_problems(roster, rejected),
    ROSTER_COLUMNS,
    keyed_roster,
    table="staging.roster_row",
    own_ledgers_only=True,
)
