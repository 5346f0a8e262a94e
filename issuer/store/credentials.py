"""Issued credentials: idempotent recording and status changes (issue #3, items 5-6)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from issuer.db.models import IssuedCredential, StatusAllocation, StatusList
from issuer.store.base import StoreBase, credential_record, same_request, table_of
from issuer.store.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from issuer.store.records import (
    AuditEvent,
    CredentialRecord,
    CredentialState,
    StatusChange,
    StatusPurpose,
    StatusSlot,
)
from vcred.status.bitstring import Bitstring

__all__ = ["CredentialMixin"]


class CredentialMixin(StoreBase):
    """Issued credentials: idempotent recording and status changes (issue #3, items 5-6)."""

    def find_idempotent(
        self, entity: str, *, client_ref: str, idempotency_key: str, request_digest: str
    ) -> CredentialRecord | None:
        """The credential already recorded under this idempotency key, if any.

        ``idempotency_mismatch`` when the key was used with a different request digest.
        """
        with self._read() as session:
            owner = self._entity(session, entity)
            row = self._by_idempotency(session, owner.id, client_ref, idempotency_key)
            if row is None:
                return None
            same_request(row, request_digest)
            return self._credential_record(session, entity, row)

    @staticmethod
    def _by_idempotency(
        session: Session, entity_id: int, client_ref: str, key: str
    ) -> IssuedCredential | None:
        return session.scalars(
            select(IssuedCredential).where(
                IssuedCredential.entity_id == entity_id,
                IssuedCredential.client_ref == client_ref,
                IssuedCredential.idempotency_key == key,
            )
        ).one_or_none()

    def record_credential(
        self,
        entity: str,
        *,
        credential_id: str,
        credential_type: str,
        subject_ref: str,
        issued_at: datetime,
        client_ref: str,
        status: Sequence[StatusSlot] = (),
        codigo_tramite: str | None = None,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        idempotency_key: str | None = None,
        request_digest: str | None = None,
        document: str | None = None,
    ) -> CredentialRecord:
        """Record a signed credential, bind its status slots to it and audit it, atomically.

        With an ``idempotency_key`` (and its ``request_digest``), a repeated request returns
        the row already recorded, or raises ``idempotency_mismatch`` if its body differed.
        """
        if (idempotency_key is None) != (request_digest is None):
            raise InvalidInput("idempotency_key and request_digest go together")
        for attempt in (1, 2):
            try:
                return self._record(
                    entity,
                    IssuedCredential(
                        credential_id=credential_id,
                        credential_type=credential_type,
                        codigo_tramite=codigo_tramite,
                        subject_ref=subject_ref,
                        client_ref=client_ref,
                        idempotency_key=idempotency_key,
                        request_digest=request_digest,
                        issued_at=issued_at,
                        valid_from=valid_from,
                        valid_until=valid_until,
                        state="active",
                        document=document,
                    ),
                    status,
                )
            except IntegrityError as exc:
                # A concurrent request with the same idempotency key won: the second attempt
                # finds its row. Anything else is a duplicate credential id.
                if attempt == 2 or idempotency_key is None:
                    raise Conflict(f"credential {credential_id!r} already exists") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _record(
        self, entity: str, row: IssuedCredential, status: Sequence[StatusSlot]
    ) -> CredentialRecord:
        with self._write() as session:
            owner = self._entity(session, entity)
            if row.idempotency_key is not None and row.request_digest is not None:
                existing = self._by_idempotency(
                    session, owner.id, row.client_ref, row.idempotency_key
                )
                if existing is not None:
                    same_request(existing, row.request_digest)
                    return self._credential_record(session, entity, existing)
            row.entity_id = owner.id
            session.add(row)
            session.flush()
            for slot in status:
                if slot.entity != entity:
                    raise InvalidInput("a status slot of another entity")
                list_ids = select(StatusList.id).where(
                    StatusList.entity_id == owner.id,
                    StatusList.purpose == slot.purpose,
                    StatusList.seq == slot.seq,
                )
                slots = table_of(StatusAllocation)
                bound = session.execute(
                    update(slots)
                    .where(
                        slots.c.list_id.in_(list_ids.scalar_subquery()),
                        slots.c.status_index == slot.index,
                        slots.c.credential_id.is_(None),
                    )
                    .values(credential_id=row.id)
                    .returning(slots.c.list_id)
                ).all()
                if len(bound) != 1:
                    raise Conflict(f"status slot {slot} is not allocated or already bound")
            self._audit(
                session,
                owner,
                AuditEvent(
                    "credential.issued",
                    {
                        "credential_id": row.credential_id,
                        "type": row.credential_type,
                        "codigo_tramite": row.codigo_tramite,
                        "client": row.client_ref,
                        "status": [[s.purpose, s.seq, s.index] for s in status],
                    },
                ),
            )
            return credential_record(entity, row, tuple(status))

    def get_credential(self, entity: str, credential_id: str) -> CredentialRecord:
        """A credential of ``entity`` (``not_found`` for another entity's credential)."""
        with self._read() as session:
            owner = self._entity(session, entity)
            row = session.scalars(
                select(IssuedCredential).where(
                    IssuedCredential.credential_id == credential_id,
                    IssuedCredential.entity_id == owner.id,
                )
            ).one_or_none()
            if row is None:
                raise NotFound(f"entity {entity!r} has no credential {credential_id!r}")
            return self._credential_record(session, entity, row)

    @staticmethod
    def _slots(session: Session, entity: str, credential_pk: int) -> tuple[StatusSlot, ...]:
        rows = session.execute(
            select(StatusList.purpose, StatusList.seq, StatusAllocation.index, StatusList.length)
            .join(StatusList, StatusList.id == StatusAllocation.list_id)
            .where(StatusAllocation.credential_id == credential_pk)
            .order_by(StatusList.purpose)
        )
        return tuple(
            StatusSlot(entity, cast(StatusPurpose, purpose), seq, index, length)
            for purpose, seq, index, length in rows
        )

    def _credential_record(
        self, session: Session, entity: str, row: IssuedCredential
    ) -> CredentialRecord:
        return credential_record(entity, row, self._slots(session, entity, row.id))

    def set_status(self, entity: str, credential_id: str, state: CredentialState) -> StatusChange:
        """Revoke, suspend or reactivate a credential: its state, its bit and the list version
        change in one transaction, durable once this returns (Bitstring Status List §2.1).

        Revocation is final (``invalid_transition`` afterwards); suspending needs a suspension
        entry; setting the current state again changes nothing.
        """
        if state not in ("active", "revoked", "suspended"):
            raise InvalidInput("state must be active, revoked or suspended")
        with self._write() as session:
            owner = self._entity(session, entity)
            row = session.scalars(
                select(IssuedCredential)
                .where(
                    IssuedCredential.credential_id == credential_id,
                    IssuedCredential.entity_id == owner.id,
                )
                .with_for_update(key_share=True)
            ).one_or_none()
            if row is None:
                raise NotFound(f"entity {entity!r} has no credential {credential_id!r}")
            if row.state == state:
                return StatusChange(self._credential_record(session, entity, row), False, {})
            if row.state == "revoked" or (state == "suspended" and row.state != "active"):
                raise InvalidTransition(f"a {row.state} credential cannot become {state}")
            purpose: StatusPurpose = "revocation" if state == "revoked" else "suspension"
            value = 0 if state == "active" else 1
            slots = self._slots(session, entity, row.id)
            slot = next((s for s in slots if s.purpose == purpose), None)
            if slot is None:
                raise InvalidTransition(f"credential {credential_id!r} has no {purpose} entry")
            now = self._clock()
            row.state, row.state_changed_at = state, now
            session.flush()
            status_list = session.scalars(
                select(StatusList)
                .where(
                    StatusList.entity_id == owner.id,
                    StatusList.purpose == purpose,
                    StatusList.seq == slot.seq,
                )
                .with_for_update(key_share=True)
            ).one()
            bits = Bitstring.from_bytes(status_list.bits)
            bits.set(slot.index, value)
            status_list.bits = bits.to_bytes()
            status_list.version += 1
            status_list.updated_at = now
            session.flush()
            self._audit(
                session,
                owner,
                AuditEvent(
                    "credential.status",
                    {"credential_id": credential_id, "state": state, "list": [purpose, slot.seq]},
                ),
            )
            record = credential_record(entity, row, slots)
            return StatusChange(record, True, {(purpose, slot.seq): status_list.version})
