"""vcred: W3C Verifiable Credentials for the outcomes of Colombian trámites.

Issue a VC 2.0 credential secured as ``application/vc+jwt`` and verify it with an explained
verdict::

    from vcred import KeyPair, KeySigner, build_credential, did_key_from_public_key, issue, verify

    key = KeyPair.generate()
    did = did_key_from_public_key(key.public_key)
    signer = KeySigner(key, f"{did}#{did.removeprefix('did:key:')}")
    credential = build_credential(types=["VerifiableCredential"], issuer=did,
                                  subject={"id": "did:example:123", "nombres": "Ana"})
    token = issue(credential, signer=signer)
    result = verify(token)
    assert result.verified
"""

from vcred.credential import (
    CredentialInfo,
    PresentationInfo,
    build_credential,
    build_presentation,
    validate_credential,
    validate_presentation,
)
from vcred.did import (
    CachingResolver,
    DidResolver,
    StaticResolver,
    VerificationMethod,
    build_did_web_document,
    default_resolver,
    did_jwk_from_public_key,
    did_key_from_public_key,
    did_web_to_url,
    resolve_verification_method,
    url_to_did_web,
)
from vcred.errors import (
    DataModelError,
    ErrorCode,
    FetchError,
    InvalidInputError,
    KeyMaterialError,
    QrError,
    ResolutionError,
    SchemaValidationError,
    StatusListError,
    TrustRegistryError,
    UnsupportedError,
    UsageError,
    VcredError,
    VerificationError,
    Violation,
)
from vcred.fetch import Fetcher, StaticFetcher
from vcred.formats import FormatRegistry, SecuringFormat, default_formats
from vcred.http_fetch import HttpFetcher
from vcred.issue import issue
from vcred.jose import issue_vc_jwt, verify_vc_jwt, verify_vc_jwt_legacy
from vcred.key_resolver import DidKeyResolver, KeyResolver, StaticKeyResolver
from vcred.keys import KeyPair, KeyType, PublicKey
from vcred.qr import (
    decode_embedded,
    encode_embedded,
    is_embedded_payload,
    linked_payload,
    qr_version,
    render_png,
    render_svg,
)
from vcred.schema import SchemaRegistry, TramiteInfo
from vcred.signer import KeySigner, Signer
from vcred.status import (
    Bitstring,
    IndexAllocator,
    StatusChecker,
    StatusEntry,
    StatusOutcome,
    build_status_list_credential,
    parse_status_entries,
    status_entry,
)
from vcred.tramite import TramiteTemplate, build_tramite_credential, prepare_tramite
from vcred.trust import TrustDecision, TrustedIssuer, TrustRegistry
from vcred.verify import (
    Check,
    CheckResult,
    Outcome,
    Verdict,
    VerificationResult,
    Verifier,
    VerifyPolicy,
    create_verifier,
    verify,
)

__version__ = "0.1.0"

__all__ = [
    "Bitstring",
    "CachingResolver",
    "Check",
    "CheckResult",
    "CredentialInfo",
    "DataModelError",
    "DidKeyResolver",
    "DidResolver",
    "ErrorCode",
    "FetchError",
    "Fetcher",
    "FormatRegistry",
    "HttpFetcher",
    "IndexAllocator",
    "InvalidInputError",
    "KeyMaterialError",
    "KeyPair",
    "KeyResolver",
    "KeySigner",
    "KeyType",
    "Outcome",
    "PresentationInfo",
    "PublicKey",
    "QrError",
    "ResolutionError",
    "SchemaRegistry",
    "SchemaValidationError",
    "SecuringFormat",
    "Signer",
    "StaticFetcher",
    "StaticKeyResolver",
    "StaticResolver",
    "StatusChecker",
    "StatusEntry",
    "StatusListError",
    "StatusOutcome",
    "TramiteInfo",
    "TramiteTemplate",
    "TrustDecision",
    "TrustRegistry",
    "TrustRegistryError",
    "TrustedIssuer",
    "UnsupportedError",
    "UsageError",
    "VcredError",
    "Verdict",
    "VerificationError",
    "VerificationMethod",
    "VerificationResult",
    "Verifier",
    "VerifyPolicy",
    "Violation",
    "__version__",
    "build_credential",
    "build_did_web_document",
    "build_presentation",
    "build_status_list_credential",
    "build_tramite_credential",
    "create_verifier",
    "decode_embedded",
    "default_formats",
    "default_resolver",
    "did_jwk_from_public_key",
    "did_key_from_public_key",
    "did_web_to_url",
    "encode_embedded",
    "is_embedded_payload",
    "issue",
    "issue_vc_jwt",
    "linked_payload",
    "parse_status_entries",
    "prepare_tramite",
    "qr_version",
    "render_png",
    "render_svg",
    "resolve_verification_method",
    "status_entry",
    "url_to_did_web",
    "validate_credential",
    "validate_presentation",
    "verify",
    "verify_vc_jwt",
    "verify_vc_jwt_legacy",
]
