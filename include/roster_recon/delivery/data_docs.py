"""Data Docs: the run's stored GX results rendered as Great Expectations' site, served with its own assets.

GX's pages load Bootstrap, jQuery and friends from public CDNs; under the Airflow origin that would run third-party
scripts with the user's session, and a deployment may have no internet at all. Each rendered page is therefore
pointed at copies shipped in ``data_docs_assets/`` (copied into the site), and every other external script, style
sheet or image reference is removed. Links to greatexpectations.io stay links.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from roster_recon.intake.kinds import KINDS
from roster_recon.intake.validate import ProgressBarsConfig, build_suite, gx, suite_of

ASSETS = Path(__file__).resolve().parent / "data_docs_assets"
ASSET_DIR = "static/vendor"
# CDN file name -> the shipped copy that replaces it (the URL's last part names it).
LOCAL_COPIES = {
    "bootstrap.min.css": "bootstrap.min.css",
    "bootstrap.min.js": "bootstrap.min.js",
    "jquery-3.7.1.min.js": "jquery.min.js",
    "popper.min.js": "popper.min.js",
    "bootstrap-table.min.css": "bootstrap-table.min.css",
    "bootstrap-table.min.js": "bootstrap-table.min.js",
    "bootstrap-table-filter-control.min.js": "bootstrap-table-filter-control.min.js",
    "bootstrap-table-filter-control.min.css": "bootstrap-table-filter-control.min.css",
    "bootstrap-table-filter-control.css": "bootstrap-table-filter-control.min.css",
}
_EXTERNAL_TAG = re.compile(
    r"<(?:script|link)\b[^>]*?(?:src|href)=[\"'](https?:)?//[^\"']+[\"'][^>]*>(?:\s*</script>)?", re.IGNORECASE
)
_EXTERNAL_IMAGE = re.compile(r"""(src=["'])https?://[^"']+/([^/"']+["'])""", re.IGNORECASE)


def build_data_docs(documents: list[dict], site_dir: Path) -> Path | None:
    """Render stored validation results as a Data Docs site under ``site_dir`` (created here, must not exist).

    Called once per run by the report task. The site is rendered in a private scratch folder by a file context of
    its own and moved into place in one rename, so nobody sees a half-written site and no other task shares it.
    Returns the site's index page, or ``None`` when there is nothing to render.
    """
    import tempfile

    from great_expectations.core.expectation_validation_result import expectationSuiteValidationResultSchema
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    if not documents:
        return None
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".data-docs-", dir=site_dir.parent))
    try:
        context = gx.get_context(mode="file", project_root_dir=str(scratch))
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        for suite in (suite_of(kind.name) for kind in KINDS):
            context.suites.add(build_suite(suite.expectations(), suite.NAME))
        for document in documents:
            result = expectationSuiteValidationResultSchema.load(document["result"])
            key = ValidationResultIdentifier(
                expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
                run_id=gx.RunIdentifier(run_name=document["run_name"], run_time=document["run_time"]),
                batch_identifier=document["asset_name"],
            )
            context.validation_results_store.set(key, result)
        context.build_data_docs()
        site = scratch / "gx" / "uncommitted" / "data_docs" / "local_site"
        localise(site)
        shutil.rmtree(site_dir, ignore_errors=True)
        site.rename(site_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return site_dir / "index.html"


def localise(site: Path) -> None:
    """Point every page of ``site`` at the shipped assets and drop every other external script, style or image."""
    vendor = site / ASSET_DIR
    vendor.mkdir(parents=True, exist_ok=True)
    for name in set(LOCAL_COPIES.values()):
        shutil.copyfile(ASSETS / name, vendor / name)
    for page in site.rglob("*.html"):
        up = "../" * (len(page.relative_to(site).parts) - 1)
        text = page.read_text(encoding="utf-8")
        page.write_text(_localised(text, up), encoding="utf-8")


def _localised(page: str, up: str) -> str:
    def local(match: re.Match) -> str:
        tag = match.group(0)
        url = re.search(r"""(?:src|href)=["']([^"']+)["']""", tag).group(1)
        copy = LOCAL_COPIES.get(url.rstrip("/").rsplit("/", 1)[-1])
        return tag.replace(url, f"{up}{ASSET_DIR}/{copy}") if copy else ""

    page = _EXTERNAL_TAG.sub(local, page)
    return _EXTERNAL_IMAGE.sub(lambda m: f"{m.group(1)}{up}static/images/{m.group(2)}", page)
