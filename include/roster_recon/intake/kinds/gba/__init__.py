"""The other side: a GBA committee branch's roster (contract: "The other side"), in ``<drop_root>/gba/<committee>/``."""

from __future__ import annotations

from roster_recon import reference
from roster_recon.intake.kinds.base import RosterKind
from roster_recon.intake.kinds.gba.rows import GBA_ROW_COLUMNS, gba_soft_problems, normalise_gba_roster
from roster_recon.intake.kinds.gba.stage import keyed_gba_roster

GBA = RosterKind(
    "gba",
    reference.gba_layout,
    normalise_gba_roster,
    gba_soft_problems,
    ("id_number", *GBA_ROW_COLUMNS),
    keyed_gba_roster,
    table="staging.gba_row",
)
