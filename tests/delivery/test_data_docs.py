"""Data Docs as the Rosters page serves them: every script, style sheet and image from the site itself."""

from __future__ import annotations

import re

import pandas as pd
from helpers import id_number

from roster_recon.delivery.data_docs import ASSET_DIR, build_data_docs


def test_data_docs_pages_load_nothing_from_another_host(tmp_path, validator):
    frame = pd.DataFrame(
        {"name": ["甲", None], "id_number": [id_number(1), "123"], "branch": ["甲支部", "甲支部"]},
        index=[0, 1],
    )
    validator.validate(frame, "county_360922", "run 360922 (1 file)")
    index = build_data_docs(validator.documents[-1:], tmp_path / "site")
    pages = list(index.parent.rglob("*.html"))
    assert len(pages) >= 2  # the index and a validation page
    for page in pages:
        text = page.read_text(encoding="utf-8")
        loaded = re.findall(r"<(?:script|link|img)\b[^>]*?(?:src|href)=[\"']([^\"']+)", text, flags=re.IGNORECASE)
        assert loaded and not [url for url in loaded if re.match(r"(https?:)?//", url)], (page, loaded)
        depth = len(page.relative_to(index.parent).parts) - 1
        for url in loaded:
            if ASSET_DIR in url:
                assert url.startswith("../" * depth + ASSET_DIR)
                assert (page.parent / url).resolve().is_file()
    assert (index.parent / ASSET_DIR / "bootstrap.min.css").stat().st_size > 100_000
