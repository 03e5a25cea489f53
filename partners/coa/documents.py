"""Documents attached to a warme overdracht: PDF, JPEG or PNG, checked by their content.

The checks and the storage are `portal/core/uploads.py` (shared with the convenants'
evidence): the type comes from the first bytes, never the name; files live outside the web
root under a random name and are written before the row, removed again when the transaction
fails. They are served only through the overdracht's own route, to who may see the
overdracht, and every download is written to the audit log.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from partners.coa.handover import subject
from partners.coa.tables import Overdracht, OverdrachtDocument
from portal.core import audit, uploads
from portal.core.database import write_transaction
from portal.core.uploads import MAX_FILE_BYTES, MAX_FILE_MB, TOO_LARGE, StoredDocument
from portal.core.validation import ValidationFailed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

__all__ = ["MAX_FILE_BYTES", "MAX_FILE_MB", "TOO_LARGE", "StoredDocument", "content_disposition"]

MAX_TOTAL_BYTES = 25 * 1024 * 1024
MAX_TOTAL_MB = MAX_TOTAL_BYTES // (1024 * 1024)
content_disposition = uploads.content_disposition


async def attach(
    scope: Scope, overdracht_id: int, filename: str, content: bytes, root: Path
) -> int:
    """Attach a document while COA may still change the overdracht."""
    if scope.role is not Role.COA:
        raise NotFound("overdracht")
    data = TenantData(scope)
    await data.get_writable(Overdracht, overdracht_id, Overdracht.id)
    checked = uploads.check("document", filename, content)
    with uploads.stored_file(root, scope.tenant_id or 0, content) as storage_key:
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
                filename=checked.filename,
                content_type=checked.content_type,
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
    content = uploads.read(root, scope.tenant_id or 0, row["storage_key"])
    if content is None:
        raise NotFound("document file")
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "download", "overdracht_document", document_id, subject_ref=subject(overdracht_id)
            ),
        )
    return StoredDocument(row["filename"], row["content_type"], content)


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
    uploads.remove(root, scope.tenant_id or 0, row["storage_key"])
