"""Plumbing shared by the parts of the store: sessions, entity lookup, the audit append."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Literal, cast

from sqlalchemy import Engine, Insert, Table, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from issuer.db.engine import read_only
from issuer.db.models import ApiClient, AuditEntry, Base, Entity, IssuedCredential, SigningKey
from issuer.store import hashing
from issuer.store.errors import IdempotencyMismatch, InvalidInput, NotFound
from issuer.store.records import (
    AuditEvent,
    AuditRecord,
    ClientRecord,
    CredentialRecord,
    CredentialState,
    EntityRecord,
    KeyRecord,
    StatusSlot,
)
from vcred.status.bitstring import MIN_ENTRIES

__all__ = [
    "ALGORITHMS",
    "PURPOSES",
    "SCOPES",
    "StoreBase",
    "check_purpose",
    "client_record",
    "credential_record",
    "entity_record",
    "key_record",
    "same_request",
    "table_of",
]

SCOPES = frozenset({"issue", "status", "admin"})
PURPOSES = ("revocation", "suspension")
ALGORITHMS = ("EdDSA", "ES256")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class StoreBase:
    """State and plumbing shared by the parts of :class:`~issuer.store.Store`.

    ``status_list_length`` is the number of entries of each new status list (Bitstring Status
    List §6.1: at least 131,072 in production; tests use less); ``rng`` draws status indexes
    (default :class:`secrets.SystemRandom`); ``clock`` stamps every row.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        status_list_length: int = MIN_ENTRIES,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
        secret_cost: int = hashing.DEFAULT_SCRYPT_N,
    ) -> None:
        if status_list_length < 8 or status_list_length % 8:
            raise InvalidInput("status_list_length must be a positive multiple of 8")
        self._engine = engine
        self._reader = read_only(engine)
        self._length = status_list_length
        self._rng: random.Random = rng if rng is not None else secrets.SystemRandom()
        self._clock = clock if clock is not None else _utcnow
        self._secret_cost = secret_cost
        self._dummy_hash: str | None = None

    @property
    def _dummy_secret_hash(self) -> str:
        # Checked against when a client is unknown, so that the answer takes as long.
        if self._dummy_hash is None:
            self._dummy_hash = hashing.hash_secret(secrets.token_urlsafe(16), n=self._secret_cost)
        return self._dummy_hash

    def ping(self) -> bool:
        """Whether one trivial query runs (a readiness probe; no data is read)."""
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    @property
    def engine(self) -> Engine:
        """The engine this store writes through."""
        return self._engine

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _read(self, *, snapshot: bool = False) -> Iterator[Session]:
        # ``snapshot``: every statement sees the same data (SQLite transactions always do).
        with Session(self._reader, expire_on_commit=False) as session, session.begin():
            if snapshot and self._engine.dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    def _insert(self, table: Table) -> Insert:
        # Core INSERT … ON CONFLICT DO NOTHING: a lost race returns no row instead of aborting
        # the transaction (PostgreSQL), which would need a savepoint.
        if self._engine.dialect.name == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        return sqlite.insert(table).on_conflict_do_nothing()

    @staticmethod
    def _entity(session: Session, slug: str, *, lock: bool = False) -> Entity:
        query = select(Entity).where(Entity.slug == slug)
        if lock:
            query = query.with_for_update(key_share=True)
        entity = session.scalars(query).one_or_none()
        if entity is None:
            raise NotFound(f"no entity {slug!r}")
        return entity

    def _audit(self, session: Session, entity: Entity, event: AuditEvent) -> AuditRecord:
        # The entity row orders its chain: FOR NO KEY UPDATE on PostgreSQL (it changes no key, so
        # it does not conflict with the KEY SHARE locks that foreign keys to the entity take — a
        # plain FOR UPDATE deadlocked concurrent issuances), the write lock on SQLite.
        seq, prev = session.execute(
            select(Entity.audit_seq, Entity.audit_head)
            .where(Entity.id == entity.id)
            .with_for_update(key_share=True)
        ).one()
        seq += 1
        payload = dict(event.payload)
        created_at = self._clock()
        digest = hashing.audit_hash(
            entity=entity.slug,
            seq=seq,
            action=event.action,
            payload=payload,
            created_at=created_at,
            prev_hash=prev,
        )
        session.add(
            AuditEntry(
                entity_id=entity.id,
                seq=seq,
                action=event.action,
                payload=payload,
                created_at=created_at,
                prev_hash=prev,
                hash=digest,
            )
        )
        session.execute(
            update(Entity)
            .where(Entity.id == entity.id)
            .values(audit_seq=seq, audit_head=digest)
            .execution_options(synchronize_session=False)
        )
        return AuditRecord(entity.slug, seq, event.action, payload, created_at, prev, digest)


def check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise InvalidInput("purpose must be revocation or suspension")


def same_request(row: IssuedCredential, request_digest: str) -> None:
    if row.request_digest != request_digest:
        raise IdempotencyMismatch("idempotency key reused with a different request")


def table_of(model: type[Base]) -> Table:
    """The Core table of a model (for statements that bypass the ORM)."""
    return cast(Table, model.__table__)


def entity_record(row: Entity) -> EntityRecord:
    return EntityRecord(row.slug, row.nombre, row.nit, row.did, row.created_at)


def key_record(entity: str, row: SigningKey) -> KeyRecord:
    state: Literal["active", "retired"] = "active" if row.state == "active" else "retired"
    return KeyRecord(
        entity,
        row.fragment,
        row.algorithm,
        dict(row.public_jwk),
        row.key_ref,
        state,
        row.created_at,
        row.retired_at,
    )


def client_record(entity: str, row: ApiClient) -> ClientRecord:
    return ClientRecord(
        entity,
        row.client_id,
        tuple(row.scopes),
        tuple(row.tramites),
        row.created_at,
        row.revoked_at,
    )


def credential_record(
    entity: str, row: IssuedCredential, status: tuple[StatusSlot, ...]
) -> CredentialRecord:
    return CredentialRecord(
        credential_id=row.credential_id,
        entity=entity,
        credential_type=row.credential_type,
        codigo_tramite=row.codigo_tramite,
        subject_ref=row.subject_ref,
        client_ref=row.client_ref,
        idempotency_key=row.idempotency_key,
        request_digest=row.request_digest,
        issued_at=row.issued_at,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        state=cast(CredentialState, row.state),
        state_changed_at=row.state_changed_at,
        document=row.document,
        status=status,
    )
