"""Telling the data team that a county has gone silent: an Airflow notifier, once per spell (``warehouse.stale``).

By default the notice is a warning in the ``report`` task's log (and the report names the county on every run while it
stays silent). With an SMTP connection ``smtp_default`` and the Variable ``roster_alert_email`` (comma-separated
addresses) it is also sent by e-mail through the SMTP provider's notifier. The notice holds county codes, names and
dates only.
"""

from __future__ import annotations

import html
import logging

from airflow.sdk import BaseNotifier

from roster_recon.warehouse.stale import StaleCounty

log = logging.getLogger(__name__)


def notice_text(counties: list[dict], stale_days: int) -> str:
    lines = [f"{len(counties)} county office(s) have sent no roster for {stale_days} days or more:"]
    for county in map(StaleCounty.from_dict, counties):
        lines.append(f"  {county.county_code} {county.county_name}: {county.days_silent} days ({county.since})")
    return "\n".join(lines)


class StaleCountyNotifier(BaseNotifier):
    """Warns in the task log, and e-mails ``to`` through ``smtp_conn_id`` when both are given."""

    template_fields = ("counties",)

    def __init__(
        self,
        counties: list[dict],
        stale_days: int,
        to: list[str] | None = None,
        smtp_conn_id: str | None = None,
    ):
        super().__init__()
        self.counties = counties
        self.stale_days = stale_days
        self.to = to or []
        self.smtp_conn_id = smtp_conn_id

    def notify(self, context) -> None:
        if not self.counties:
            return
        text = notice_text(self.counties, self.stale_days)
        log.warning("STALE COUNTIES — %s", text)
        if self.to and self.smtp_conn_id:
            from airflow.providers.smtp.notifications.smtp import SmtpNotifier

            SmtpNotifier(
                to=self.to,
                subject=f"[roster] {len(self.counties)} county office(s) silent for {self.stale_days}+ days",
                html_content=f"<pre>{html.escape(text)}</pre>",
                smtp_conn_id=self.smtp_conn_id,
            ).notify(context)
