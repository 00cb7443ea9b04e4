"""The layers import downwards only: the warehouse records what intake hands it and never imports intake."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "include" / "roster_recon"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_no_warehouse_module_imports_intake():
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path) if m.startswith("roster_recon.intake"))
        for path in (PACKAGE / "warehouse").rglob("*.py")
    }
    assert len(offenders) > 10  # the walk found the warehouse's modules
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_the_ground_floor_imports_nothing_above_it():
    for name in ("share.py", "outcome.py"):
        above = {m for m in imported_modules(PACKAGE / name) if m.startswith("roster_recon.")}
        assert above <= {"roster_recon.share", "roster_recon.share.shown_path"}, name
