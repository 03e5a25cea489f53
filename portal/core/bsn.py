"""The BSN: elfproef, encryption at rest, and a keyed hash for look-up.

A BSN is never stored or logged in plain text and never travels in a URL. AES-GCM with a
key derived from PORTAL_DATA_KEY encrypts it; an HMAC of it, under another derived key,
finds duplicates without decrypting every row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from urllib.parse import unquote_plus

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from stdnum.exceptions import ValidationError
from stdnum.nl import bsn as stdnum_bsn


class InvalidBsn(ValueError):
    """The number fails the elfproef or has the wrong length; the message is Dutch."""


def normalise(raw: str) -> str:
    """Digits only, padded to 9 with leading zeros (8-digit BSNs exist), or InvalidBsn."""
    digits = "".join(ch for ch in raw if not ch.isspace() and ch not in ".-")
    if not digits.isdigit() or not 8 <= len(digits) <= 9:
        raise InvalidBsn("Een BSN bestaat uit 8 of 9 cijfers.")
    digits = digits.zfill(9)
    try:
        return stdnum_bsn.validate(digits)
    except ValidationError as exc:
        raise InvalidBsn("Dit BSN klopt niet (de elfproef faalt). Controleer het nummer.") from exc


# Nine digits, perhaps grouped by single spaces, dots or dashes ("123.456.782"), not part of
# a longer number.
_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){8}(?![0-9])")
MASK = "*********"


def _passes_elfproef(match: re.Match[str]) -> bool:
    return stdnum_bsn.is_valid("".join(ch for ch in match.group() if ch.isdigit()))


def contains(text: str) -> bool:
    """Whether a text (a URL, a query string, a log line; percent-encoding is undone first)
    holds a nine-digit number that passes the elfproef, that is: possibly a BSN."""
    return any(_passes_elfproef(m) for m in _NINE_DIGITS.finditer(unquote_plus(text)))


def mask(text: str) -> str:
    """The text with every possible BSN in it replaced by asterisks (percent-encoding is
    undone first, so an encoded number cannot slip through)."""
    decoded = unquote_plus(text)
    if not contains(decoded):
        return text
    return _NINE_DIGITS.sub(lambda m: MASK if _passes_elfproef(m) else m.group(), decoded)


def _derive(data_key: str, purpose: bytes) -> bytes:
    return hmac.new(data_key.encode(), purpose, hashlib.sha256).digest()


def index(bsn: str, data_key: str) -> str:
    """Keyed hash of a normalised BSN, for uniqueness and look-up."""
    return hmac.new(_derive(data_key, b"bsn-index"), bsn.encode(), hashlib.sha256).hexdigest()


def encrypt(bsn: str, data_key: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derive(data_key, b"bsn-encrypt")).encrypt(nonce, bsn.encode(), b"bsn")
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(cipher: str, data_key: str) -> str:
    raw = base64.urlsafe_b64decode(cipher.encode())
    return AESGCM(_derive(data_key, b"bsn-encrypt")).decrypt(raw[:12], raw[12:], b"bsn").decode()


def masked(last3: str) -> str:
    """What people outside the full view see: ******123."""
    return f"******{last3}"
