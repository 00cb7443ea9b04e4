"""Replay: the flags of any past run date, recomputed from what the warehouse holds, against what that date recorded.

Evidence is kept for ever with the as-of date of the run that loaded it, roster entries and both sides' categories
with their history, and flags with the days they were raised and closed. So the state at the end of a date (its last
run) can be rebuilt (``sql/flag_inputs_as_of.sql``, ``sql/contact_latest.sql``) and the run's own rules applied to it
(``sql/wanted_flags.sql``, the statement the run used). Nothing is written: the transaction is rolled back.

``python -m roster_recon.warehouse.replay 2026-11-26`` compares every flag of that date;
``… 2026-11-26 --member <member key or its first characters>`` answers "why was this member flagged on that date":
the flags recorded and recomputed, with their detail, and every piece of evidence known by then.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from roster_recon import warehouse

FlagKey = tuple[str, str, str, str]  # member_key, county_code, branch, flag


@dataclass
class Replay:
    as_of: dt.date
    lost_contact_months: int
    recorded: set[FlagKey]
    recomputed: dict[FlagKey, str]  # -> detail
    evidence: list[tuple] = field(default_factory=list)  # the asked member's, when one was asked about

    @property
    def missing(self) -> set[FlagKey]:
        """Recorded that date, not recomputed."""
        return self.recorded - set(self.recomputed)

    @property
    def extra(self) -> set[FlagKey]:
        """Recomputed, not recorded that date."""
        return set(self.recomputed) - self.recorded

    @property
    def equal(self) -> bool:
        return not self.missing and not self.extra


class NoRunThatDateError(ValueError):
    """No run was merged as of the date asked about."""


def replay(connection, as_of: dt.date, member_key: str | None = None) -> Replay:
    """Recompute the flags of ``as_of`` on a psycopg2 connection (rolled back after); ``member_key`` narrows the
    answer to one member (a prefix is enough) and adds the evidence known about them by then."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(warehouse.sql("replay_run"), {"as_of": as_of})
            found = cursor.fetchone()
            if found is None:
                raise NoRunThatDateError(f"no run was merged as of {as_of}")
            params = {"as_of": as_of, "lost_contact_months": found[0], "member": f"{member_key or ''}%"}
            cursor.execute(warehouse.sql("replay_known_members"), params)
            cursor.execute(warehouse.sql("contact_latest"), params)
            cursor.execute(warehouse.sql("flag_inputs_as_of"), params)
            cursor.execute(warehouse.sql("wanted_flags"), params)
            cursor.execute(warehouse.sql("replay_wanted"), params)
            recomputed = {tuple(row[:4]): row[4] for row in cursor.fetchall()}
            cursor.execute(warehouse.sql("replay_recorded_flags"), params)
            recorded = {tuple(row) for row in cursor.fetchall()}
            evidence = []
            if member_key:
                cursor.execute(warehouse.sql("replay_member_evidence"), params)
                evidence = cursor.fetchall()
        return Replay(as_of, found[0], recorded, recomputed, evidence)
    finally:
        connection.rollback()


def explain(result: Replay, member_key: str | None) -> list[str]:
    """The replay as lines a data engineer reads: the verdict, and for one member their flags and evidence."""
    verdict = "equal" if result.equal else f"{len(result.missing)} missing, {len(result.extra)} extra"
    lines = [
        f"replay as of {result.as_of} (lost contact after {result.lost_contact_months} months): "
        f"{len(result.recorded)} flags recorded, {len(result.recomputed)} recomputed: {verdict}"
    ]
    for label, keys in (("recorded, not recomputed", result.missing), ("recomputed, not recorded", result.extra)):
        lines += [f"  {label}: {key[0][:12]}… {key[1]} {key[2]} {key[3]}" for key in sorted(keys)[:20]]
    if member_key:
        lines.append(f"member {member_key}…, flags that day:")
        for key in sorted(result.recorded | set(result.recomputed)):
            state = "recorded" if key in result.recorded else "NOT recorded"
            lines.append(f"  {key[3]} on {key[1]} {key[2]} ({state}): {result.recomputed.get(key, '(not recomputed)')}")
        lines.append("evidence known by then (newest first):")
        lines += [
            f"  {occurred} {source:<12} {where or '':<8} {file_name} (loaded by the run of {known})"
            for occurred, source, where, file_name, known in result.evidence
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("as_of", type=dt.date.fromisoformat, help="the run date to replay (YYYY-MM-DD)")
    parser.add_argument("--member", help="a member key, or its first characters")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("ROSTER_DATA_DIR", ".data")))
    parser.add_argument(
        "--warehouse-url",
        default=os.environ.get("AIRFLOW_CONN_ROSTER_WAREHOUSE"),
        help="the warehouse (default: AIRFLOW_CONN_ROSTER_WAREHOUSE, else the embedded one under --data-dir)",
    )
    args = parser.parse_args(argv)
    engine = warehouse.create_engine(args.warehouse_url, args.data_dir)
    try:
        with warehouse.raw_connection(engine) as connection:
            result = replay(connection, args.as_of, args.member)
    except NoRunThatDateError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print("\n".join(explain(result, args.member)))
    return 0 if result.equal else 1


if __name__ == "__main__":
    sys.exit(main())
