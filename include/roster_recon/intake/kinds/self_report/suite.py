"""A 码上报 export's expectation suite: a report needs a well-formed ID number and a readable time; the rest is
warned about."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import great_expectations.expectations as gxe

from roster_recon.intake.expectations import HARD, SOFT, TABLE
from roster_recon.intake.kinds.county import suite as county

NAME = "self_report_export"
DOCS_PREFIX = "self_reports"


def expectations() -> list[tuple[str, str, gxe.Expectation]]:
    table = [rule for rule in county.expectations() if rule[1] == TABLE and rule[0] != "name_column"]
    ids = [rule for rule in county.expectations() if rule[0] in ("id_missing", "id_invalid")]
    return [
        *table,
        ("reported_at_column", TABLE, gxe.ExpectColumnToExist(column="reported_at")),
        *ids,
        ("report_time_missing", HARD, gxe.ExpectColumnValuesToNotBeNull(column="reported_at")),
        ("city_unknown", SOFT, gxe.ExpectColumnValuesToNotBeNull(column="city_code")),
        ("phone_invalid", SOFT, gxe.ExpectColumnValuesToNotBeNull(column="phone_if_valid_or_absent")),
    ]
