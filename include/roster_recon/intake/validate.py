"""Validation with Great Expectations: the suite is code here, and GX's verdict decides which rows are rejected.

The contract's hard row rules are expectations whose failing rows (``unexpected_index_list`` under the COMPLETE
result format) are the rows the pipeline rejects; there is no second copy of those rules to disagree with GX.
The four clears are soft expectations: reported, never rejecting. Two custom expectations (``expectations.py``) carry
the rules GX does not have. Written against great-expectations 1.24.1 (pinned).

Nothing here writes a shared file: each task validates in an ephemeral context, the results (counts only, no row
values) go to the warehouse, and the report task renders Data Docs from them once per run.

``great_expectations`` is imported here, so this module is imported only inside tasks, never at DAG parse time.
"""

from __future__ import annotations

import importlib
import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

from roster_recon.intake.expectations import HARD, SOFT

log = logging.getLogger(__name__)
for noisy in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
    logging.getLogger(noisy).setLevel(logging.ERROR)

SUITE_NAME = "mobile_member_roster"
DATASOURCE_NAME = "county_rosters"


def suite_of(kind: str):
    """The expectation suite of a kind of input, ``intake/kinds/<kind>/suite.py`` (``NAME``, ``DOCS_PREFIX``,
    ``expectations()``); it builds GX expectations, so only this module and Data Docs load it."""
    return importlib.import_module(f"roster_recon.intake.kinds.{kind}.suite")


def validated_columns(rules: list[tuple[str, str, gxe.Expectation]]) -> list[str]:
    """The columns a suite's expectations name, in order: only these go to GX (never the raw phone or address)."""
    named = []
    for _, _, expectation in rules:
        named += [getattr(expectation, "column", None), *(getattr(expectation, "column_list", None) or [])]
    return list(dict.fromkeys(column for column in named if column))


@dataclass
class RuleResult:
    rule: str
    severity: str
    column: str | None
    success: bool
    element_count: int | None
    unexpected_count: int | None
    unexpected_percent: float | None


@dataclass
class ValidationOutcome:
    """What GX decided for a batch: every rule's result, and the failing row labels of every row-level rule."""

    results: list[RuleResult] = field(default_factory=list)
    unexpected: dict[str, list[int]] = field(default_factory=dict)

    @property
    def rejected(self) -> dict[str, list[int]]:
        """Failing row labels per hard rule (the rows the pipeline rejects)."""
        hard = {result.rule for result in self.results if result.severity == HARD}
        return {rule: labels for rule, labels in self.unexpected.items() if rule in hard and labels}

    @property
    def rejected_rows(self) -> set[int]:
        return {label for labels in self.rejected.values() for label in labels}

    def split(self, keys: np.ndarray, files: range) -> dict[int, ValidationOutcome]:
        """The outcome for each file of a county's batch; ``keys[label]`` is the file of the row labelled ``label``.

        Each rule's failing labels are grouped by file once (array indexing), not searched once per file. A file
        with no rows gets its own verdict on ``rows_present``.
        """
        keys = np.asarray(keys, dtype=np.int64)
        sizes = np.bincount(keys, minlength=len(files)) if len(keys) else np.zeros(len(files), dtype=np.int64)
        by_file = {}
        for rule, labels in self.unexpected.items():
            labels = np.asarray(labels, dtype=np.int64)
            owners = keys[labels]
            by_file[rule] = {int(key): labels[owners == key].tolist() for key in np.unique(owners)}
        split = {}
        for key in files:
            count = int(sizes[key])
            sliced = ValidationOutcome()
            for result in self.results:
                if result.rule not in self.unexpected:  # table-level: holds for the batch
                    success = result.success if result.rule != "rows_present" else count > 0
                    sliced.results.append(RuleResult(result.rule, result.severity, result.column, success, *[None] * 3))
                    continue
                mine = by_file[result.rule].get(key, [])
                sliced.unexpected[result.rule] = mine
                percent = round(100.0 * len(mine) / count, 4) if count else 0.0
                sliced.results.append(
                    RuleResult(result.rule, result.severity, result.column, not mine, count, len(mine), percent)
                )
            split[key] = sliced
        return split


