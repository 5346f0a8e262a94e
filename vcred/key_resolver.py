"""Finding the public key that secured a credential: the :class:`KeyResolver` interface.

VC-JOSE-COSE §4 ("Key Discovery"): ``kid`` is a hint to the verification method, and it MUST be
present when the issuer's key is a DID URL. :class:`DidKeyResolver` dereferences ``kid`` in the
issuer's DID document and requires the method to be authorised for the proof purpose;
:class:`StaticKeyResolver` serves fixed verification methods for issuers identified by HTTPS URLs
(controlled identifier documents) or offline trust bundles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

from vcred.did import DidResolver, VerificationMethod, resolve_verification_method
from vcred.errors import ErrorCode, ResolutionError

__all__ = ["DidKeyResolver", "KeyResolver", "StaticKeyResolver"]


@runtime_checkable
class KeyResolver(Protocol):
    """Return the verification method ``kid`` names for ``issuer`` and ``purpose``, or raise."""

    def resolve_key(
        self, *, kid: str | None, issuer: str, purpose: str = "assertionMethod"
    ) -> VerificationMethod: ...


def _did_of(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]


class DidKeyResolver:
    """Resolve ``kid`` as a DID URL of the issuer's DID (relative ``#frag`` ids allowed)."""

    def __init__(self, resolver: DidResolver) -> None:
        self._resolver = resolver

    def resolve_key(
        self, *, kid: str | None, issuer: str, purpose: str = "assertionMethod"
    ) -> VerificationMethod:
        if not issuer.startswith("did:"):
            raise ResolutionError(
                "the issuer is not a DID; no key can be discovered for it",
                code=ErrorCode.KID_NOT_RESOLVED,
            )
        if not kid:
            raise ResolutionError(
                "'kid' is required when the issuer is a DID", code=ErrorCode.MISSING_KID
            )
        did_url = issuer + kid if kid.startswith("#") else kid
        if _did_of(did_url) != issuer:
            raise ResolutionError(
                "the key belongs to a DID other than the issuer", code=ErrorCode.KID_ISSUER_MISMATCH
            )
        try:
            method = resolve_verification_method(did_url, resolver=self._resolver, purpose=purpose)
        except ResolutionError as exc:
            if exc.code is ErrorCode.VERIFICATION_METHOD_NOT_FOUND:
                raise ResolutionError(
                    "'kid' does not name a key in the issuer's DID document",
                    code=ErrorCode.KID_NOT_RESOLVED,
                ) from None
            raise
        if method.controller != issuer:
            raise ResolutionError(
                "the key is controlled by someone other than the issuer",
                code=ErrorCode.KID_ISSUER_MISMATCH,
            )
        return method


class StaticKeyResolver:
    """Fixed verification methods per issuer (HTTPS issuers, offline bundles, test vectors).

    A ``kid`` matches a method by its full id, its fragment or its RFC 7638 JWK thumbprint;
    every method given is taken as authorised for every purpose.
    """

    def __init__(self, methods: Mapping[str, Iterable[VerificationMethod]]) -> None:
        self._methods = {issuer: tuple(items) for issuer, items in methods.items()}

    def resolve_key(
        self, *, kid: str | None, issuer: str, purpose: str = "assertionMethod"
    ) -> VerificationMethod:
        candidates = self._methods.get(issuer, ())
        if not candidates:
            raise ResolutionError(
                f"no keys known for issuer {issuer!r}", code=ErrorCode.KID_NOT_RESOLVED
            )
        if kid is None:
            if len(candidates) == 1:
                return candidates[0]
            raise ResolutionError("'kid' is required to pick a key", code=ErrorCode.MISSING_KID)
        for method in candidates:
            fragment = method.id.rsplit("#", 1)[-1]
            if kid in (method.id, "#" + fragment, fragment, method.public_key.thumbprint()):
                return method
        raise ResolutionError(
            "'kid' names no known key of the issuer", code=ErrorCode.KID_NOT_RESOLVED
        )
