"""A county ledger's expectation suite: the contract's hard row rules (rejecting) and the four clears (warning).

Each rule is (code, severity, expectation); the code names it in the feedback and in ``reporting.validation_summary``.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import great_expectations.expectations as gxe

from roster_recon.intake.expectations import (
    HARD,
    SOFT,
    TABLE,
    ExpectColumnValuesToBeValidCnIdNumber,
    ExpectCompoundColumnsToBeFirstOccurrence,
)
from roster_recon.intake.normalise import MAX_BRANCH

NAME = "mobile_member_roster"
DOCS_PREFIX = "county"


def expectations() -> list[tuple[str, str, gxe.Expectation]]:
    return [
        ("rows_present", TABLE, gxe.ExpectTableRowCountToBeBetween(min_value=1)),
        # Names the files of the batch in Data Docs, and checks the batch holds exactly those.
        (
            "files_in_batch",
            TABLE,
            gxe.ExpectColumnDistinctValuesToBeInSet(column="file_name", value_set={"$PARAMETER": "files_in_batch"}),
        ),
        ("name_column", TABLE, gxe.ExpectColumnToExist(column="name")),
        ("id_number_column", TABLE, gxe.ExpectColumnToExist(column="id_number")),
        ("name_missing", HARD, gxe.ExpectColumnValuesToNotBeNull(column="name")),
        ("id_missing", HARD, gxe.ExpectColumnValuesToNotBeNull(column="id_number")),
        ("id_invalid", HARD, ExpectColumnValuesToBeValidCnIdNumber(column="id_number")),
        # A branch is a key of the warehouse's indexes (at most ~2,700 bytes an entry): a paragraph pasted into the
        # cell is a note, not a name, and would stop every county's merge.
        ("branch_too_long", HARD, gxe.ExpectColumnValueLengthsToBeBetween(column="branch", max_value=MAX_BRANCH)),
        (
            "id_repeated_in_branch",
            HARD,
            ExpectCompoundColumnsToBeFirstOccurrence(
                column_list=["file_key", "branch", "id_number"], ignore_row_if="any_value_is_missing"
            ),
        ),
        ("outflow_date_missing", SOFT, gxe.ExpectColumnValuesToNotBeNull(column="outflow_date")),
        ("destination_missing", SOFT, gxe.ExpectColumnValuesToNotBeNull(column="destination")),
        ("phone_missing_or_invalid", SOFT, gxe.ExpectColumnValuesToNotBeNull(column="phone_if_valid")),
        ("industry_missing", SOFT, gxe.ExpectColumnValuesToNotBeNull(column="industry")),
    ]
