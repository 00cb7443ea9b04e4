"""What a kind of input is: the parts that differ between kinds, each given by the kind's own folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from roster_recon import reference


@dataclass(frozen=True, eq=False)  # a kind is itself: compared and looked up by identity
class RosterKind:
    name: str  # "county", "gba" or "self_report": also its folder under ``intake/kinds/`` (its ``suite.py``)
    layout: Callable[[], reference.Layout]
    normalise: Callable[[pd.DataFrame, str | None], pd.DataFrame]
    soft_problems: Callable[[pd.DataFrame, set[int], dt.date], pd.DataFrame]
    staged_columns: tuple[str, ...]  # the normalised columns a staged file's accepted rows keep
    keyed: Callable  # keyed(outcome, code, secret) -> [outcome.StagedRows]: a staged file's rows, keyed
    table: str  # the staging table that holds every accepted row (besides any the kind adds)
    folder: str | None = None  # events in one fixed folder of the drop root; else folders named by a code
    snapshots: bool = True  # a file is a branch's full roster; else a batch of events (a content loaded once)
    own_ledgers_only: bool = False  # a broken ID is matched against the folder's own county's members only
    duplicate_reason: str = (
        "same content as the file that gave its branches their current roster; nothing changes"
        " / 与各支部当前台账的来源文件内容相同，无需重复导入"
    )
