"""The append-only, hash-chained audit log of each entity (issue #3, item 2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from issuer.db.models import AuditEntry
from issuer.store import hashing
from issuer.store.base import StoreBase
from issuer.store.records import AuditEvent, AuditRecord

__all__ = ["AuditMixin"]

_PAGE = 1000


class AuditMixin(StoreBase):
    """The append-only, hash-chained audit log of each entity (issue #3, item 2)."""

    def append_audit(self, entity: str, action: str, payload: Mapping[str, Any]) -> AuditRecord:
        """Append an entry to the entity's hash-chained audit log (no personal data in it)."""
        with self._write() as session:
            return self._audit(session, self._entity(session, entity), AuditEvent(action, payload))

    def audit_entries(self, entity: str, *, after_seq: int = 0) -> list[AuditRecord]:
        """The entity's audit entries after ``after_seq``, in order."""
        with self._read() as session:
            owner = self._entity(session, entity)
            rows = session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_id == owner.id, AuditEntry.seq > after_seq)
                .order_by(AuditEntry.seq)
            )
            return [
                AuditRecord(entity, r.seq, r.action, r.payload, r.created_at, r.prev_hash, r.hash)
                for r in rows
            ]

    def verify_audit_chain(self, entity: str) -> int | None:
        """The first ``seq`` at which the entity's chain is broken, or ``None`` if it holds.

        Each entry must follow the previous one (seq + 1, ``prev_hash``), hash to its ``hash``,
        and the last one must be the anchor kept on the entity row (so a cut tail shows).
        """
        # One snapshot for the anchor and every row, even while others append.
        with self._read(snapshot=True) as session:
            owner = self._entity(session, entity)
            expected_seq, prev = 1, hashing.AUDIT_GENESIS
            while True:
                # Keyset pages keep memory flat however long the chain is.
                rows = session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.entity_id == owner.id, AuditEntry.seq >= expected_seq)
                    .order_by(AuditEntry.seq)
                    .limit(_PAGE)
                ).all()
                for row in rows:
                    digest = hashing.audit_hash(
                        entity=entity,
                        seq=row.seq,
                        action=row.action,
                        payload=row.payload,
                        created_at=row.created_at,
                        prev_hash=row.prev_hash,
                    )
                    if row.seq != expected_seq or row.prev_hash != prev or row.hash != digest:
                        return expected_seq
                    expected_seq, prev = expected_seq + 1, row.hash
                session.expunge_all()
                if len(rows) < _PAGE:
                    break
            last = expected_seq - 1
            if owner.audit_seq != last:
                return min(owner.audit_seq, last) + 1
            if owner.audit_head != prev:
                return max(last, 1)
            return None
