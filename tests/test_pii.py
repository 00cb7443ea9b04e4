"""The tests' own leak detector (``tests/pii.py``) finds what it must and not what only looks like it."""

from __future__ import annotations

from helpers import id_number
from pii import leaks


def test_the_leak_detector_finds_ids_and_mobiles_in_text_and_workbooks_but_not_inside_hex(tmp_path):
    (tmp_path / "log.txt").write_text(f"成员{id_number(1)}，电话13800000001。", encoding="utf-8")
    (tmp_path / "clean.txt").write_text(
        "traceparent 00-68754783b17525365561f31c722b98c1-9d833c89bda32624-00; masked 138****0001,"
        f" 360922********0011; key {'a' * 10}{id_number(2)}{'f' * 10}",
        encoding="utf-8",
    )
    found = leaks(tmp_path, phones=True)
    assert set(found) == {str(tmp_path / "log.txt")} and found[str(tmp_path / "log.txt")] == 2
