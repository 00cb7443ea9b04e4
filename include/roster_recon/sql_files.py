"""SQL beside the module that runs it: ``<package>/sql/<name>.sql``, read once per process.

The text is a ``str`` that knows its file's name (``.name``), so a cursor that times what it runs
(``timing.TimedCursor``) can say which statement took the time."""

from __future__ import annotations

from functools import cache
from pathlib import Path


class SqlText(str):
    """A statement's text, and the name of the file it came from."""

    name: str


def loader(module_file: str):
    """``sql(name)`` for the module at ``module_file``: the text of ``sql/<name>.sql`` in its package's folder."""
    folder = Path(module_file).resolve().parent / "sql"

    @cache
    def sql(name: str) -> str:
        text = SqlText((folder / f"{name}.sql").read_text(encoding="utf-8"))
        text.name = name
        return text

    return sql
