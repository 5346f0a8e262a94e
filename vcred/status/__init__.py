"""W3C Bitstring Status List v1.0: bitstrings, index allocation, list credentials, checking.

- :class:`Bitstring` — the list itself, GZIP + multibase encoded (§2.2, §3.3, §3.4).
- :class:`IndexAllocator` — random, never-repeated indexes for herd privacy (§2.1, §7.4).
- :func:`status_entry` / :func:`build_status_list_credential` — what an issuer writes (§2).
- :func:`parse_status_entries` / :class:`StatusChecker` — what a verifier reads (§3.2).
"""

from vcred.status.allocator import IndexAllocator
from vcred.status.bitstring import (
    DEFAULT_MAX_LIST_BYTES,
    MIN_ENTRIES,
    Bitstring,
    compress_bitstring,
    expand_encoded_list,
)
from vcred.status.checker import StatusChecker, StatusOutcome
from vcred.status.entry import (
    ENTRY_TYPE,
    KNOWN_PURPOSES,
    StatusEntry,
    StatusMessage,
    parse_status_entries,
    status_entry,
)
from vcred.status.list_credential import (
    LIST_CREDENTIAL_TYPE,
    LIST_TYPE,
    StatusListCredential,
    build_status_list_credential,
    parse_status_list_credential,
)

__all__ = [
    "DEFAULT_MAX_LIST_BYTES",
    "ENTRY_TYPE",
    "KNOWN_PURPOSES",
    "LIST_CREDENTIAL_TYPE",
    "LIST_TYPE",
    "MIN_ENTRIES",
    "Bitstring",
    "IndexAllocator",
    "StatusChecker",
    "StatusEntry",
    "StatusListCredential",
    "StatusMessage",
    "StatusOutcome",
    "build_status_list_credential",
    "compress_bitstring",
    "expand_encoded_list",
    "parse_status_entries",
    "parse_status_list_credential",
    "status_entry",
]
