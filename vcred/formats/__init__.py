"""Securing formats behind one registry: issue and verify pick a format by name or by detection.

Each format implements :class:`SecuringFormat`. :func:`default_formats` builds a fresh, immutable
registry; ``registry.only("vc+jwt")`` returns a copy limited to the named formats, so a caller
names what it accepts. Nothing is registered at import time.
"""

from __future__ import annotations

from vcred.formats.base import Envelope, SecuredCredential, SecuringFormat, VerifyContext, unwrap
from vcred.formats.jose import VcJwtFormat, VcJwtLegacyFormat
from vcred.formats.registry import FormatRegistry, default_formats

__all__ = [
    "Envelope",
    "FormatRegistry",
    "SecuredCredential",
    "SecuringFormat",
    "VcJwtFormat",
    "VcJwtLegacyFormat",
    "VerifyContext",
    "default_formats",
    "unwrap",
]
