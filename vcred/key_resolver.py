"""Finding the public key that secured a credential: the :class:`KeyResolver` interface.

VC-JOSE-COSE §4 ("Key Discovery"): ``kid`` is a hint to the verification method, and it MUST be
present when the issuer's key is a DID URL. :class:`DidKeyResolver` dereferences ``kid`` in the
issuer's DID document and requires the method to be authorised for the proof purpose;
:class:`StaticKeyResolver` serves fixed verification methods for issuers identified by HTTPS URLs
(controlled identifier documents) or offline trust bundles.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
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
    """Resolve ``kid`` as a DID URL of the issuer's DID (relative ``#frag`` ids allowed).

    Resolved methods are kept in a bounded LRU cache for ``ttl_seconds`` (default 10 minutes,
    the same as :class:`~vcred.did.CachingResolver`), so verifying many credentials of one issuer
    parses its DID document and key once; failures are never cached.
    """

    def __init__(
        self,
        resolver: DidResolver,
        *,
        max_entries: int = 1024,
        ttl_seconds: float = 600.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._resolver = resolver
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._cache: OrderedDict[tuple[str | None, str, str], tuple[float, VerificationMethod]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every cached key (e.g. after a key rotation is announced)."""
        with self._lock:
            self._cache.clear()

    def resolve_key(
        self, *, kid: str | None, issuer: str, purpose: str = "assertionMethod"
    ) -> VerificationMethod:
        key = (kid, issuer, purpose)
        now = self._monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] > now:
                self._cache.move_to_end(key)
                return hit[1]
        method = self._resolve(kid=kid, issuer=issuer, purpose=purpose)
        with self._lock:
            self._cache[key] = (now + self._ttl, method)
            self._cache.move_to_end(key)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return method

    def _resolve(self, *, kid: str | None, issuer: str, purpose: str) -> VerificationMethod:
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
