"""The "Rosters" entry in the Airflow UI: ``roster_recon.airflow_facing.web`` at /roster, behind Airflow login."""

from __future__ import annotations

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

from roster_recon.airflow_facing.web import PREFIX, create_app


class RosterPagesPlugin(AirflowPlugin):
    name = "roster_pages"
    fastapi_apps: ClassVar[list[dict]] = [{"app": create_app(), "url_prefix": PREFIX, "name": "Rosters"}]
    external_views: ClassVar[list[dict]] = [
        {
            "name": "Rosters / 流动党员台账",
            "href": f"{PREFIX}/",
            "url_route": "rosters",
            "destination": "nav",
            "category": "browse",
        }
    ]
