"""Verification: one entry point, every check, an explained verdict.

Build a :class:`Verifier` once with :func:`create_verifier` (it caches DID documents and status
lists) and call ``verifier.verify(data)``; :func:`verify` does both for one-off use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from vcred.did import CachingResolver, DidResolver, default_resolver
from vcred.errors import ErrorCode, StatusListError, VcredError
from vcred.fetch import Fetcher
from vcred.jose.vc_jwt import verify_vc_jwt
from vcred.jsonutil import loads_bounded
from vcred.key_resolver import DidKeyResolver, KeyResolver
from vcred.schema import SchemaRegistry
from vcred.status import StatusChecker
from vcred.trust import TrustRegistry
from vcred.verify.result import Check, CheckResult, Outcome, Verdict, VerificationResult
from vcred.verify.verifier import Verifier, VerifyPolicy

__all__ = [
    "Check",
    "CheckResult",
    "Outcome",
    "Verdict",
    "VerificationResult",
    "Verifier",
    "VerifyPolicy",
    "create_verifier",
    "status_list_loader",
    "verify",
]

_LIST_TYPE = "BitstringStatusListCredential"


def status_list_loader(
    key_resolver: KeyResolver,
    *,
    clock: Callable[[], datetime] | None = None,
    clock_skew: timedelta = timedelta(seconds=60),
    allow_unsigned: bool = False,
) -> Callable[[bytes, str], Mapping[str, Any]]:
    """A ``load_list`` for :class:`~vcred.status.StatusChecker` that verifies each fetched list.

    Lists secured as ``vc+jwt`` are verified like any credential (issuer key, ``assertionMethod``);
    unsigned JSON lists are refused unless ``allow_unsigned`` (tests, trusted local bundles).
    Bitstring Status List §3.2 step: the list credential's proof MUST verify.
    """
    now_of = clock or (lambda: datetime.now(UTC))

    def load(raw: bytes, url: str) -> Mapping[str, Any]:
        text = raw.strip()
        try:
            if text.startswith(b"{"):
                if not allow_unsigned:
                    raise StatusListError(
                        "unsigned status list refused", code=ErrorCode.STATUS_LIST_INVALID
                    )
                credential: Mapping[str, Any] = loads_bounded(
                    text, max_bytes=len(text) + 1, what="status list"
                )
            else:
                verified = verify_vc_jwt(
                    text, key_resolver=key_resolver, now=now_of(), clock_skew=clock_skew
                )
                credential = verified.credential
        except StatusListError:
            raise
        except VcredError as exc:
            raise StatusListError(
                f"status list at {url} does not verify: {exc.message}",
                code=ErrorCode.STATUS_LIST_INVALID,
            ) from None
        types = credential.get("type") if isinstance(credential, dict) else None
        if not isinstance(types, list) or _LIST_TYPE not in types:
            raise StatusListError(
                "not a BitstringStatusListCredential", code=ErrorCode.STATUS_LIST_INVALID
            )
        return credential

    return load


def create_verifier(
    *,
    fetcher: Fetcher | None = None,
    did_resolver: DidResolver | None = None,
    key_resolver: KeyResolver | None = None,
    trust: TrustRegistry | None = None,
    schemas: SchemaRegistry | Literal["default"] | None = "default",
    policy: VerifyPolicy | None = None,
    clock: Callable[[], datetime] | None = None,
    max_status_staleness: timedelta = timedelta(hours=24),
    allow_unsigned_status_lists: bool = False,
) -> Verifier:
    """Wire a :class:`Verifier`: cached DID resolution (``did:key``, ``did:jwk``, and ``did:web``
    through ``fetcher``), status lists fetched through ``fetcher`` and cached, the shipped trámite
    schemas, and the trust registry given."""
    policy = policy or VerifyPolicy()
    if key_resolver is None:
        resolver = did_resolver or CachingResolver(default_resolver(fetcher=fetcher))
        key_resolver = DidKeyResolver(resolver)
    status_checker = None
    if fetcher is not None:
        kwargs: dict[str, Any] = {"max_staleness": max_status_staleness}
        if clock is not None:
            kwargs["clock"] = clock
        status_checker = StatusChecker(
            fetcher,
            load_list=status_list_loader(
                key_resolver,
                clock=clock,
                clock_skew=policy.clock_skew,
                allow_unsigned=allow_unsigned_status_lists,
            ),
            **kwargs,
        )
    schema_registry = SchemaRegistry.default() if schemas == "default" else schemas
    return Verifier(
        key_resolver=key_resolver,
        status_checker=status_checker,
        schemas=schema_registry,
        trust=trust,
        policy=policy,
        clock=clock,
    )


def verify(
    data: str | bytes | Mapping[str, Any],
    *,
    fetcher: Fetcher | None = None,
    key_resolver: KeyResolver | None = None,
    trust: TrustRegistry | None = None,
    now: datetime | None = None,
    policy: VerifyPolicy | None = None,
) -> VerificationResult:
    """Verify one credential with a fresh :func:`create_verifier` (prefer a reused Verifier)."""
    verifier = create_verifier(
        fetcher=fetcher,
        key_resolver=key_resolver,
        trust=trust,
        policy=policy,
        clock=(lambda: now) if now is not None else None,
    )
    return verifier.verify(data, now=now)