class RosterValidator:
    """An ephemeral GX context (nothing on disk), the suite built in code, one checkpoint per county batch.

    Mapped ingest tasks run at the same time in separate processes, possibly on separate hosts: a GX *file* context
    that several of them write (suite, datasource, checkpoint JSON) corrupts (seen under a real scheduler). Each task
    therefore builds its own in-memory context; what must outlive the task is the validation result, which
    ``stored_result`` turns into a JSON document with no row values for the warehouse, and from which the report
    task renders Data Docs once per run (``delivery.data_docs``).
    """

    def __init__(self, kind: str = "county"):
        self.kind = kind
        suite = suite_of(kind)
        suite_name, expectations, self.asset_prefix = suite.NAME, suite.expectations, suite.DOCS_PREFIX
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        # GX files every result in the context's results store as indented JSON: a deep copy and a dump of every
        # unexpected index and value (seconds at a million rows) into a store this ephemeral context never reads.
        # What outlives the task is ``stored_result``'s document, which holds no row values.
        self.context.validation_results_store.serialize = _not_kept
        self.rules = expectations()
        self.columns = validated_columns(self.rules)
        self.suite = self.context.suites.add(build_suite(self.rules, suite_name))
        self.datasource = self.context.data_sources.add_pandas(DATASOURCE_NAME)
        self._checkpoints: dict[str, gx.Checkpoint] = {}
        self.documents: list[dict] = []

    def _checkpoint(self, asset_name: str) -> gx.Checkpoint:
        if asset_name not in self._checkpoints:
            asset = self.datasource.add_dataframe_asset(asset_name)
            batch_definition = asset.add_batch_definition_whole_dataframe("whole_batch")
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=asset_name, data=batch_definition, suite=self.suite)
            )
            self._checkpoints[asset_name] = self.context.checkpoints.add(
                gx.Checkpoint(
                    name=f"roster_{asset_name}",
                    validation_definitions=[definition],
                    actions=[],
                    result_format={"result_format": "COMPLETE"},
                )
            )
        return self._checkpoints[asset_name]

    def for_folder(self, run_id: str, county_code: str) -> CountyValidation:
        """What validates a county's batches in a run, and keeps the documents they produced."""
        return CountyValidation(self, run_id, county_code)

    def validate(
        self, roster: pd.DataFrame, asset_name: str, run_name: str, file_names: list[str] | None = None
    ) -> ValidationOutcome:
        """Validate a normalised batch (one file, or a county's files told apart by ``file_key``).

        Index labels identify rows; they must be unique. ``run_name`` is what Data Docs shows for this validation;
        ``file_names`` the files of the batch. The result, without any row value, is appended to ``documents``.
        """
        frame = roster.loc[:, [c for c in self.columns if c in roster.columns]]
        if "file_key" not in frame.columns:
            frame = frame.assign(file_key=0)
        if "file_name" not in frame.columns:
            frame = frame.assign(file_name=run_name)
        # The files of the batch, those with no rows (empty rosters) too, so Data Docs name every one.
        files_in_batch = sorted(set(file_names or []) | set(frame["file_name"].unique().tolist()))
        result = self._checkpoint(asset_name).run(
            batch_parameters={"dataframe": frame},
            expectation_parameters={"files_in_batch": files_in_batch},
            run_id=gx.RunIdentifier(run_name=run_name),
        )
        outcome = ValidationOutcome()
        for run_result in result.run_results.values():
            for expectation_result in run_result.results:
                config = expectation_result.expectation_config
                meta = config.meta or {}
                details = expectation_result.result or {}
                rule, severity = meta.get("rule", config.type), meta.get("severity", SOFT)
                column = config.kwargs.get("column") or ",".join(config.kwargs.get("column_list", [])) or None
                outcome.results.append(
                    RuleResult(
                        rule=rule,
                        severity=severity,
                        column=column,
                        success=bool(expectation_result.success),
                        element_count=details.get("element_count"),
                        unexpected_count=details.get("unexpected_count"),
                        unexpected_percent=details.get("unexpected_percent"),
                    )
                )
                if severity in (HARD, SOFT):
                    outcome.unexpected[rule] = _index_labels(details.get("unexpected_index_list") or [])
            self.documents.append(
                {
                    "asset_name": asset_name,
                    "run_name": run_name,
                    "run_time": result.run_id.run_time.isoformat(),
                    "result": stored_result(run_result),
                }
            )
        return outcome


