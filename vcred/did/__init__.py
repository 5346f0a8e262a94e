"""Decentralized Identifiers: did:key, did:jwk and did:web, resolvers and dereferencing.

Nothing here opens a connection by itself: did:web documents come through an injected
:class:`~vcred.fetch.Fetcher` (see :class:`vcred.http_fetch.HttpFetcher`).
"""

from vcred.did.document import (
    RELATIONSHIPS,
    VerificationMethod,
    check_document,
    parse_verification_method,
    resolve_verification_method,
)
from vcred.did.jwk import (
    JwkDidResolver,
    build_did_jwk_document,
    did_jwk_from_public_key,
    jwk_from_did_jwk,
)
from vcred.did.key import (
    KeyDidResolver,
    build_did_key_document,
    did_key_from_public_key,
    public_key_from_did_key,
)
from vcred.did.resolver import (
    CachingResolver,
    DidResolver,
    MethodResolver,
    StaticResolver,
    default_resolver,
)
from vcred.did.syntax import MAX_DID_LENGTH, DidUrl, parse_did, parse_did_url
from vcred.did.web import WebDidResolver, build_did_web_document, did_web_to_url, url_to_did_web

__all__ = [
    "MAX_DID_LENGTH",
    "RELATIONSHIPS",
    "CachingResolver",
    "DidResolver",
    "DidUrl",
    "JwkDidResolver",
    "KeyDidResolver",
    "MethodResolver",
    "StaticResolver",
    "VerificationMethod",
    "WebDidResolver",
    "build_did_jwk_document",
    "build_did_key_document",
    "build_did_web_document",
    "check_document",
    "default_resolver",
    "did_jwk_from_public_key",
    "did_key_from_public_key",
    "did_web_to_url",
    "jwk_from_did_jwk",
    "parse_did",
    "parse_did_url",
    "parse_verification_method",
    "public_key_from_did_key",
    "resolve_verification_method",
    "url_to_did_web",
]
