"""DID and DID URL syntax (DID Core 1.0 §3.1, §3.2), with the bounds vcred applies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vcred.errors import ErrorCode, ResolutionError

__all__ = ["MAX_DID_LENGTH", "DidUrl", "parse_did", "parse_did_url"]

#: Longest DID or DID URL vcred reads; real did:key/did:jwk/did:web values are far shorter.
MAX_DID_LENGTH = 2048

# DID Core §3.1: did = "did:" method-name ":" method-specific-id
#   method-name = 1*method-char (lowercase letters and digits)
#   method-specific-id = *( *idchar ":" ) 1*idchar ; idchar = ALPHA / DIGIT / "." / "-" / "_" / pct
_DID_RE = re.compile(
    r"did:([a-z0-9]+):((?:[A-Za-z0-9._:-]|%[0-9A-Fa-f]{2})*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}))"
)
# RFC 3986 §3.5: fragment = *( pchar / "/" / "?" ); pchar = unreserved / pct / sub-delims / ":@"
_FRAGMENT_RE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})+")


@dataclass(frozen=True, slots=True)
class DidUrl:
    """A DID URL split into its DID, method and fragment (no path or query: vcred needs none)."""

    did: str
    method: str
    method_specific_id: str
    fragment: str | None

    def __str__(self) -> str:
        return self.did if self.fragment is None else f"{self.did}#{self.fragment}"


def _invalid(message: str) -> ResolutionError:
    return ResolutionError(message, code=ErrorCode.DID_INVALID)


def parse_did(did: object) -> tuple[str, str]:
    """Check ``did`` against the DID syntax (DID Core §3.1); return (method, method-specific-id)."""
    if not isinstance(did, str):
        raise _invalid("a DID must be a string")
    if len(did) > MAX_DID_LENGTH:
        raise _invalid(f"DID longer than {MAX_DID_LENGTH} characters")
    match = _DID_RE.fullmatch(did)
    if match is None:
        raise _invalid("not a valid DID (DID Core §3.1 syntax)")
    return match.group(1), match.group(2)


def parse_did_url(did_url: object) -> DidUrl:
    """Split a DID URL ``did[#fragment]`` (DID Core §3.2); paths and queries are refused."""
    if not isinstance(did_url, str):
        raise _invalid("a DID URL must be a string")
    if len(did_url) > MAX_DID_LENGTH:
        raise _invalid(f"DID URL longer than {MAX_DID_LENGTH} characters")
    did, hash_sign, fragment = did_url.partition("#")
    if "/" in did or "?" in did:
        raise _invalid("DID URLs with a path or query are not supported")
    method, msid = parse_did(did)
    if not hash_sign:
        return DidUrl(did, method, msid, None)
    if _FRAGMENT_RE.fullmatch(fragment) is None:
        raise _invalid("DID URL fragment is empty or has characters RFC 3986 does not allow")
    return DidUrl(did, method, msid, fragment)
