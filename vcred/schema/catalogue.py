"""The shipped trámite catalogue: ``schemas/index.json``, schema files and the JSON-LD context.

``index.json`` (version 1) maps each trámite code to ``name``, ``credentialType``, ``schemaId``,
``schemaFile`` and ``version``; ``shared`` lists schemas the trámite schemas ``$ref``; ``context``
names the JSON-LD context file and its URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

from vcred.errors import ErrorCode, SchemaValidationError
from vcred.resources import load_json, schemas_root

__all__ = [
    "SCHEMA_BASE_URL",
    "TRAMITES_CONTEXT_URL",
    "VOCAB_URL",
    "TramiteInfo",
    "invalid_schema",
    "load_index",
    "load_tramites_context",
]

SCHEMA_BASE_URL = "https://vcred.example.gov.co/schemas/"
TRAMITES_CONTEXT_URL = "https://vcred.example.gov.co/contexts/tramites/v1"
VOCAB_URL = "https://vcred.example.gov.co/vocab#"


@dataclass(frozen=True, slots=True)
class TramiteInfo:
    """One trámite of the catalogue: its code, name, credential type and schema id."""

    codigo: str
    nombre: str
    credential_type: str
    schema_id: str


def invalid_schema(message: str) -> SchemaValidationError:
    """The error for a schema, index or context document that cannot be used."""
    return SchemaValidationError(message, code=ErrorCode.SCHEMA_INVALID)


def load_index(root: Traversable) -> tuple[dict[str, Mapping[str, Any]], list[TramiteInfo]]:
    """Read ``index.json`` in ``root``: every schema it lists (by ``$id``) and the catalogue."""
    index = load_json("index.json", root=root)
    if not isinstance(index, dict) or index.get("version") != 1:
        raise invalid_schema("index.json must be an object with version 1")
    shared, entries = index.get("shared", []), index.get("tramites")
    if not isinstance(shared, list) or not isinstance(entries, dict):
        raise invalid_schema("index.json needs a 'tramites' object and a 'shared' list")
    schemas: dict[str, Mapping[str, Any]] = {}
    tramites: list[TramiteInfo] = []
    for codigo, entry in entries.items():
        info, file_name = _tramite_entry(codigo, entry)
        schemas[info.schema_id] = _load_schema(root, file_name, info.schema_id)
        tramites.append(info)
    for item in shared:
        if not isinstance(item, dict):
            raise invalid_schema("index.json 'shared' entries must be objects")
        sid, shared_file = item.get("schemaId"), item.get("schemaFile")
        if not isinstance(sid, str) or not isinstance(shared_file, str):
            raise invalid_schema("index.json 'shared' entries need schemaId and schemaFile")
        schemas[sid] = _load_schema(root, shared_file, sid)
    return schemas, tramites


def _tramite_entry(codigo: object, entry: object) -> tuple[TramiteInfo, str]:
    fields = ("name", "credentialType", "schemaId", "schemaFile")
    if not isinstance(codigo, str) or not isinstance(entry, dict):
        raise invalid_schema("index.json 'tramites' must map codes to objects")
    if not all(isinstance(entry.get(f), str) for f in fields):
        raise invalid_schema(f"index.json entry {codigo} needs {', '.join(fields)}")
    info = TramiteInfo(codigo, entry["name"], entry["credentialType"], entry["schemaId"])
    return info, entry["schemaFile"]


def _load_schema(root: Traversable, name: str, schema_id: str) -> Mapping[str, Any]:
    schema = load_json(name, root=root)
    if not isinstance(schema, dict):
        raise invalid_schema(f"{name} is not a JSON object")
    if schema.get("$id") != schema_id:
        raise invalid_schema(f"{name} has $id {schema.get('$id')!r}, index.json says {schema_id!r}")
    return schema


def load_tramites_context() -> dict[str, Any]:
    """The shipped JSON-LD context of :data:`TRAMITES_CONTEXT_URL`, for offline document loaders."""
    root = schemas_root()
    index = load_json("index.json", root=root)
    entry = index.get("context") if isinstance(index, dict) else None
    if not isinstance(entry, dict) or entry.get("url") != TRAMITES_CONTEXT_URL:
        raise invalid_schema("index.json does not name the trámites JSON-LD context")
    document = load_json(str(entry.get("file")), root=root)
    if not isinstance(document, dict) or "@context" not in document:
        raise invalid_schema("the trámites JSON-LD context file has no @context")
    return document
