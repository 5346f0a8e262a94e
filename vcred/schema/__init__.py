"""Trámite credential schemas: W3C VC JSON Schema (``credentialSchema`` of type ``JsonSchema``).

Each shipped schema is a JSON Schema 2020-12 document that validates the *whole credential*, as
VC JSON Schema §4.2 ("validation of a given credential against a schema") prescribes: it requires
the credential ``type`` to contain the trámite's credential type and constrains
``credentialSubject`` through ``properties``, leaving the other credential properties (proof,
status, validity) open. Shared definitions live in ``comun/v1`` and are reached by relative
``$ref``; every ``$ref`` resolves inside the registry and nothing is ever fetched.

``schemas/index.json`` maps trámite code → credential type → schema id;
:meth:`SchemaRegistry.default` reads it from the shipped data (see :mod:`vcred.resources`).
"""

from __future__ import annotations

from vcred.schema.catalogue import (
    SCHEMA_BASE_URL,
    TRAMITES_CONTEXT_URL,
    VOCAB_URL,
    TramiteInfo,
    load_tramites_context,
)
from vcred.schema.formats import NIT_FORMAT, is_valid_nit
from vcred.schema.registry import JSON_SCHEMA_2020_12, SchemaRegistry

__all__ = [
    "JSON_SCHEMA_2020_12",
    "NIT_FORMAT",
    "SCHEMA_BASE_URL",
    "TRAMITES_CONTEXT_URL",
    "VOCAB_URL",
    "SchemaRegistry",
    "TramiteInfo",
    "is_valid_nit",
    "load_tramites_context",
]
