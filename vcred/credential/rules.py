"""The VC Data Model rules vcred checks: stable rule ids, bounds, and the shared checks.

Every rule id emitted by :mod:`vcred.credential` is a key of :data:`RULES` (value: the spec
section it enforces); the table in the package docstring lists the same ids.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

from vcred.credential.urls import is_url
from vcred.errors import DataModelError, ErrorCode, Violation
from vcred.jsonutil import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH

__all__ = [
    "COMPACT_JWS",
    "CONTEXT_V1",
    "CONTEXT_V2",
    "LIMITS",
    "RULES",
    "Checker",
    "Limits",
    "pointer",
]

CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2"
CONTEXT_V1 = "https://www.w3.org/2018/credentials/v1"
# RFC 7515 §7.1 compact serialization (signature required), as VC-JWT strings are.
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+", re.ASCII)

_OBJECT_KINDS = ("not_object", "empty", "type_missing", "too_many")
_TYPED_OBJECTS = {
    "credentialStatus": "§4.10",
    "credentialSchema": "§4.11",
    "proof": "§4.12",
    "refreshService": "§5.4",
    "termsOfUse": "§5.5",
    "evidence": "§5.6",
    "confidenceMethod": "§5.10",
    "renderMethod": "§5.10",
}

RULES: dict[str, str] = {
    "document.not_object": "§4.2",
    "document.not_json": "§6.1",
    "document.too_deep": "bound",
    "document.too_large": "bound",
    "context.missing": "§4.3",
    "context.empty": "§4.3",
    "context.first": "§4.3",
    "context.invalid_item": "§4.3",
    "context.too_many": "bound",
    "id.not_url": "§4.4",
    "id.multiple": "§4.4",
    "type.missing": "§4.5",
    "type.empty": "§4.5",
    "type.invalid_value": "§4.5",
    "type.vc_missing": "§4.5",
    "type.vp_missing": "§4.13",
    "type.too_many": "bound",
    "name.invalid": "§4.6",
    "name.invalid_language_value": "§4.6, §11.1",
    "description.invalid": "§4.6",
    "description.invalid_language_value": "§4.6, §11.1",
    "issuer.missing": "§4.7",
    "issuer.multiple": "§4.7",
    "issuer.invalid": "§4.7",
    "issuer.not_url": "§4.7",
    "issuer.id_missing": "§4.7",
    "credentialSubject.missing": "§4.8",
    "credentialSubject.empty": "§4.8",
    "credentialSubject.not_object": "§4.8",
    "credentialSubject.no_claims": "§4.8",
    "credentialSubject.too_many": "bound",
    "validFrom.not_datetimestamp": "§4.9",
    "validUntil.not_datetimestamp": "§4.9",
    "validUntil.before_validFrom": "§4.9",
    "issuanceDate.missing": "1.1 §4.6",
    "issuanceDate.not_datetime": "1.1 §4.6",
    "expirationDate.not_datetime": "1.1 §4.8",
    "credentialStatus.id_missing": "1.1 §4.9",
    "credentialSchema.id_missing": "§4.11",
    "credentialSchema.id_not_url": "§4.11",
    "relatedResource.not_object": "§5.3",
    "relatedResource.empty": "§5.3",
    "relatedResource.too_many": "bound",
    "relatedResource.id_missing": "§5.3",
    "relatedResource.id_duplicate": "§5.3",
    "relatedResource.digest_missing": "§5.3",
    "holder.invalid": "§4.13",
    "holder.not_url": "§4.13",
    "holder.id_missing": "§4.13",
    "verifiableCredential.empty": "§4.13",
    "verifiableCredential.not_object": "§4.13",
    "verifiableCredential.unsecured": "§4.13, §4.13.4",
    "verifiableCredential.too_many": "bound",
    "envelope.context_missing": "§4.13.1",
    "envelope.context_invalid": "§4.13.1",
    "envelope.id_not_data_url": "§4.13.1",
    "envelope.type_invalid": "§4.13.1",
}
for _prop, _section in _TYPED_OBJECTS.items():
    for _kind in _OBJECT_KINDS:
        RULES[f"{_prop}.{_kind}"] = "bound" if _kind == "too_many" else _section


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one credential or presentation may hold (each breach is a rule)."""

    max_depth: int = DEFAULT_MAX_DEPTH  # document.too_deep (code nesting_too_deep)
    max_chars: int = DEFAULT_MAX_BYTES  # document.too_large: characters in all keys and strings
    max_nodes: int = 20_000  # document.too_large: JSON values in the document
    max_contexts: int = 32  # context.too_many
    max_types: int = 32  # type.too_many
    max_subjects: int = 100  # credentialSubject.too_many
    max_entries: int = 32  # <property>.too_many for status, schema, proof, evidence…
    max_credentials: int = 64  # verifiableCredential.too_many (per presentation)


LIMITS = Limits()
_MISSING = object()


def pointer(base: str, *parts: str | int) -> str:
    """Extend JSON pointer ``base`` (RFC 6901) with member names or array indexes."""
    for part in parts:
        base = _step(base, part)
    return base


