"""Probable matches measured: one-slip typos injected into the demo's members' ID numbers, matched by the rule.

``python -m bench.probable_matches [--typos 2000] [--seed 3]``

The population is the demo's month one (11,300 members, names drawn as the demo draws them, so names repeat as
Chinese names do). Each typo is one digit typed over another or two neighbours swapped, anywhere in the 18
characters, such that the check fails (a slip the check lets through is not broken, and not counted). A suggestion is
made, as ``warehouse/sql/reconcile_categories.sql`` makes it, when exactly one checksum-valid number one slip away is
a member with the row's name; ``tests/warehouse/test_reconcile.py`` holds the warehouse to the same on 600 typos.
Prints recall (typos whose member is suggested), precision (suggestions that are the right member) and why the
others were missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections import Counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--typos", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    from roster_recon.demo.people import Generator
    from roster_recon.intake.normalise import is_valid_id_number
    from roster_recon.intake.probable import candidates

    members = Generator(2026, dt.date(2026, 10, 26)).members()
    names = {member.id_number: member.name for member in members}
    rng = random.Random(args.seed)
    outcomes: Counter = Counter()
    injected = 0
    while injected < args.typos:
        member = rng.choice(members)
        typed = slip(member.id_number, rng)
        if is_valid_id_number(typed):
            continue
        injected += 1
        found = [number for number, _ in candidates(typed) if names.get(number) == member.name]
        if len(found) == 1:
            outcomes["right" if found[0] == member.id_number else "wrong"] += 1
        else:
            outcomes["ambiguous (two members of that name one slip away)" if found else "no candidate"] += 1
    suggested = outcomes["right"] + outcomes["wrong"]
    print(
        f"probable matches: {injected} one-slip typos over {len(members):,} members ({len(set(names.values())):,}"
        f" distinct names): recall {outcomes['right'] / injected:.4f}, precision"
        f" {outcomes['right'] / suggested if suggested else 1.0:.4f}; "
        + ", ".join(f"{why} {count}" for why, count in sorted(outcomes.items()))
    )


def slip(number: str, rng: random.Random) -> str:
    position = rng.randrange(0, 18)
    if rng.random() < 0.5 and position < 16:
        return number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    alphabet = "0123456789X" if position == 17 else "0123456789"
    return number[:position] + rng.choice([c for c in alphabet if c != number[position]]) + number[position + 1 :]


if __name__ == "__main__":
    main()
