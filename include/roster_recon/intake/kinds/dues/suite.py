"""A dues export's expectation suite: a payment needs a well-formed ID number and a readable payment time; the
rest is warned about (``rows.dues_soft_problems``)."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import great_expectations.expectations as gxe

from roster_recon.intake.expectations import HARD, TABLE
from roster_recon.intake.kinds.county import suite as county

NAME = "dues_payment_export"
DOCS_PREFIX = "dues"


def expectations() -> list[tuple[str, str, gxe.Expectation]]:
    table = [rule for rule in county.expectations() if rule[1] == TABLE and rule[0] != "name_column"]
    ids = [rule for rule in county.expectations() if rule[0] in ("id_missing", "id_invalid")]
    return [
        *table,
        ("paid_at_column", TABLE, gxe.ExpectColumnToExist(column="paid_at")),
        *ids,
        ("payment_time_missing", HARD, gxe.ExpectColumnValuesToNotBeNull(column="paid_at")),
    ]
