"""``SchemaRegistry``: JSON Schema 2020-12 validation of credentials (W3C VC JSON Schema).

Validators are compiled once per schema id and cached. Every ``$ref`` must resolve among the
registry's own schemas: the ``referencing`` registry has no retrieval function, so a reference to
anything else is an error (``schema_unknown``) and never a network request.

Two engines, one answer: ``jsonschema-rs`` (compiled, fast) decides whether a credential is valid
on the hot path; ``jsonschema`` (the reference implementation) is consulted only when the fast
engine says no, to explain each failing field, and its answer is the one that counts. A test
checks that both engines agree on the shipped schemas.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.protocols import Validator
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from vcred.credential.build import copy_json
from vcred.errors import (
    DataModelError,
    ErrorCode,
    SchemaValidationError,
    UnsupportedError,
    Violation,
)
from vcred.resources import schemas_root
from vcred.schema.catalogue import TramiteInfo, invalid_schema, load_index
from vcred.schema.formats import NIT_FORMAT, format_checker, nit_format
from vcred.schema.violations import explain

__all__ = ["JSON_SCHEMA_2020_12", "SchemaRegistry"]

JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema"

_MAX_VIOLATIONS = 50
# Keywords whose values are instance data, not subschemas: never searched for "$ref".
_DATA_KEYWORDS = frozenset({"const", "enum", "examples", "default"})


class SchemaRegistry:
    """An immutable set of JSON Schemas by ``$id`` plus the trámite catalogue (VC JSON Schema §2.1).

    Build it with :meth:`default` (the shipped schemas), :meth:`from_directory`, or directly from
    a mapping of ``$id`` → schema. Validators are compiled on first use and cached.
    """

    def __init__(
        self,
        schemas: Mapping[str, Mapping[str, Any]],
        *,
        tramites: Iterable[TramiteInfo] = (),
    ) -> None:
        stored: dict[str, dict[str, Any]] = {}
        for schema_id, schema in schemas.items():
            if not isinstance(schema, Mapping):
                raise invalid_schema(f"schema {schema_id!r} is not a JSON object")
            # VC JSON Schema §3.1.1/§3.1.2: $id and $schema MUST be present.
            if schema.get("$id") != schema_id:
                raise invalid_schema(f"schema {schema_id!r} must carry the same $id")
            if schema.get("$schema") != JSON_SCHEMA_2020_12:
                raise invalid_schema(f"schema {schema_id!r} is not a JSON Schema 2020-12 document")
            stored[schema_id] = copy.deepcopy(dict(schema))
        catalogue: dict[str, TramiteInfo] = {}
        for info in tramites:
            if info.schema_id not in stored:
                raise invalid_schema(
                    f"trámite {info.codigo} names unknown schema {info.schema_id!r}"
                )
            if info.codigo in catalogue:
                raise invalid_schema(f"trámite {info.codigo} is listed twice")
            catalogue[info.codigo] = info
        self._schemas = stored
        self._tramites = catalogue
        by_type: dict[str, str] = {}
        for info in catalogue.values():
            by_type.setdefault(info.credential_type, info.schema_id)
        self._schema_by_type = by_type
        # No `retrieve` callable: a $ref outside these resources is Unresolvable, never fetched.
        self._registry: Registry[Any] = Registry().with_resources(
            (sid, DRAFT202012.create_resource(s)) for sid, s in stored.items()
        )
        self._bases = _base_uris(stored)
        self._validators: dict[str, Validator] = {}
        self._fast: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> SchemaRegistry:
        """The schemas and catalogue shipped with vcred (``schemas/index.json``)."""
        return cls.from_directory(schemas_root())

    @classmethod
    def from_directory(cls, root: Traversable | str | Path) -> SchemaRegistry:
        """Load the schemas and catalogue listed by ``index.json`` in ``root``."""
        schemas, tramites = load_index(Path(root) if isinstance(root, str | Path) else root)
        return cls(schemas, tramites=tramites)

    def schema_ids(self) -> frozenset[str]:
        """The ids of every schema in the registry."""
        return frozenset(self._schemas)

    def schema(self, schema_id: str) -> dict[str, Any]:
        """A copy of the schema document with this ``$id`` (``schema_unknown`` if absent)."""
        return copy.deepcopy(self._get(schema_id))

    def tramites(self) -> tuple[TramiteInfo, ...]:
        """The trámite catalogue, ordered by code."""
        return tuple(self._tramites[c] for c in sorted(self._tramites))

    def schema_for_type(self, credential_type: str) -> str | None:
        """The catalogue schema id of a trámite credential type, or ``None`` for other types."""
        if isinstance(credential_type, str):
            return self._schema_by_type.get(credential_type)
        for info in self._tramites.values():
            if info.credential_type == credential_type:
                return info.schema_id
        return None

    def for_tramite(self, codigo: str) -> TramiteInfo:
        """The catalogue entry of a trámite code such as ``SVT-135`` (``tramite_unknown``)."""
        info = self._tramites.get(codigo.strip().upper()) if isinstance(codigo, str) else None
        if info is None:
            raise SchemaValidationError(
                f"unknown trámite code {codigo!r}", code=ErrorCode.TRAMITE_UNKNOWN
            )
        return info

    def validator(self, schema_id: str) -> Validator:
        """The compiled 2020-12 validator (format assertions on) for ``schema_id``, cached."""
        cached = self._validators.get(schema_id)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._validators.get(schema_id)
            if cached is None:
                cached = self._compile(schema_id)
                self._fast[schema_id] = self._compile_fast(schema_id)
                self._validators[schema_id] = cached
        return cached

    def validate(self, credential: Mapping[str, Any], *, bounded: bool = False) -> None:
        """Validate a credential against each ``credentialSchema`` entry (VC JSON Schema §4.2).

        Returns silently when the credential names no schema. Raises
        :class:`~vcred.errors.SchemaValidationError` with ``schema_violation`` (one violation per
        failing field) or ``schema_unknown``, :class:`~vcred.errors.UnsupportedError`
        (``schema_type_unsupported``) for a credential schema type other than ``JsonSchema``,
        and :class:`~vcred.errors.DataModelError` when ``credentialSchema`` is malformed.
        ``bounded=True`` skips the JSON/depth/size scan for documents parsed by
        ``loads_bounded`` or built by vcred.
        """
        if not isinstance(credential, dict | Mapping):  # dict first: the ABC check is slow
            raise DataModelError("a credential must be a JSON object")
        if not bounded:
            # Documents not parsed by loads_bounded may hold non-JSON values or nest without
            # bound: the same bounded JSON copy the credential builder uses refuses both.
            copy_json(credential)
        instance = dict(credential)
        violations: list[Violation] = []
        for schema_id in _schema_ids(instance):
            validator = self.validator(schema_id)
            if self._fast[schema_id].is_valid(instance):
                continue
            violations.extend(self._violations(validator, instance))
        if violations:
            unique = sorted(set(violations), key=lambda v: (v.path, v.message))
            raise SchemaValidationError(
                f"the credential does not satisfy its schema ({len(unique)} violations)",
                violations=unique[:_MAX_VIOLATIONS],
            )

    def _get(self, schema_id: str) -> dict[str, Any]:
        schema = self._schemas.get(schema_id)
        if schema is None:
            raise SchemaValidationError(
                f"unknown credential schema {schema_id!r} (schemas are never fetched)",
                code=ErrorCode.SCHEMA_UNKNOWN,
            )
        return schema

    def _compile(self, schema_id: str) -> Validator:
        schema = self._get(schema_id)
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise invalid_schema(f"schema {schema_id!r} is not valid: {exc.message}") from None
        self._check_refs(schema, schema_id)
        return Draft202012Validator(
            schema, registry=self._registry, format_checker=format_checker()
        )

    def _compile_fast(self, schema_id: str) -> Any:
        """The jsonschema-rs validator; its registry holds only our schemas, so it is offline."""
        try:
            return jsonschema_rs.validator_for(
                self._schemas[schema_id],
                registry=jsonschema_rs.Registry(list(self._schemas.items())),
                validate_formats=True,
                formats={NIT_FORMAT: nit_format},
                offline=True,
            )
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            raise invalid_schema(f"schema {schema_id!r} does not compile: {exc}") from None

    def _check_refs(self, schema: Mapping[str, Any], base: str) -> None:
        """Fail at compile time, not mid-validation, on any ``$ref`` outside the registry."""
        stack: list[tuple[object, str]] = [(schema, base)]
        while stack:
            node, uri = stack.pop()
            if isinstance(node, list):
                stack.extend((item, uri) for item in node)
                continue
            if not isinstance(node, Mapping):
                continue
            if isinstance(node.get("$id"), str):
                uri = urljoin(uri, node["$id"])
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    self._lookup(uri, value)
                elif key not in _DATA_KEYWORDS:
                    stack.append((value, uri))

    def _lookup(self, base: str, ref: str) -> tuple[Mapping[str, Any], str]:
        try:
            resolved = self._registry.resolver(base_uri=base).lookup(ref)
        except Unresolvable:
            raise SchemaValidationError(
                f"$ref {ref!r} is not in the schema registry (schemas are never fetched)",
                code=ErrorCode.SCHEMA_UNKNOWN,
            ) from None
        contents = resolved.contents
        target = contents if isinstance(contents, Mapping) else {}
        return target, self._bases.get(id(contents), base)

    def _violations(self, validator: Validator, instance: dict[str, Any]) -> list[Violation]:
        try:
            errors = list(validator.iter_errors(instance))
        except Unresolvable:
            raise SchemaValidationError(
                "a $ref could not be resolved inside the schema registry",
                code=ErrorCode.SCHEMA_UNKNOWN,
            ) from None
        except RecursionError:
            raise invalid_schema("the schema recurses without bound") from None
        return explain(errors, lookup=self._lookup, bases=self._bases)


def _base_uris(schemas: Mapping[str, Mapping[str, Any]]) -> dict[int, str]:
    """Map each subschema object (by identity) to the base URI its ``$ref``s resolve against."""
    bases: dict[int, str] = {}
    stack: list[tuple[object, str]] = [(s, sid) for sid, s in schemas.items()]
    while stack:
        node, uri = stack.pop()
        if isinstance(node, list):
            stack.extend((item, uri) for item in node)
        elif isinstance(node, dict):
            if isinstance(node.get("$id"), str):
                uri = urljoin(uri, node["$id"])
            bases[id(node)] = uri
            stack.extend((v, uri) for k, v in node.items() if k not in _DATA_KEYWORDS)
    return bases


def _schema_ids(credential: Mapping[str, Any]) -> list[str]:
    """The ids named by ``credentialSchema`` (VCDM 2.0 §4.11: one object or an array of them)."""
    value = credential.get("credentialSchema")
    if value is None:
        return []
    entries = value if isinstance(value, list) else [value]
    ids: list[str] = []
    for position, entry in enumerate(entries):
        path = "/credentialSchema" + (f"/{position}" if isinstance(value, list) else "")
        if not isinstance(entry, dict | Mapping):
            raise _malformed(path, "must be an object")
        schema_id, schema_type = entry.get("id"), entry.get("type")
        if not isinstance(schema_id, str) or not schema_id:
            raise _malformed(path + "/id", "must be a URL")
        if not isinstance(schema_type, str):
            raise _malformed(path + "/type", "must be a string")
        # VC JSON Schema §2.1: the type MUST be JsonSchema; JsonSchemaCredential is not handled.
        if schema_type != "JsonSchema":
            raise UnsupportedError(
                f"credential schema type {schema_type!r} is not supported (only JsonSchema)",
                code=ErrorCode.SCHEMA_TYPE_UNSUPPORTED,
            )
        ids.append(schema_id)
    return ids


def _malformed(path: str, message: str) -> DataModelError:
    return DataModelError(
        f"credentialSchema {message}",
        violations=[Violation("credentialSchema", path, message)],
    )
