"""Turn jsonschema errors into :class:`~vcred.errors.Violation` entries, one per failing field.

Paths are JSON Pointers (RFC 6901) into the credential. Messages describe the broken rule and never
quote the offending value: claims are often personal data and messages reach verifier pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError as JsonSchemaError

from vcred.errors import Violation

__all__ = ["Lookup", "explain", "pointer"]

#: Resolves ``(base_uri, $ref)`` to ``(subschema, its base URI)`` inside a registry.
Lookup = Callable[[str, str], tuple[Mapping[str, Any], str]]

RULE = "schema"
_APPLICATORS = ("allOf", "anyOf", "oneOf", "if", "then", "else")
_ECHO = "has properties no successful subschema evaluated"
_MAX_DEPTH = 16
_TEMPLATES = {
    "type": "must be of type {}",
    "enum": "must be one of {}",
    "const": "must equal {}",
    "pattern": "must match the pattern {}",
    "format": "must be a valid {}",
    "maxLength": "must have at most {} characters",
    "minLength": "must have at least {} characters",
    "maxItems": "must have at most {} items",
    "minItems": "must have at least {} items",
    "maximum": "must be at most {}",
    "minimum": "must be at least {}",
    "exclusiveMaximum": "must be less than {}",
    "exclusiveMinimum": "must be greater than {}",
    "maxProperties": "must have at most {} properties",
    "minProperties": "must have at least {} properties",
}


def pointer(parts: Iterable[object]) -> str:
    """A JSON Pointer from path segments (RFC 6901 §3: ``~`` → ``~0``, ``/`` → ``~1``)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def explain(
    errors: Iterable[JsonSchemaError], *, lookup: Lookup, bases: Mapping[int, str]
) -> list[Violation]:
    """Violations for a validation run, stray properties and missing ones named individually."""
    found = [v for error in errors for v in _explain(error, lookup, bases)]
    # An unevaluatedProperties failure with no stray property only echoes a failed subschema
    # (whose properties then count as unevaluated): report it only when nothing else explains.
    direct = [v for v in found if v.message != _ECHO]
    return direct or found


def _explain(error: JsonSchemaError, lookup: Lookup, bases: Mapping[int, str]) -> list[Violation]:
    path = list(error.absolute_path)
    keyword, rule, instance = str(error.validator), error.validator_value, error.instance
    if keyword == "required" and isinstance(instance, dict) and isinstance(rule, list):
        missing = [name for name in rule if name not in instance]
        return [Violation(RULE, pointer([*path, n]), "required property missing") for n in missing]
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        base = bases.get(id(error.schema), "")
        deep = keyword == "unevaluatedProperties"
        names, patterns = _declared(error.schema, base, lookup, deep=deep, depth=0)
        extras = [
            k for k in instance if k not in names and not any(re.search(p, k) for p in patterns)
        ]
        if not extras:
            return [Violation(RULE, pointer(path), _ECHO)]
        return [Violation(RULE, pointer([*path, n]), "property not allowed here") for n in extras]
    return [Violation(RULE, pointer(path), _describe(keyword, rule))]


def _declared(
    schema: object, base: str, lookup: Lookup, *, deep: bool, depth: int
) -> tuple[set[str], list[str]]:
    """Property names and patterns a subschema declares; ``deep`` follows in-place applicators."""
    names: set[str] = set()
    patterns: list[str] = []
    if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
        return names, patterns
    if isinstance(schema.get("properties"), Mapping):
        names.update(schema["properties"])
    if isinstance(schema.get("patternProperties"), Mapping):
        patterns.extend(schema["patternProperties"])
    if not deep:
        return names, patterns
    children: list[tuple[object, str]] = []
    for key in _APPLICATORS:
        value = schema.get(key)
        children.extend((v, base) for v in (value if isinstance(value, list) else [value]))
    if isinstance(schema.get("$ref"), str):
        children.append(lookup(base, schema["$ref"]))
    for child, child_base in children:
        more, more_patterns = _declared(child, child_base, lookup, deep=True, depth=depth + 1)
        names |= more
        patterns.extend(more_patterns)
    return names, patterns


def _describe(keyword: str, rule: object) -> str:
    if keyword in _TEMPLATES:
        return _TEMPLATES[keyword].format(rule)
    if keyword == "uniqueItems":
        return "items must be unique"
    if keyword == "contains" and isinstance(rule, Mapping) and "const" in rule:
        return f"must contain {rule['const']}"
    if keyword == "not":
        return "must not match the excluded value"
    return f"fails the {keyword!r} rule"
