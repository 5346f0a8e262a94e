"""SQLAlchemy models of the issuer's database (issue #3, item 2).

What is stored, and what never is:

* keys keep their public JWK and a ``key_ref`` naming where the private key lives (an encrypted
  PEM file or a signer URI); the private key itself never enters the database;
* issued credentials keep identifiers, dates, state and a salted hash of the subject, not the
  subject's personal data (``document`` holds the signed credential only when a deployment is
  configured to keep it);
* the audit log is append-only and hash-chained per entity; ``entities.audit_seq`` and
  ``entities.audit_head`` anchor the end of each chain so a truncated tail is detected too.

All timestamps are timezone-aware UTC on every backend (:class:`UTCDateTime`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiClient",
    "AuditEntry",
    "Base",
    "Entity",
    "IssuedCredential",
    "SigningKey",
    "StatusAllocation",
    "StatusList",
    "UTCDateTime",
]

# Stable constraint names, so that migrations and models compare equal on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        # SQLite stores the text without a zone: store the UTC wall clock.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the naming convention shared by the models and the migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class Entity(Base):
    """An issuing entity (a gobernación, a secretaría…), served under its own ``did:web``."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    nombre: Mapped[str] = mapped_column(String(300))
    nit: Mapped[str] = mapped_column(String(32))
    did: Mapped[str] = mapped_column(String(500), unique=True)
    created_at: Mapped[datetime]
    # Anchor of the audit chain: the last seq and its hash, updated with every append.
    audit_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    audit_head: Mapped[str] = mapped_column(String(64))


class SigningKey(Base):
    """The public half of an entity's signing key and where its private half lives."""

    __tablename__ = "signing_keys"
    __table_args__ = (
        UniqueConstraint("entity_id", "fragment"),
        CheckConstraint("algorithm IN ('EdDSA', 'ES256')", name="algorithm"),
        CheckConstraint("state IN ('active', 'retired')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    fragment: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(String(16))
    public_jwk: Mapped[dict[str, Any]]
    # An encrypted PEM file path or a signer URI; never key material.
    key_ref: Mapped[str] = mapped_column(String(1000))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class StatusList(Base):
    """One Bitstring Status List of an entity: its bits and a version counter for ``ETag``."""

    __tablename__ = "status_lists"
    __table_args__ = (
        UniqueConstraint("entity_id", "purpose", "seq"),
        CheckConstraint("purpose IN ('revocation', 'suspension')", name="purpose"),
        CheckConstraint("length > 0", name="length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    purpose: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    length: Mapped[int] = mapped_column(Integer)
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(BigInteger)
    # Set once every index has been handed out; allocation then moves to the next seq.
    full: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class IssuedCredential(Base):
    """What the issuer remembers of a credential it signed (no personal data by default)."""

    __tablename__ = "issued_credentials"
    __table_args__ = (
        # Retrying a request with the same idempotency key never issues twice.
        UniqueConstraint("entity_id", "client_ref", "idempotency_key"),
        CheckConstraint("state IN ('active', 'revoked', 'suspended')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(200), unique=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    credential_type: Mapped[str] = mapped_column(String(200))
    codigo_tramite: Mapped[str | None] = mapped_column(String(64))
    subject_ref: Mapped[str] = mapped_column(String(128), index=True)
    # Who asked: an API client_id, or a label such as "cli" for the admin tools.
    client_ref: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_digest: Mapped[str | None] = mapped_column(String(128))
    issued_at: Mapped[datetime]
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(16))
    state_changed_at: Mapped[datetime | None]
    document: Mapped[str | None] = mapped_column(Text)


class StatusAllocation(Base):
    """An index handed out from a status list; the primary key keeps it from being reused."""

    __tablename__ = "status_allocations"

    list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"), primary_key=True)
    index: Mapped[int] = mapped_column("status_index", Integer, primary_key=True)
    # Null until the credential that carries the index is recorded (or forever, if issuance
    # failed after allocation: such an index stays unused, never handed out again).
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("issued_credentials.id"), index=True
    )
    allocated_at: Mapped[datetime]


class ApiClient(Base):
    """An API client of one entity, with a hashed secret, scopes and the trámites it may issue."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(200), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(300))
    scopes: Mapped[list[str]]
    tramites: Mapped[list[str]]
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One entry of an entity's append-only, hash-chained audit log."""

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("entity_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
