"""Dues payments: the online dues platform's monthly exports (contract: "Dues payments"), in ``<drop_root>/dues/``:
a batch of events, each export's content loaded once, each payment evidence of contact."""

from __future__ import annotations

from roster_recon import reference
from roster_recon.intake.kinds.base import RosterKind
from roster_recon.intake.kinds.dues.rows import DUES_ROW_COLUMNS, dues_soft_problems, normalise_dues
from roster_recon.intake.kinds.dues.stage import keyed_dues
from roster_recon.share import DUES_DIR

DUES = RosterKind(
    "dues",
    reference.dues_layout,
    normalise_dues,
    dues_soft_problems,
    ("id_number", *DUES_ROW_COLUMNS),
    keyed_dues,
    table="staging.dues_payment",
    folder=DUES_DIR,
    snapshots=False,
    duplicate_reason="same content as an export already loaded; every payment in it is counted already"
    " / 与已导入的导出文件内容相同，其中的缴费记录均已计入",
)
