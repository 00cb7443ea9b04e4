"""The parts every HTML page is made of (the run report and the Rosters pages): templates under ``templates/``,
rendered with escaping on, the shared style sheet, tables and inline SVG bar charts.

A part returns HTML with every value in it escaped, as a string; templates receive the parts as ``Markup`` and place
them as they are, while anything else a template prints is escaped, so a branch or file name typed as markup stays
text.
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")
STYLE = (TEMPLATES / "style.css").read_text(encoding="utf-8")
NONE = "<p class='none'>none / 无</p>"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a name the page does not pass is an error, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        table=lambda frame, headers: built(html_table(frame, headers)),
        bars=lambda items, unit="": built(bars(items, unit)),
        style=built(STYLE),
        none=built(NONE),
    )
    return environment


def built(part: str) -> Markup:
    """A part this package built, every value in it escaped where it was put in, for a template to place as it is."""
    return Markup(part)  # noqa: S704 -- only for parts built here, whose values html.escape escaped


def render(template: str, **context) -> str:
    """``templates/<template>`` with ``context``."""
    return _environment().get_template(template).render(**context)


def html_table(frame: pd.DataFrame, headers: dict[str, str]) -> str:
    """``frame``'s columns named in ``headers`` as an HTML table under those labels, every cell escaped."""
    head = "".join(f"<th>{escape(label)}</th>" for label in headers.values())
    body = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        cells = "".join(f"<td>{escape('' if pd.isna(values[key]) else str(values[key]))}</td>" for key in headers)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def first_rows_table(frame: pd.DataFrame, headers: dict[str, str], limit: int) -> str:
    """``html_table`` of a list's first ``limit`` rows, saying so when there are more (the caller reads one more than
    ``limit``), or "none" for an empty list: the Rosters pages' lists of members."""
    if frame.empty:
        return NONE
    note = ""
    if len(frame) > limit:
        frame = frame.head(limit)
        note = f"<p class='muted'>The first {limit}; the follow-up workbook lists them all.</p>"
    return note + html_table(frame, headers)


def bars(items: list[tuple[str, float]], unit: str = "") -> str:
    """A horizontal bar chart as inline SVG."""
    if not items:
        return NONE
    top = max(value for _, value in items) or 1
    height = 22 * len(items) + 6
    rows = []
    for position, (label, value) in enumerate(items):
        y = 4 + 22 * position
        width = 360 * value / top
        rows.append(
            f"<text x='0' y='{y + 14}' class='label'>{escape(label)}</text>"
            f"<rect x='210' y='{y}' width='{width:.1f}' height='16' rx='2'></rect>"
            f"<text x='{214 + width:.1f}' y='{y + 13}' class='value'>{value:g}{escape(unit)}</text>"
        )
    return f"<svg class='bars' width='640' height='{height}' role='img'>{''.join(rows)}</svg>"
