"""Kinds of input, one folder each: a county's ledger (``county/``), a GBA committee's branch roster (``gba/``), a
码上报 export of the members' own reports (``self_report/``) and the dues platform's payment export (``dues/``).

Everything else (holding, hashing, reading, batching through GX, judging a file, recording it) is shared. A kind's
folder holds what differs: in ``__init__.py`` its ``RosterKind`` (headers, normaliser, soft warnings, the columns
it stages, its staging table); in ``rows.py`` its normaliser and warnings in the clerk's words; in ``stage.py`` how
its accepted rows are keyed for staging; in ``suite.py`` its Great Expectations suite (loaded only by validation).

A new kind of input is a new folder here, its entry in ``KINDS``, its drop folder in ``discover``, and one migration
with its staging table and the merge or evidence statement that reads it (the warehouse owns every table).
"""

from __future__ import annotations

from roster_recon.intake.kinds.base import RosterKind
from roster_recon.intake.kinds.county import COUNTY
from roster_recon.intake.kinds.dues import DUES
from roster_recon.intake.kinds.gba import GBA
from roster_recon.intake.kinds.self_report import SELF_REPORT

KINDS = (COUNTY, GBA, SELF_REPORT, DUES)

__all__ = ["COUNTY", "DUES", "GBA", "KINDS", "SELF_REPORT", "RosterKind"]
