"""A run's Great Expectations Data Docs on the Rosters pages, rendered from the results stored in the warehouse
once per api-server process, and served only from inside the rendered site."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa

_docs_lock = threading.Lock()


def data_docs_site(engine: sa.Engine, run_id: str, cache: Path) -> Path | None:
    """The run's Data Docs site under ``cache``, rendered once per api-server process from the warehouse.

    The site's folder is named by a digest of the run id, never by the id itself (``.`` or ``..`` would name the
    cache or its parent).
    """
    from roster_recon.delivery.data_docs import build_data_docs
    from roster_recon.warehouse.ledger import validation_documents

    site = cache / hashlib.sha256(run_id.encode("utf-8")).hexdigest()[:32]
    with _docs_lock:
        if (site / "index.html").is_file():
            return site
        with engine.connect() as connection:
            documents = validation_documents(connection, run_id)
        if not documents:
            return None
        shutil.rmtree(site, ignore_errors=True)
        build_data_docs(documents, site)
        return site


class DocsCache:
    """Where this process keeps the Data Docs sites it rendered: a private folder made on the first request (every
    task process imports the plugin; none of them should leave a folder behind)."""

    def __init__(self):
        self._folder: Path | None = None
        self._lock = threading.Lock()

    def folder(self) -> Path:
        with self._lock:
            if self._folder is None or not self._folder.is_dir():
                self._folder = Path(tempfile.mkdtemp(prefix="roster-data-docs-"))
            return self._folder


def safe_file(site: Path, path: str) -> Path | None:
    """``path`` inside ``site`` (no escape by ``..`` or links), or ``None``."""
    target = (site / path).resolve()
    root = site.resolve()
    return target if target.is_file() and (target == root or root in target.parents) else None