@functools.lru_cache(maxsize=2048)
def _step(base: str, part: str | int) -> str:
    # Every credential walks the same few paths ("/issuer", "/credentialStatus/id"…).
    return base + "/" + str(part).replace("~", "~0").replace("/", "~1")


@dataclass
class Checker:
    """Collects every violation found in one document, then raises them together."""

    limits: Limits = LIMITS
    violations: list[Violation] = field(default_factory=list)

    def add(self, rule: str, path: str, message: str) -> None:
        self.violations.append(Violation(rule, path, message))

    def raise_if_any(self, what: str) -> None:
        if self.violations:
            rules = ", ".join(dict.fromkeys(v.rule for v in self.violations))
            raise DataModelError(
                f"{what} breaks VC Data Model rules: {rules}", violations=self.violations
            )

    # --- whole-document bounds -----------------------------------------------------------------
    def check_document(
        self, document: object, what: str, *, scan: bool = True
    ) -> dict[str, object]:
        """Refuse non-objects, over-deep or over-large documents and non-JSON values (raises)."""
        limits = self.limits
        if not isinstance(document, dict):
            raise DataModelError(
                f"{what} is not a JSON object",
                violations=[Violation("document.not_object", "", "must be a JSON object")],
            )
        problem = _scan(document, limits) if scan else None
        if problem == "deep":
            raise DataModelError(
                f"{what} nests deeper than {limits.max_depth} levels",
                code=ErrorCode.NESTING_TOO_DEEP,
                violations=[Violation("document.too_deep", "", "nested too deeply")],
            )
        if problem == "large":
            raise DataModelError(
                f"{what} is larger than allowed",
                code=ErrorCode.INPUT_TOO_LARGE,
                violations=[Violation("document.too_large", "", "document too large")],
            )
        bad = _non_json(document) if problem == "json" else []
        if bad:
            raise DataModelError(f"{what} holds values that are not JSON", violations=bad)
        return document

    # --- shared property checks -----------------------------------------------------------------
    def context(self, doc: dict[str, object], path: str, base: str) -> None:
        """§4.3: ``@context`` is an ordered set whose first item is the base context URL."""
        at = pointer(path, "@context")
        value = doc.get("@context", _MISSING)
        if value is _MISSING:
            self.add("context.missing", at, "@context is required")
            return
        if isinstance(value, str):
            items: list[object] = [value]
        elif isinstance(value, list):
            items = value
            if not items:
                self.add("context.empty", at, "@context has no items")
                return
        else:
            self.add("context.first", at, f"@context must be an ordered set starting with {base}")
            return
        first_at = at if isinstance(value, str) else pointer(at, 0)
        if items[0] != base:
            self.add("context.first", first_at, f"the first @context item must be {base}")
        if len(items) > self.limits.max_contexts:
            self.add("context.too_many", at, f"more than {self.limits.max_contexts} contexts")
        for index, item in enumerate(items[1:], start=1):
            if not (isinstance(item, dict) or is_url(item)):
                self.add("context.invalid_item", pointer(at, index), "must be a URL or an object")

    def identifier(self, obj: dict[str, object], path: str) -> str | None:
        """§4.4: an ``id``, when present, is a single URL. Returns it when valid."""
        if "id" not in obj:
            return None
        value = obj["id"]
        if isinstance(value, list):
            self.add("id.multiple", pointer(path, "id"), "id must be a single URL")
        elif not is_url(value):
            self.add("id.not_url", pointer(path, "id"), "id must be a URL")
        else:
            return value if isinstance(value, str) else None
        return None

    def types(
        self, obj: dict[str, object], path: str, *, missing: str, required: tuple[str, str] | None
    ) -> tuple[str, ...]:
        """§4.5: ``type`` holds one or more terms or absolute URLs (``required``: value, rule)."""
        at = pointer(path, "type")
        value = obj.get("type")
        if value is None:
            self.add(missing, at, "type is required")
            return ()
        if isinstance(value, str):
            entries: list[tuple[str, object]] = [(at, value)]
        elif isinstance(value, list):
            entries = [(pointer(at, i), v) for i, v in enumerate(value)]
        else:
            self.add("type.invalid_value", at, "type must be a string or an array of strings")
            return ()
        if not entries:
            self.add("type.empty", at, "type needs at least one value")
            return ()
        if len(entries) > self.limits.max_types:
            self.add("type.too_many", at, f"more than {self.limits.max_types} types")
        good: list[str] = []
        for entry_at, entry in entries:
            if _is_type_value(entry) and isinstance(entry, str):
                good.append(entry)
            else:
                self.add("type.invalid_value", entry_at, "not a term or an absolute URL")
        if required is not None and required[0] not in good:
            self.add(required[1], at, f"type must include {required[0]}")
        return tuple(good)

    def text(self, obj: dict[str, object], path: str, prop: str) -> None:
        """§4.6: ``name``/``description`` are strings or language value objects (§11.1)."""
        if prop not in obj:
            return
        at = pointer(path, prop)
        value = obj[prop]
        if isinstance(value, str):
            return
        if isinstance(value, dict):
            entries: list[tuple[str, object]] = [(at, value)]
        elif isinstance(value, list) and value:
            entries = [(pointer(at, i), v) for i, v in enumerate(value)]
        else:
            self.add(f"{prop}.invalid", at, "must be a string or language value objects")
            return
        for entry_at, entry in entries:
            if isinstance(entry, str):
                continue
            if not isinstance(entry, dict):
                self.add(f"{prop}.invalid", entry_at, "must be a string or a language value")
            elif not _is_language_value(entry):
                self.add(
                    f"{prop}.invalid_language_value",
                    entry_at,
                    "a language value has a string @value and only @language/@direction",
                )

    def objects(
        self,
        doc: dict[str, object],
        path: str,
        prop: str,
        *,
        type_required: bool = True,
        id_missing: str | None = None,
        id_not_url: str = "id.not_url",
    ) -> list[tuple[str, dict[str, object]]]:
        """Check a "one or more objects" property; return (path, object) of each object."""
        found: list[tuple[str, dict[str, object]]] = []
        if prop not in doc:
            return found
        at = pointer(path, prop)
        value = doc[prop]
        if isinstance(value, dict):
            entries: list[tuple[str, object]] = [(at, value)]
        elif isinstance(value, list):
            entries = [(pointer(at, i), v) for i, v in enumerate(value)]
            if not entries:
                self.add(f"{prop}.empty", at, f"{prop} needs at least one object")
            elif len(entries) > self.limits.max_entries:
                self.add(f"{prop}.too_many", at, f"more than {self.limits.max_entries} entries")
        else:
            entries = [(at, value)]
        for entry_at, entry in entries:
            if not isinstance(entry, dict):
                self.add(f"{prop}.not_object", entry_at, f"{prop} values must be objects")
                continue
            if "id" not in entry:
                if id_missing is not None:
                    self.add(id_missing, pointer(entry_at, "id"), f"{prop} needs an id")
            elif id_not_url == "id.not_url":
                self.identifier(entry, entry_at)
            elif not is_url(entry["id"]):
                self.add(id_not_url, pointer(entry_at, "id"), "id must be a single URL")
            if type_required:
                self.types(entry, entry_at, missing=f"{prop}.type_missing", required=None)
            found.append((entry_at, entry))
        return found


