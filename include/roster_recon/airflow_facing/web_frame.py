"""The frame around every Rosters page: the shared style sheet, the data team's navigation, the document."""

from __future__ import annotations

import html

from roster_recon.airflow_facing.page_access import PREFIX
from roster_recon.delivery.pages import STYLE


def nav(active: str) -> str:
    links = [("", "Latest run / 最新"), ("/runs", "Runs / 运行记录")]
    items = "".join(
        f"<a href='{PREFIX}{href}/'{' class=active' if href == active else ''}>{label}</a>" for href, label in links
    )
    return f"<nav class='roster-nav'>{items}</nav>"


NAV_STYLE = (
    ".roster-nav{margin:-1em 0 1.5em;padding:.5em 0;border-bottom:2px solid #3b78b5}"
    ".roster-nav a{margin-right:1.2em;text-decoration:none;color:#3b78b5;font-weight:600}"
    ".roster-nav a.active{color:#222}"
)


def page(title: str, body: str, active: str | None = "") -> str:
    """A whole page; ``active=None`` leaves out the navigation to the data team's pages."""
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}{NAV_STYLE}</style></head><body>"
        f"{'' if active is None else nav(active)}{body}</body></html>"
    )


def with_nav(page: str, active: str = "") -> str:
    """A report page (a whole document) with the Rosters navigation at the top of its body."""
    return page.replace("</style>", NAV_STYLE + "</style>", 1).replace("<body>", "<body>" + nav(active), 1)
