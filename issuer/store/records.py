"""What the store hands back: frozen snapshots, never live ORM objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "AuditEvent",
    "AuditRecord",
    "ClientRecord",
    "CredentialRecord",
    "CredentialState",
    "EntityRecord",
    "KeyRecord",
    "StatusChange",
    "StatusListSnapshot",
    "StatusPurpose",
    "StatusSlot",
]

StatusPurpose = Literal["revocation", "suspension"]
CredentialState = Literal["active", "revoked", "suspended"]


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """An issuing entity."""

    slug: str
    nombre: str
    nit: str
    did: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A signing key: public JWK and where the private key lives (``key_ref``)."""

    entity: str
    fragment: str
    algorithm: str
    public_jwk: Mapping[str, Any]
    key_ref: str
    state: Literal["active", "retired"]
    created_at: datetime
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClientRecord:
    """An API client of one entity (its secret is only ever stored hashed)."""

    entity: str
    client_id: str
    scopes: tuple[str, ...]
    tramites: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatusSlot:
    """One status entry handed out: list ``seq`` of ``purpose`` of ``entity``, at ``index``."""

    entity: str
    purpose: StatusPurpose
    seq: int
    index: int
    length: int


@dataclass(frozen=True, slots=True)
class StatusListSnapshot:
    """The bits of one status list as committed, with the version that names them (ETag)."""

    entity: str
    purpose: StatusPurpose
    seq: int
    length: int
    bits: bytes
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    """What the issuer keeps of a credential it signed."""

    credential_id: str
    entity: str
    credential_type: str
    codigo_tramite: str | None
    subject_ref: str
    client_ref: str
    idempotency_key: str | None
    request_digest: str | None
    issued_at: datetime
    valid_from: datetime | None
    valid_until: datetime | None
    state: CredentialState
    state_changed_at: datetime | None
    document: str | None
    status: tuple[StatusSlot, ...]


@dataclass(frozen=True, slots=True)
class StatusChange:
    """Result of :meth:`Store.set_status`: the credential after the change and what moved.

    ``changed`` is false when the credential already was in the requested state (a retry);
    ``list_versions`` maps each touched ``(purpose, seq)`` to its new version.
    """

    credential: CredentialRecord
    changed: bool
    list_versions: Mapping[tuple[StatusPurpose, int], int]


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """An audit entry to append in the same transaction as the change it records."""

    action: str
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry of an entity's hash-chained audit log."""

    entity: str
    seq: int
    action: str
    payload: Mapping[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str
