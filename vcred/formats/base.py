"""What every securing format implements, and how raw input becomes an :class:`Envelope`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from vcred.did import VerificationMethod
from vcred.errors import ErrorCode, InvalidInputError, UnsupportedError, VcredError
from vcred.frozen import fast_init
from vcred.jose.jws import decode_header
from vcred.jsonutil import loads_bounded
from vcred.key_resolver import KeyResolver
from vcred.qr import decode_embedded, is_embedded_payload
from vcred.signer import Signer

__all__ = ["Envelope", "SecuredCredential", "SecuringFormat", "VerifyContext", "unwrap"]

MAX_INPUT_CHARS = 128 * 1024
_DATA_URL_PREFIXES = ("data:application/vc+jwt,", "data:application/vc-jwt,")


@fast_init
@dataclass(frozen=True, slots=True)
class Envelope:
    """Input reduced to what detection needs: the compact text and its decoded JOSE header."""

    text: str
    header: Mapping[str, Any] | None  # None when ``text`` is not a compact JWS
    source: str  # "compact", "data-url", "enveloped", "qr"


@fast_init
@dataclass(frozen=True, slots=True)
class VerifyContext:
    """What a format needs to verify: key discovery, allowed algorithms, the clock."""

    key_resolver: KeyResolver
    algorithms: frozenset[str]
    now: datetime
    clock_skew: timedelta


@fast_init
@dataclass(frozen=True, slots=True)
class SecuredCredential:
    """The result of a format's verification: the credential and how it was secured."""

    format: str
    media_type: str
    credential: Mapping[str, Any]
    verification_method: VerificationMethod
    not_before: datetime | None
    expires: datetime | None
    issued_at: datetime | None
    warnings: tuple[str, ...]


class SecuringFormat(Protocol):
    """One securing mechanism (VC-JOSE, VC-JWT 1.1, …)."""

    @property
    def name(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    def matches(self, envelope: Envelope) -> bool: ...

    def verify(self, envelope: Envelope, context: VerifyContext) -> SecuredCredential: ...

    def issue(self, credential: Mapping[str, Any], *, signer: Signer, now: datetime) -> str: ...


def _header_of(text: str) -> Mapping[str, Any] | None:
    # Three dot-separated parts, a non-empty first one of at most 4096 characters.
    end = text.find(".")
    if end <= 0 or end > 4096 or text.count(".") != 2:
        return None
    segment = text[:end]
    try:
        return decode_header(segment.encode("ascii"))
    except (VcredError, UnicodeEncodeError):  # not a JWS; the format check reports it
        return None


def _from_mapping(value: Mapping[str, Any]) -> Envelope:
    types = value.get("type")
    type_list = types if isinstance(types, list) else [types]
    if "EnvelopedVerifiableCredential" in type_list:
        # VC DM 2.0 §4.13: the enveloped credential's id is a data: URL holding the secured form.
        ident = value.get("id")
        if not isinstance(ident, str) or not ident.startswith(_DATA_URL_PREFIXES):
            raise InvalidInputError(
                "an EnvelopedVerifiableCredential needs a data:application/vc+jwt id",
                code=ErrorCode.MALFORMED_INPUT,
            )
        text = ident.split(",", 1)[1]
        return Envelope(text, _header_of(text), "enveloped")
    if "proof" in value:
        raise UnsupportedError(
            "credentials with embedded Data Integrity proofs are not supported yet",
            code=ErrorCode.UNKNOWN_FORMAT,
        )
    raise UnsupportedError(
        "an unsecured credential cannot be verified", code=ErrorCode.UNKNOWN_FORMAT
    )


def unwrap(data: str | bytes | Mapping[str, Any]) -> Envelope:
    """Reduce any accepted input (compact token, data: URL, enveloped credential, embedded QR
    payload, JSON text) to an :class:`Envelope`."""
    # A str is never a Mapping: skip the (slow) ABC check for the commonest input.
    if type(data) is not str and isinstance(data, Mapping):
        return _from_mapping(data)
    if isinstance(data, bytes):
        if len(data) > MAX_INPUT_CHARS:
            raise InvalidInputError("input too large", code=ErrorCode.INPUT_TOO_LARGE)
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError(
                "input is not UTF-8 text", code=ErrorCode.MALFORMED_INPUT
            ) from None
    if not isinstance(data, str):
        raise InvalidInputError(
            "input must be text, bytes or a JSON object", code=ErrorCode.MALFORMED_INPUT
        )
    if len(data) > MAX_INPUT_CHARS:
        raise InvalidInputError("input too large", code=ErrorCode.INPUT_TOO_LARGE)
    text = data.strip()
    if is_embedded_payload(text):
        text = decode_embedded(text)
        return Envelope(text, _header_of(text), "qr")
    if text.startswith(_DATA_URL_PREFIXES):
        text = text.split(",", 1)[1]
        return Envelope(text, _header_of(text), "data-url")
    if text.startswith("{"):
        value = loads_bounded(text, what="credential")
        if not isinstance(value, dict):
            raise InvalidInputError("expected a JSON object", code=ErrorCode.MALFORMED_INPUT)
        return _from_mapping(value)
    return Envelope(text, _header_of(text), "compact")
