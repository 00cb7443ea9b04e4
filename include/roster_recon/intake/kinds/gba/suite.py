"""A GBA committee's branch roster's expectation suite: the county's hard rules (name, ID number); soft, its own."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import great_expectations.expectations as gxe

from roster_recon.intake.expectations import SOFT
from roster_recon.intake.kinds.county import suite as county

NAME = "gba_branch_roster"
DOCS_PREFIX = "gba"


def expectations() -> list[tuple[str, str, gxe.Expectation]]:
    hard = [rule for rule in county.expectations() if rule[1] != SOFT]
    return [
        *hard,
        ("home_county_unknown", SOFT, gxe.ExpectColumnValuesToNotBeNull(column="home_county_code")),
        ("phone_invalid", SOFT, gxe.ExpectColumnValuesToNotBeNull(column="phone_if_valid_or_absent")),
    ]
