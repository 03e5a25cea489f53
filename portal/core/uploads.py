"""Uploaded evidence files, checked by their content and stored outside the web root.

The type is decided by the file's first bytes, never by its name or the browser's word: a
text file called `paspoort.pdf` is refused. Files live under the documents folder
(`PORTAL_DOCUMENTS_DIR`), per regio, under a random name; a package serves them only through
its own route to whoever may see the row that points to them. A package writes the file
before its row and removes it again when its transaction fails (`stored_file`), so no row
ever points to a missing file.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from portal.core.validation import ValidationFailed

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)

# Magic numbers of the accepted types, and the extension a download gets.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
TOO_LARGE = (
    f"Het bestand is te groot. Een document mag maximaal {MAX_FILE_MB} MB zijn. Maak een scan "
    "met een lagere resolutie, of splits het document."
)
EMPTY = "Het bestand is leeg. Kies het goede bestand."
WRONG_TYPE = (
    "Dit bestand is geen PDF, JPEG of PNG (gekeken naar de inhoud, niet naar de naam). Sla "
    "het op als PDF of maak er een foto of scan van."
)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its safe name, type and bytes."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class StoredDocument:
    filename: str
    content_type: str
    content: bytes


def sniff(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None for anything else."""
    for magic, content_type, extension in SIGNATURES:
        if content.startswith(magic):
            return content_type, extension
    return None


def check(field: str, filename: str, content: bytes) -> CheckedFile:
    """The upload as it may be stored, or ValidationFailed on `field` in Dutch."""
    if not content:
        raise ValidationFailed({field: EMPTY})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed({field: TOO_LARGE})
    kind = sniff(content)
    if kind is None:
        raise ValidationFailed({field: WRONG_TYPE})
    content_type, extension = kind
    return CheckedFile(safe_name(filename, extension), content_type, content)


def safe_name(raw: str, extension: str) -> str:
    """The name to keep: the last path part, letters, digits, dash and space, our extension."""
    stem = Path(raw.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- ]+", "", stem, flags=re.UNICODE).strip()[:100] or "document"
    return f"{stem}.{extension}"


def content_disposition(filename: str) -> str:
    """The download header for a stored name in any script (RFC 6266): `filename*` carries
    the name in UTF-8, and `filename` an ASCII stand-in for clients that know only that.
    A header is Latin-1 on the wire, so the name itself can never go there as it is."""
    stem, _, extension = filename.rpartition(".")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9_\- ]+", "", ascii_stem).strip() or "document"
    fallback = f"{ascii_stem}.{extension}" if extension else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def path_of(root: Path, tenant_id: int, storage_key: str) -> Path:
    """Where a stored file lives: never a name a user typed."""
    return root / str(tenant_id) / storage_key


@contextmanager
def stored_file(root: Path, tenant_id: int, content: bytes) -> Iterator[str]:
    """Write `content` under a new random key and yield the key; when the block fails (its
    transaction rolls back) the file is removed again."""
    storage_key = secrets.token_hex(24)
    path = path_of(root, tenant_id, storage_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    try:
        yield storage_key
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def read(root: Path, tenant_id: int, storage_key: str) -> bytes | None:
    """A stored file's bytes, or None when it is gone."""
    path = path_of(root, tenant_id, storage_key)
    return path.read_bytes() if path.is_file() else None


def remove(root: Path, tenant_id: int, storage_key: str) -> None:
    path_of(root, tenant_id, storage_key).unlink(missing_ok=True)
