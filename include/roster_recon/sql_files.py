"""SQL beside the module that runs it: ``<package>/sql/<name>.sql``, read once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path


def loader(module_file: str):
    """``sql(name)`` for the module at ``module_file``: the text of ``sql/<name>.sql`` in its package's folder."""
    folder = Path(module_file).resolve().parent / "sql"

    @cache
    def sql(name: str) -> str:
        return (folder / f"{name}.sql").read_text(encoding="utf-8")

    return sql
