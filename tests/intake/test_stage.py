"""Staging: member keys are keyed hashes (32 bytes), the same one at a time or in bulk, and no raw ID reaches a
staged row."""

from __future__ import annotations

from helpers import id_number

from roster_recon.intake.stage import member_key, member_keys


def test_member_keys_in_bulk_equal_one_at_a_time():
    ids = [id_number(serial) for serial in range(50)]
    keys = member_keys(ids, b"secret")
    assert keys == [member_key(value, b"secret") for value in ids]
    assert len(set(keys)) == 50 and all(len(key) == 32 for key in keys)
    assert not any(value.encode("ascii") in key or value in key.hex() for key, value in zip(keys, ids, strict=True))
    assert member_keys(ids[:3], b"another secret") != keys[:3]


def test_masked_id_numbers_by_column_equal_one_at_a_time():
    from roster_recon.intake.normalise import mask_id_number
    from roster_recon.intake.stage import masked_id_numbers

    ids = [id_number(serial) for serial in range(20)]
    assert masked_id_numbers(ids).to_pylist() == [mask_id_number(value) for value in ids]
    assert masked_id_numbers(ids)[0].as_py() == ids[0][:6] + "********" + ids[0][-4:]
    mixed = [*ids[:3], "36092219900101123", "12345"]  # not 18 characters: the one-value rule, value by value
    assert list(masked_id_numbers(mixed)) == [mask_id_number(value) for value in mixed]
    assert list(masked_id_numbers([])) == []
