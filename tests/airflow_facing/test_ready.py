"""The ``_READY`` marker: the trigger that starts a run when a clerk says the files are there, and what a run makes
of a marker it still finds."""

from __future__ import annotations

import asyncio

from roster_recon import share
from roster_recon.airflow_facing.ready import ReadyMarkerTrigger, find_markers
from roster_recon.intake import discover
from roster_recon.intake.kinds import COUNTY


def test_the_trigger_fires_once_for_every_marker_deletes_only_markers_and_serialises(tmp_path):
    for folder in ("360922-万载县", "360926", "gba/440300-深圳"):
        (tmp_path / folder).mkdir(parents=True)
    roster = tmp_path / "360922-万载县" / "甲支部.xlsx"
    roster.write_bytes(b"a roster")
    for folder in ("360922-万载县", "360926", "gba/440300-深圳"):  # a GBA committee's folder too
        (tmp_path / folder / "_READY").write_text("")
    trigger = ReadyMarkerTrigger(drop_root=str(tmp_path), poke_interval=0.01)

    async def first_event():
        async for event in trigger.run():
            return event

    event = asyncio.run(asyncio.wait_for(first_event(), timeout=10))
    assert event.payload == {"folders": ["360922-万载县", "360926", "440300-深圳"]}
    assert find_markers(tmp_path) == [] and roster.read_bytes() == b"a roster"
    classpath, kwargs = trigger.serialize()
    assert classpath == "roster_recon.airflow_facing.ready.ReadyMarkerTrigger"
    assert ReadyMarkerTrigger(**kwargs).serialize() == (classpath, kwargs)


def test_a_marker_the_run_still_finds_is_accounted_for_and_never_read_as_a_roster(tmp_path):
    county = tmp_path / "360922-万载县"
    county.mkdir()
    (county / "_READY").write_text("")
    (county / "甲支部.csv").write_text("姓名\n")
    (tmp_path / "_READY").write_text("")
    files, ignored = discover.roster_files(discover.SourceFolder("360922", county, COUNTY))
    assert [path.name for path in files] == ["甲支部.csv"]
    assert [(entry.name, entry.reason) for entry in ignored] == [("_READY", share.MARKER_REASON)]
    _, at_root = discover.county_folders(tmp_path)
    assert [(entry.name, entry.reason) for entry in at_root] == [("_READY", share.MARKER_REASON)]
