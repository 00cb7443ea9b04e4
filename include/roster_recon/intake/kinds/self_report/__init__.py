"""Members' own reports: the 红帆 system's 码上报 exports (contract: "Contact evidence"), in
``<drop_root>/self-reports/``: a batch of events, each export's content loaded once."""

from __future__ import annotations

from roster_recon import reference
from roster_recon.intake.kinds.base import RosterKind
from roster_recon.intake.kinds.self_report.rows import (
    SELF_REPORT_ROW_COLUMNS,
    normalise_self_reports,
    self_report_soft_problems,
)
from roster_recon.intake.kinds.self_report.stage import keyed_self_reports
from roster_recon.share import SELF_REPORTS_DIR

SELF_REPORT = RosterKind(
    "self_report",
    reference.self_report_layout,
    normalise_self_reports,
    self_report_soft_problems,
    ("id_number", *SELF_REPORT_ROW_COLUMNS),
    keyed_self_reports,
    table="staging.self_report",
    folder=SELF_REPORTS_DIR,
    snapshots=False,
    duplicate_reason="same content as an export already loaded; every report in it is counted already"
    " / 与已导入的导出文件内容相同，其中的上报均已计入",
)
