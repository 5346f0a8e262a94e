"""The exceptions vcred raises, each with a stable machine ``code``.

Programming and input errors are exceptions; verification *failures* are not — ``vcred.verify``
returns a :class:`~vcred.verify.VerificationResult` whose checks carry the same codes.

Exception tree::

    VcredError                      every error vcred raises (``.code``)
     ├── InvalidInputError          unreadable bytes/JSON/base64; oversized or too deep input
     │    ├── DataModelError        a VC Data Model rule is broken (``.violations`` name each rule)
     │    └── SchemaValidationError claims violate their JSON Schema, or the schema is unknown
     ├── UnsupportedError           a DID method, algorithm, key type or format vcred does not take
     ├── KeyMaterialError           unreadable key, wrong passphrase, private key required
     ├── ResolutionError            a DID or verification method cannot be resolved
     ├── FetchError                 a fetch was refused or failed (address, scheme, size, timeout)
     ├── StatusListError            a status list or entry is invalid (incl. decompression bombs)
     ├── TrustRegistryError         a trust registry file cannot be loaded
     ├── QrError                    a QR payload cannot be encoded or decoded
     ├── VerificationError          a proof or claim check failed (``verify`` makes it a result)
     └── UsageError                 the API was called with arguments that cannot work together

Codes are members of :class:`ErrorCode` (a ``StrEnum``): they never change once released, and
tests assert them rather than message text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DataModelError",
    "ErrorCode",
    "FetchError",
    "InvalidInputError",
    "KeyMaterialError",
    "QrError",
    "ResolutionError",
    "SchemaValidationError",
    "StatusListError",
    "TrustRegistryError",
    "UnsupportedError",
    "UsageError",
    "VcredError",
    "VerificationError",
    "Violation",
]


class ErrorCode(StrEnum):
    """Stable machine codes shared by exceptions, verification checks and HTTP problem types."""

    # --- generic input -------------------------------------------------------------------
    MALFORMED_INPUT = "malformed_input"
    MALFORMED_JSON = "malformed_json"
    MALFORMED_BASE64 = "malformed_base64"
    INPUT_TOO_LARGE = "input_too_large"
    NESTING_TOO_DEEP = "nesting_too_deep"
    # --- formats -------------------------------------------------------------------------
    UNKNOWN_FORMAT = "unknown_format"
    FORMAT_NOT_ALLOWED = "format_not_allowed"
    # --- JOSE ----------------------------------------------------------------------------
    MALFORMED_TOKEN = "malformed_token"
    TOKEN_TOO_LARGE = "token_too_large"
    ALG_NONE = "alg_none"
    ALG_NOT_ALLOWED = "alg_not_allowed"
    ALG_KEY_MISMATCH = "alg_key_mismatch"
    CRIT_UNSUPPORTED = "crit_unsupported"
    BAD_TYP = "bad_typ"
    BAD_CTY = "bad_cty"
    MISSING_KID = "missing_kid"
    KID_NOT_RESOLVED = "kid_not_resolved"
    KID_ISSUER_MISMATCH = "kid_issuer_mismatch"
    KID_NOT_AUTHORIZED = "kid_not_authorized"
    SIGNATURE_INVALID = "signature_invalid"
    CLAIMS_MISMATCH = "claims_mismatch"
    VC_CLAIM_MISSING = "vc_claim_missing"
    VC_VP_CLAIMS_FORBIDDEN = "vc_vp_claims_forbidden"
    # --- keys ----------------------------------------------------------------------------
    KEY_INVALID = "key_invalid"
    KEY_UNSUPPORTED = "key_unsupported"
    KEY_PASSPHRASE = "key_passphrase"
    KEY_PRIVATE_REQUIRED = "key_private_required"
    # --- DIDs ----------------------------------------------------------------------------
    DID_INVALID = "did_invalid"
    DID_METHOD_UNSUPPORTED = "did_method_unsupported"
    DID_NOT_FOUND = "did_not_found"
    DID_DOCUMENT_INVALID = "did_document_invalid"
    VERIFICATION_METHOD_NOT_FOUND = "verification_method_not_found"
    # --- fetching ------------------------------------------------------------------------
    FETCH_BLOCKED_ADDRESS = "fetch_blocked_address"
    FETCH_SCHEME_NOT_ALLOWED = "fetch_scheme_not_allowed"
    FETCH_TOO_LARGE = "fetch_too_large"
    FETCH_TIMEOUT = "fetch_timeout"
    FETCH_HTTP_STATUS = "fetch_http_status"
    FETCH_FAILED = "fetch_failed"
    FETCH_NOT_FOUND = "fetch_not_found"
    # --- data model ----------------------------------------------------------------------
    DATA_MODEL_INVALID = "data_model_invalid"
    # --- validity period -----------------------------------------------------------------
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    # --- status --------------------------------------------------------------------------
    STATUS_ENTRY_INVALID = "status_entry_invalid"
    STATUS_LIST_INVALID = "status_list_invalid"
    STATUS_LIST_TOO_SHORT = "status_list_too_short"
    STATUS_LIST_TOO_LARGE = "status_list_too_large"
    STATUS_INDEX_OUT_OF_RANGE = "status_index_out_of_range"
    STATUS_PURPOSE_MISMATCH = "status_purpose_mismatch"
    STATUS_LIST_EXPIRED = "status_list_expired"
    STATUS_LIST_FULL = "status_list_full"
    STATUS_UNREACHABLE = "status_unreachable"
    STATUS_STALE = "status_stale"
    STATUS_REVOKED = "status_revoked"
    STATUS_SUSPENDED = "status_suspended"
    STATUS_MESSAGE = "status_message"
    # --- schemas -------------------------------------------------------------------------
    SCHEMA_UNKNOWN = "schema_unknown"
    SCHEMA_VIOLATION = "schema_violation"
    SCHEMA_INVALID = "schema_invalid"
    SCHEMA_TYPE_UNSUPPORTED = "schema_type_unsupported"
    TRAMITE_UNKNOWN = "tramite_unknown"
    # --- trust ---------------------------------------------------------------------------
    ISSUER_UNTRUSTED = "issuer_untrusted"
    ISSUER_NOT_AUTHORIZED = "issuer_not_authorized"
    ISSUER_AUTHORIZATION_EXPIRED = "issuer_authorization_expired"
    TRUST_REGISTRY_INVALID = "trust_registry_invalid"
    # --- QR ------------------------------------------------------------------------------
    QR_PAYLOAD_INVALID = "qr_payload_invalid"
    QR_VERSION_UNSUPPORTED = "qr_version_unsupported"
    QR_TOO_LARGE = "qr_too_large"
    # --- usage ---------------------------------------------------------------------------
    USAGE = "usage"
    # --- successful checks (used only in verification results) ---------------------------
    OK = "ok"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: ``rule`` is a stable id, ``path`` a JSON pointer into the document."""

    rule: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule} at {self.path or '/'}: {self.message}"


