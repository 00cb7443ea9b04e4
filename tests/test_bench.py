"""The benchmark harness's own pieces that run without a benchmark (``make bench`` itself is not part of the suite)."""

from __future__ import annotations

from bench import run


def test_the_generated_rosters_are_keyed_by_the_generators_source_and_the_reference_data():
    digest = run._generator_digest()
    assert len(digest) == 16 and int(digest, 16) >= 0
    assert digest == run._generator_digest()
