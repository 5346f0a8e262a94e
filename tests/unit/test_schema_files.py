"""The shipped files under schemas/: schema hygiene, index, JSON-LD context, and the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from vcred.schema import SCHEMA_BASE_URL, TRAMITES_CONTEXT_URL, VOCAB_URL

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
INDEX = json.loads((SCHEMAS / "index.json").read_text(encoding="utf-8"))
CONTEXT = json.loads((SCHEMAS / "context" / "tramites-v1.jsonld").read_text(encoding="utf-8"))
TERMS = CONTEXT["@context"]
# Defined by the VC 2.0 context, which every credential lists first.
VC_TERMS = {"id", "type", "credentialSubject"}
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
DATA_KEYWORDS = {"const", "enum", "examples", "default"}


def schema_files() -> list[str]:
    shared = [entry["schemaFile"] for entry in INDEX["shared"]]
    return shared + [entry["schemaFile"] for entry in INDEX["tramites"].values()]


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return document


def subschemas(node: object) -> Iterator[dict[str, Any]]:
    """Every object reachable through schema keywords (not through instance data)."""
    if isinstance(node, list):
        for item in node:
            yield from subschemas(item)
    elif isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key not in DATA_KEYWORDS:
                yield from subschemas(value)


def property_names() -> dict[str, list[dict[str, Any]]]:
    names: dict[str, list[dict[str, Any]]] = {}
    for name in schema_files():
        for node in subschemas(load(name)):
            if isinstance(node.get("properties"), dict) and "$schema" not in node["properties"]:
                for prop, definition in node["properties"].items():
                    names.setdefault(prop, []).append(definition)
    return {k: v for k, v in names.items() if k not in VC_TERMS}


# --- schemas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", schema_files())
def test_each_schema_is_a_valid_2020_12_schema_with_vc_json_schema_keywords(name: str) -> None:
    schema = load(name)
    Draft202012Validator.check_schema(schema)
    # VC JSON Schema §3.1: $id and $schema MUST be present; title/description RECOMMENDED.
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith(SCHEMA_BASE_URL)
    assert schema["title"] and schema["description"]
    assert schema["lang"] == "es"


@pytest.mark.parametrize("name", schema_files())
def test_every_string_and_array_is_bounded(name: str) -> None:
    for node in subschemas(load(name)):
        if node.get("type") == "string" and "enum" not in node and "const" not in node:
            assert "maxLength" in node, node
        if node.get("type") == "array":
            assert "maxItems" in node, node


@pytest.mark.parametrize("name", schema_files())
def test_refs_are_relative_or_local(name: str) -> None:
    refs = [node["$ref"] for node in subschemas(load(name)) if "$ref" in node]
    assert refs
    assert all(ref.startswith(("#/", "../comun/v1#/")) for ref in refs)


def test_dates_are_formatted_dates() -> None:
    fecha = load("comun.v1.json")["$defs"]["fecha"]
    assert fecha == {"type": "string", "format": "date", "maxLength": 10}


# --- index -----------------------------------------------------------------------------------


def test_index_maps_each_tramite_to_its_schema_and_type() -> None:
    assert INDEX["version"] == 1
    assert INDEX["baseUrl"] == SCHEMA_BASE_URL
    assert len(INDEX["tramites"]) == 10
    for codigo, entry in INDEX["tramites"].items():
        schema = load(entry["schemaFile"])
        assert entry["schemaId"] == schema["$id"] == f"{SCHEMA_BASE_URL}{codigo.lower()}/v1"
        assert entry["credentialType"] == schema["title"]
        assert entry["version"] == 1
        subject = schema["$defs"]["sujeto"]
        assert subject["properties"]["codigoTramite"] == {"const": codigo}
        assert subject["unevaluatedProperties"] is False
        assert schema["properties"]["type"]["contains"] == {"const": entry["credentialType"]}


def test_credential_types_and_schema_ids_are_unique() -> None:
    entries = list(INDEX["tramites"].values())
    assert len({e["credentialType"] for e in entries}) == len(entries)
    assert len({e["schemaId"] for e in entries}) == len(entries)


def test_every_file_in_schemas_is_indexed() -> None:
    listed = {*schema_files(), INDEX["context"]["file"], "index.json"}
    present = {p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*") if p.is_file()}
    assert present == listed


# --- JSON-LD context -------------------------------------------------------------------------


def test_context_is_protected_and_vocab_free() -> None:
    assert INDEX["context"]["url"] == TRAMITES_CONTEXT_URL
    assert set(CONTEXT) == {"@context"}
    assert TERMS["@version"] == 1.1
    assert TERMS["@protected"] is True
    assert "@vocab" not in TERMS


def test_every_schema_property_is_defined_in_the_context() -> None:
    missing = set(property_names()) - set(TERMS)
    assert missing == set()


def test_every_credential_type_is_defined_in_the_context() -> None:
    for entry in INDEX["tramites"].values():
        assert TERMS[entry["credentialType"]] == VOCAB_URL + entry["credentialType"]


def test_context_defines_nothing_unused() -> None:
    types = {e["credentialType"] for e in INDEX["tramites"].values()}
    terms = {t for t in TERMS if not t.startswith("@")}
    assert terms == set(property_names()) | types


def test_each_term_is_an_iri_in_the_project_vocabulary() -> None:
    for term, definition in TERMS.items():
        if term.startswith("@"):
            continue
        iri = definition if isinstance(definition, str) else definition["@id"]
        assert iri == VOCAB_URL + term


def test_date_claims_are_typed_as_xsd_dates() -> None:
    for name, definitions in property_names().items():
        is_date = all(d.get("$ref", "").endswith("#/$defs/fecha") for d in definitions)
        definition = TERMS[name]
        typed = isinstance(definition, dict) and definition.get("@type") == XSD_DATE
        assert typed == is_date, name


@pytest.mark.vectors
def test_context_does_not_redefine_protected_vc_terms(vectors: Path) -> None:
    vc2 = vectors / "contexts" / "www.w3.org_ns_credentials_v2.jsonld"
    vc_terms = set(json.loads(vc2.read_text(encoding="utf-8"))["@context"])
    assert {t for t in TERMS if not t.startswith("@")} & vc_terms == set()


# --- the wheel -------------------------------------------------------------------------------


@pytest.mark.slow
def test_wheel_ships_the_schemas_and_loads_them(tmp_path: Path) -> None:
    """The schemas load from an installed wheel, not only from a checkout."""
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run(
        [*pip, "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("vcred-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    expected = {f"vcred/_data/schemas/{name}" for name in schema_files()}
    expected |= {"vcred/_data/schemas/index.json", "vcred/_data/schemas/context/tramites-v1.jsonld"}
    assert expected <= names
    script = (
        "import vcred, vcred.resources as r; from vcred.schema import SchemaRegistry;"
        "print(vcred.__file__); print(r.schemas_root());"
        "print(len(SchemaRegistry.default().tramites()))"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "PYTHONNOUSERSITE": "1"}
    out = subprocess.run(
        [sys.executable, "-P", "-c", script],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split("\n")
    assert out[0].startswith(str(tmp_path / "site"))
    assert out[1] == str(tmp_path / "site" / "vcred" / "_data" / "schemas")
    assert out[2] == "10"