class VcredError(Exception):
    """Base of every error vcred raises; ``code`` is a stable :class:`ErrorCode`."""

    default_code: ErrorCode = ErrorCode.MALFORMED_INPUT

    def __init__(self, message: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code: ErrorCode = code or self.default_code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InvalidInputError(VcredError):
    """Input that cannot be read: malformed encoding or JSON, too large, nested too deep."""

    default_code = ErrorCode.MALFORMED_INPUT


class _WithViolations(InvalidInputError):
    """Input errors that list each broken rule (``violations``)."""

    def __init__(
        self,
        message: str,
        *,
        violations: Iterable[Violation] = (),
        code: ErrorCode | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.violations: tuple[Violation, ...] = tuple(violations)


class DataModelError(_WithViolations):
    """A VC Data Model rule is broken; ``violations`` lists each rule with its path."""

    default_code = ErrorCode.DATA_MODEL_INVALID


class SchemaValidationError(_WithViolations):
    """Claims violate their JSON Schema (``violations``), or the schema id is unknown."""

    default_code = ErrorCode.SCHEMA_VIOLATION


class UnsupportedError(VcredError):
    """Something vcred deliberately does not handle (DID method, algorithm, key type, format)."""

    default_code = ErrorCode.UNKNOWN_FORMAT


class KeyMaterialError(VcredError):
    """A key cannot be loaded or used. Never carries key material in its message."""

    default_code = ErrorCode.KEY_INVALID


class ResolutionError(VcredError):
    """A DID, DID URL or verification method cannot be resolved or dereferenced."""

    default_code = ErrorCode.DID_NOT_FOUND


class FetchError(VcredError):
    """A fetch through a :class:`~vcred.fetch.Fetcher` was refused or failed."""

    default_code = ErrorCode.FETCH_FAILED


class StatusListError(VcredError):
    """A Bitstring Status List or status entry is invalid, too large or unusable."""

    default_code = ErrorCode.STATUS_LIST_INVALID


class TrustRegistryError(VcredError):
    """A trust registry document cannot be loaded."""

    default_code = ErrorCode.TRUST_REGISTRY_INVALID


class QrError(VcredError):
    """A QR payload cannot be encoded, decoded or rendered."""

    default_code = ErrorCode.QR_PAYLOAD_INVALID


class VerificationError(VcredError):
    """A proof or claim check failed; :func:`vcred.verify.verify` reports it as a check result."""

    default_code = ErrorCode.SIGNATURE_INVALID


class UsageError(VcredError, ValueError):
    """The API was called with arguments that cannot work together (a programming error)."""

    default_code = ErrorCode.USAGE
