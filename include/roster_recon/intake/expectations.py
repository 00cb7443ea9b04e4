"""The severities of a suite's rules, and the two rules Great Expectations does not have, as custom expectations: a
well-formed Chinese ID number (GB 11643, ``normalise.valid_id_numbers``) and "an ID number repeated within a branch",
which marks only the later rows.

Importing this module registers them with GX; it imports ``great_expectations``, so only tasks import it.
"""

from __future__ import annotations

import warnings
from typing import ClassVar

import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from great_expectations.execution_engine import PandasExecutionEngine
    from great_expectations.expectations.expectation import ColumnMapExpectation, MulticolumnMapExpectation
    from great_expectations.expectations.metrics.map_metric_provider import (
        ColumnMapMetricProvider,
        MulticolumnMapMetricProvider,
        column_condition_partial,
        multicolumn_condition_partial,
    )

from roster_recon.intake.normalise import valid_id_numbers

# A rule's severity: a hard rule rejects the row, a soft one warns, a table rule rejects the whole file.
HARD, SOFT, TABLE = "hard", "soft", "table"


class ColumnValuesValidCnIdNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_cn_id_number"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        # Nulls are the "ID missing" expectation's to report, not this one's.
        return pd.Series(valid_id_numbers(column) | column.isna().to_numpy(dtype=bool), index=column.index)


class ExpectColumnValuesToBeValidCnIdNumber(ColumnMapExpectation):
    """Each value is an 18-character GB 11643 ID number: format, real birth date, MOD 11-2 check character."""

    map_metric = "column_values.valid_cn_id_number"
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict] = {"tags": ["roster", "pii"], "contributors": ["roster_recon"]}


class MulticolumnValuesFirstOccurrence(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.first_occurrence"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_list",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, **kwargs) -> pd.Series:
        return ~column_list.duplicated(keep="first")


class ExpectCompoundColumnsToBeFirstOccurrence(MulticolumnMapExpectation):
    """No row repeats the values of the columns of an earlier row; the first occurrence is kept."""

    map_metric = "multicolumn_values.first_occurrence"
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict] = {"tags": ["roster"], "contributors": ["roster_recon"]}
