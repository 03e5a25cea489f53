"""The BSN: elfproef, padding, and that it is never stored in plain text."""

from __future__ import annotations

import pytest

from portal.core import bsn


def test_valid_bsn_passes_and_is_normalised() -> None:
    assert bsn.normalise("999990019") == "999990019"
    assert bsn.normalise(" 9999.900.19 ") == "999990019"


def test_eight_digits_are_padded_with_a_leading_zero() -> None:
    # 11122237 is 011122237 after padding, which passes the elfproef.
    assert bsn.normalise("11122237") == "011122237"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("123456789", "elfproef"),
        ("12345", "8 of 9 cijfers"),
        ("abcdefghi", "8 of 9 cijfers"),
        ("1234567890", "8 of 9 cijfers"),
    ],
)
def test_wrong_numbers_get_a_dutch_reason(raw: str, message: str) -> None:
    with pytest.raises(bsn.InvalidBsn, match=message):
        bsn.normalise(raw)


def test_encryption_round_trip_and_no_plain_text() -> None:
    key = "k" * 40
    sealed = bsn.encrypt("999990019", key)
    assert "999990019" not in sealed
    assert bsn.decrypt(sealed, key) == "999990019"
    assert bsn.encrypt("999990019", key) != sealed  # a fresh nonce every time


def test_index_is_stable_per_key_and_differs_between_keys() -> None:
    assert bsn.index("999990019", "a" * 40) == bsn.index("999990019", "a" * 40)
    assert bsn.index("999990019", "a" * 40) != bsn.index("999990019", "b" * 40)