def _scan(document: object, limits: Limits) -> str | None:
    """One pass without paths: "deep" / "large" at the first breach, "json" if a value is not JSON.

    The depth rule is :func:`vcred.jsonutil.check_depth`'s (a container deeper than
    ``max_depth``), folded into this pass so a credential is walked once.
    """
    nodes = chars = 0
    not_json = False
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if isinstance(value, dict):
            if depth > limits.max_depth:
                return "deep"
            for key, child in value.items():
                if isinstance(key, str):
                    chars += len(key)
                else:
                    not_json = True
                stack.append((child, depth + 1))
        elif isinstance(value, list):
            if depth > limits.max_depth:
                return "deep"
            stack.extend((child, depth + 1) for child in value)
        elif isinstance(value, str):
            chars += len(value)
        elif not _json_scalar(value):
            not_json = True
        if nodes > limits.max_nodes or chars > limits.max_chars:
            return "large"
    return "json" if not_json else None


def _json_scalar(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | bool | int)


def _non_json(document: object) -> list[Violation]:
    """Violations for values that JSON cannot carry; paths are built only when one is found."""
    stack: list[tuple[object, str | None]] = [(document, "")]
    bad: list[Violation] = []
    while stack and len(bad) < 20:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if not isinstance(key, str):
                    bad.append(
                        Violation("document.not_json", path or "", "member name not a string")
                    )
                elif isinstance(child, dict | list):
                    stack.append((child, pointer(path or "", key)))
                elif not _json_scalar(child):
                    bad.append(Violation("document.not_json", pointer(path or "", key), "not JSON"))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                if isinstance(child, dict | list):
                    stack.append((child, pointer(path or "", index)))
                elif not _json_scalar(child):
                    bad.append(
                        Violation("document.not_json", pointer(path or "", index), "not JSON")
                    )
    return bad


def _is_type_value(value: object) -> bool:
    # §4.5: terms (JSON-LD terms: no white space, not a keyword) or absolute URLs.
    if not isinstance(value, str) or not value or value.startswith("@"):
        return False
    if ":" in value:
        return is_url(value)
    # isprintable() is False for every white space character but the ASCII space.
    return value.isprintable() and " " not in value


def _is_language_value(value: dict[str, object]) -> bool:
    # §11.1: @value string REQUIRED; no keys beyond @value, @language, @direction.
    if not set(value) <= {"@value", "@language", "@direction"}:
        return False
    if not isinstance(value.get("@value"), str):
        return False
    if "@language" in value and not isinstance(value["@language"], str):
        return False
    return value.get("@direction", "ltr") in ("ltr", "rtl", None)
