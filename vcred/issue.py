"""Issuing: check a credential and secure it in a format (VC-JOSE ``vc+jwt`` by default)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from vcred.formats import FormatRegistry, default_formats
from vcred.schema import SchemaRegistry
from vcred.signer import Signer

__all__ = ["issue"]


def issue(
    credential: Mapping[str, Any],
    *,
    signer: Signer,
    format: str = "vc+jwt",
    schemas: SchemaRegistry | None = None,
    formats: FormatRegistry | None = None,
    now: datetime | None = None,
) -> str:
    """Validate ``credential`` (data model; its ``credentialSchema`` when ``schemas`` is given)
    and secure it with ``signer`` in ``format``. Raises a ``VcredError`` on bad input."""
    if schemas is not None and "credentialSchema" in credential:
        schemas.validate(credential)
    registry = formats or default_formats()
    return registry.get(format).issue(credential, signer=signer, now=now or datetime.now(UTC))
