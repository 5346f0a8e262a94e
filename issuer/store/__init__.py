"""The issuer's persistence: :class:`Store` (all SQL), its records and its errors (issue #3)."""

from issuer.store.errors import (
    Conflict,
    IdempotencyMismatch,
    InvalidInput,
    InvalidTransition,
    NotFound,
    StatusListFull,
    StoreError,
    StoreErrorCode,
)
from issuer.store.hashing import request_digest, subject_reference
from issuer.store.records import (
    AuditEvent,
    AuditRecord,
    ClientRecord,
    CredentialRecord,
    CredentialState,
    EntityRecord,
    KeyRecord,
    StatusChange,
    StatusListSnapshot,
    StatusPurpose,
    StatusSlot,
)
from issuer.store.store import SCOPES, Store

__all__ = [
    "SCOPES",
    "AuditEvent",
    "AuditRecord",
    "ClientRecord",
    "Conflict",
    "CredentialRecord",
    "CredentialState",
    "EntityRecord",
    "IdempotencyMismatch",
    "InvalidInput",
    "InvalidTransition",
    "KeyRecord",
    "NotFound",
    "StatusChange",
    "StatusListFull",
    "StatusListSnapshot",
    "StatusPurpose",
    "StatusSlot",
    "Store",
    "StoreError",
    "StoreErrorCode",
    "request_digest",
    "subject_reference",
]
