"""Settle on a real PostgreSQL: a file is read only after two looks the settle window apart."""

from __future__ import annotations


def test_a_file_is_read_only_after_two_looks_the_settle_window_apart(engine, tmp_path):
    """By the warehouse's clock, never the file's mtime against a worker's clock (file servers' clocks drift)."""
    import os
    import time

    from roster_recon.intake import settle

    folder = tmp_path / "360922"
    folder.mkdir()
    steady, growing = folder / "甲支部.csv", folder / "乙支部.csv"
    for path in (steady, growing):
        path.write_text("姓名\n张三\n", encoding="utf-8")
        an_hour_ago = time.time() - 3600  # old by the worker's clock: the old rule read it at once
        os.utime(path, (an_hour_ago, an_hour_ago))
    with engine.begin() as connection:
        settle.record_sightings(connection, "360922", [steady, growing])  # prepare's look
    pauses = []

    def time_passes(seconds):
        pauses.append(seconds)
        with open(growing, "a", encoding="utf-8") as handle:  # the share is still writing this one
            handle.write("李四\n")
        with engine.begin() as connection:  # the warehouse's clock moves on
            connection.exec_driver_sql("UPDATE audit.file_sighting SET first_seen_at = first_seen_at - interval '61 s'")

    ready, changing = settle.settled(engine, "360922", [steady, growing], 60, sleep=time_passes)
    assert ready == [steady] and changing == [growing]
    assert len(pauses) == 1 and 59 < pauses[0] <= 61  # it waited out the window once
    ready, changing = settle.settled(engine, "360922", [steady, growing], 0, sleep=time_passes)
    assert ready == [steady, growing] and len(pauses) == 1  # no window, no wait