class CountyValidation:
    """``validation(batch, file_names)`` validates one batch of a county's files; each batch is an asset of its own
    (``county_<code>``, then ``county_<code>_2`` …), so Data Docs show every one. ``documents`` are the county's."""

    def __init__(self, validator: RosterValidator, run_id: str, county_code: str):
        self.validator, self.run_id, self.county_code = validator, run_id, county_code
        self.documents: list[dict] = []

    def __call__(self, batch: pd.DataFrame, file_names: list[str]) -> ValidationOutcome:
        number = len(self.documents) + 1
        asset = f"{self.validator.asset_prefix}_{self.county_code}" + (f"_{number}" if number > 1 else "")
        run_name = f"{self.run_id} {self.county_code} ({len(file_names)} files)"
        outcome = self.validator.validate(batch, asset, run_name, file_names)
        self.documents.append(self.validator.documents.pop())  # the county's, not kept twice
        return outcome


def validator_for(kind: str, reuse: RosterValidator | None = None) -> RosterValidator:
    """A validator with the suite of a kind of roster: ``reuse`` when it has that suite, else a new one."""
    return reuse if reuse is not None and reuse.kind == kind else RosterValidator(kind)


def build_suite(rules: list[tuple[str, str, gxe.Expectation]], name: str = SUITE_NAME) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=name)
    for code, severity, expectation in rules:
        expectation.meta = {"rule": code, "severity": severity}
        suite.add_expectation(expectation)
    return suite


# Keys of an expectation result that carry row values or row positions. COMPLETE lists the unexpected values (raw
# ID numbers among them); the pipeline needs only the indices, in memory, and stores counts.
ROW_LEVEL_KEYS = frozenset(
    {
        "unexpected_list",
        "unexpected_index_list",
        "unexpected_index_query",
        "unexpected_index_column_names",
        "unexpected_rows",
        "partial_unexpected_list",
        "partial_unexpected_index_list",
        "partial_unexpected_counts",
        "details",
    }
)


def stored_result(run_result) -> dict:
    """A suite validation result as JSON, stripped of every row value and row index (what may be kept and shown).

    The row-level keys are dropped from ``run_result`` itself first (its verdict has been read by then): GX's
    ``to_json_dict`` deep-copies and converts everything it holds, a million row indices included.
    """
    for expectation_result in run_result.results:
        details = expectation_result.result or {}
        expectation_result.result = {key: value for key, value in details.items() if key not in ROW_LEVEL_KEYS}
    document = run_result.to_json_dict()
    for expectation_result in document.get("results", []):
        details = expectation_result.get("result") or {}
        expectation_result["result"] = {key: value for key, value in details.items() if key not in ROW_LEVEL_KEYS}
        expectation_result["expectation_config"].pop("rendered_content", None)
        expectation_result.pop("rendered_content", None)
    return document


def _not_kept(_result) -> None:
    """What the ephemeral context's results store keeps of a result: nothing."""
    return None


def _index_labels(unexpected: list) -> list[int]:
    """Row labels from GX's unexpected_index_list (plain labels, or dicts for multicolumn expectations)."""
    labels = []
    for item in unexpected:
        if isinstance(item, dict):
            item = item.get("index", next(iter(item.values())))
        labels.append(int(item))
    return labels
