"""A run when files arrive: a county clerk who has dropped files puts a marker ``_READY`` in the county folder.

The DAG's schedule is "02:00 every day, or when the asset ``roster_drop_ready`` is updated"; the asset's watcher runs
``ReadyMarkerTrigger`` in the triggerer, which looks for ``<drop root>/<county folder>/_READY`` every
``poke_interval`` seconds, deletes the markers it finds and fires once (the triggerer then starts it again). Only
markers are watched and deleted, never a roster: a roster stays where it is until the run has read and archived it.
The run an event starts has no logical date; it is as of when it was due to run, in Shanghai, as any run is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

from roster_recon.share import GBA_DIR, READY_MARKER


def find_markers(drop_root: Path, marker: str = READY_MARKER) -> list[Path]:
    """The markers directly in the county folders (the self-reports folder among them) and the GBA committees'
    folders under ``drop_root`` (sorted)."""
    try:
        found = [*drop_root.glob(f"*/{marker}"), *drop_root.glob(f"{GBA_DIR}/*/{marker}")]
        return sorted(path for path in found if path.is_file())
    except OSError:  # the share is away for a moment: look again at the next poke
        return []


class ReadyMarkerTrigger(BaseEventTrigger):
    """Fires once when a ``_READY`` marker sits in any county folder under ``drop_root``, after deleting them all."""

    def __init__(self, drop_root: str, marker: str = READY_MARKER, poke_interval: float = 30.0):
        super().__init__()
        self.drop_root = drop_root
        self.marker = marker
        self.poke_interval = poke_interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            "roster_recon.airflow_facing.ready.ReadyMarkerTrigger",
            {"drop_root": self.drop_root, "marker": self.marker, "poke_interval": self.poke_interval},
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        root = Path(self.drop_root)
        while True:
            markers = await asyncio.to_thread(find_markers, root, self.marker)
            if markers:
                folders = [marker.parent.name for marker in markers]
                for marker in markers:
                    await asyncio.to_thread(marker.unlink, missing_ok=True)
                self.log.info("files announced ready in %s: a run is due", ", ".join(folders))
                yield TriggerEvent({"folders": folders})
                return
            await asyncio.sleep(self.poke_interval)
