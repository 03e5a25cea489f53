"""Documents attached to a warme overdracht: PDF, JPEG or PNG, checked by their content.

The type is decided by the file's first bytes, never by its name or the browser's word: a
text file called `paspoort.pdf` is refused. Files are stored under the documents folder
(`PORTAL_DOCUMENTS_DIR`), outside the web root, under a random name; they are served only
through the overdracht's own route, to who may see the overdracht, and every download is
written to the audit log. The file is written before the row; a failed transaction removes
the file again, so no row ever points to a missing file.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from partners.coa.handover import subject
from partners.coa.tables import Overdracht, OverdrachtDocument
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import ValidationFailed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 25 * 1024 * 1024
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)
MAX_TOTAL_MB = MAX_TOTAL_BYTES // (1024 * 1024)

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


def _safe_name(raw: str, extension: str) -> str:
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


def _path(root: Path, tenant_id: int, storage_key: str) -> Path:
    return root / str(tenant_id) / storage_key


async def attach(
    scope: Scope, overdracht_id: int, filename: str, content: bytes, root: Path
) -> int:
    """Attach a document while COA may still change the overdracht."""
    if scope.role is not Role.COA:
        raise NotFound("overdracht")
    data = TenantData(scope)
    await data.get_writable(Overdracht, overdracht_id, Overdracht.id)
    if not content:
        raise ValidationFailed({"document": "Het bestand is leeg. Kies het goede bestand."})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed({"document": TOO_LARGE})
    kind = sniff(content)
    if kind is None:
        raise ValidationFailed(
            {
                "document": "Dit bestand is geen PDF, JPEG of PNG (gekeken naar de inhoud, niet "
                "naar de naam). Sla het op als PDF of maak er een foto of scan van."
            }
        )
    content_type, extension = kind
    storage_key = secrets.token_hex(24)
    path = _path(root, scope.tenant_id or 0, storage_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    try:
        async with write_transaction():
            used = sum(
                row["size"]
                for row in await data.select(OverdrachtDocument, OverdrachtDocument.size).where(
                    OverdrachtDocument.overdracht == overdracht_id
                )
            )
            if used + len(content) > MAX_TOTAL_BYTES:
                raise ValidationFailed(
                    {
                        "document": f"Samen mogen de documenten van één overdracht maximaal "
                        f"{MAX_TOTAL_MB} MB zijn. Verwijder eerst een document dat niet nodig is."
                    }
                )
            document_id = await data.insert(
                OverdrachtDocument,
                overdracht=overdracht_id,
                filename=_safe_name(filename, extension),
                content_type=content_type,
                size=len(content),
                storage_key=storage_key,
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=scope.person_id,
            )
            await audit.record(
                scope,
                audit.AuditEvent(
                    "attach", "overdracht_document", document_id, subject_ref=subject(overdracht_id)
                ),
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return document_id


async def listing(scope: Scope, overdracht_id: int) -> list[dict[str, Any]]:
    """The documents of an overdracht the actor may see (names and sizes, no content)."""
    data = TenantData(scope)
    return await (
        data.select(
            OverdrachtDocument,
            OverdrachtDocument.id,
            OverdrachtDocument.filename,
            OverdrachtDocument.content_type,
            OverdrachtDocument.size,
            OverdrachtDocument.created_at,
            OverdrachtDocument.uploaded_by.full_name.as_alias("uploaded_by_name"),
        )
        .where(OverdrachtDocument.overdracht == overdracht_id)
        .order_by(OverdrachtDocument.id)
    )


async def _document(data: TenantData, overdracht_id: int, document_id: int, *, writable: bool):
    fetch = data.get_writable if writable else data.get
    row = await fetch(
        OverdrachtDocument,
        document_id,
        OverdrachtDocument.overdracht,
        OverdrachtDocument.filename,
        OverdrachtDocument.content_type,
        OverdrachtDocument.storage_key,
    )
    if row["overdracht"] != overdracht_id:
        raise NotFound("document")
    return row


async def download(
    scope: Scope, overdracht_id: int, document_id: int, root: Path
) -> StoredDocument:
    """The document's bytes for who may see the overdracht; every download is audited."""
    if scope.role not in (Role.COA, Role.REGIEVOERDER):
        raise NotFound("document")
    data = TenantData(scope)
    row = await _document(data, overdracht_id, document_id, writable=False)
    path = _path(root, scope.tenant_id or 0, row["storage_key"])
    if not path.is_file():
        raise NotFound("document file")
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "download", "overdracht_document", document_id, subject_ref=subject(overdracht_id)
            ),
        )
    return StoredDocument(row["filename"], row["content_type"], path.read_bytes())


async def remove(scope: Scope, overdracht_id: int, document_id: int, root: Path) -> None:
    """Remove a document while COA may still change the overdracht."""
    if scope.role is not Role.COA:
        raise NotFound("document")
    data = TenantData(scope)
    row = await _document(data, overdracht_id, document_id, writable=True)
    async with write_transaction():
        await data.delete(OverdrachtDocument, document_id)
        await audit.record(
            scope,
            audit.AuditEvent(
                "remove", "overdracht_document", document_id, subject_ref=subject(overdracht_id)
            ),
        )
    _path(root, scope.tenant_id or 0, row["storage_key"]).unlink(missing_ok=True)
