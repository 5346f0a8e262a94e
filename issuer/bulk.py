"""Bulk issuance from a CSV file of trámite outcomes (issue #3, item 9).

``python -m issuer emitir-lote --entity S --tramite SVT-135 --csv FILE --out DIR [--resume]``
(alias ``issue-batch``). Each CSV row is the ``claims`` of one credential: one column per claim,
nested claims with dotted headers (``entidad.nombre``); empty cells are left out; cells of
``integer``/``number``/``boolean`` fields (read from the trámite's JSON Schema) are converted.
An optional ``idempotencia`` column gives each row its idempotency key; otherwise the key is
``lote:<sha256 of the file>:<row number>``. Unknown columns are bad usage (exit 2).

Every row goes through :meth:`issuer.issuance.IssuerService.issue_tramite`, the service code of
the HTTP endpoint, as the entity's batch client (``client_ref`` :data:`BATCH_CLIENT`), so a
rerun finds each issued row by its key and issues nothing twice, even after an interruption
between recording and depositing a credential. Per issued row ``DIR/<n>.jwt`` (the ``vc+jwt``)
and ``DIR/<n>.png`` (its embedded QR) are written (``<n>`` is the data row number, from 1);
rejected rows go to ``DIR/rechazados.csv`` (``fila,codigo,campos``: the problem code and the
failing fields, never a submitted value) and the batch goes on. ``DIR/lote.json`` records which
file the directory belongs to; ``--resume`` refuses a directory of another file and skips the
rows whose ``.jwt`` and ``.png`` are already there. Keys derive from the file's digest: after
editing the file, rerun with ``--resume`` into the same directory (or use an ``idempotencia``
column) so that rows already issued are not issued again.

The files hold personal data: the directory is made 0700 and the files 0600.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urljoin

from issuer.folder import FolderClient, LocalFolderClient
from issuer.issuance import IssueRequest, IssuerService
from issuer.keystore import FileKeyStore, KeyStore
from issuer.problems import ProblemError
from issuer.settings import Settings
from issuer.store import ClientRecord, Conflict, IdempotencyMismatch, InvalidInput, Store
from vcred.errors import (
    DataModelError,
    KeyMaterialError,
    QrError,
    SchemaValidationError,
    UsageError,
    VcredError,
)
from vcred.qr import encode_embedded, render_png
from vcred.schema import SchemaRegistry
from vcred.schema.catalogue import TramiteInfo

__all__ = ["BATCH_CLIENT", "IDEMPOTENCY_COLUMN", "BatchReport", "BatchUsageError", "issue_batch"]

#: The ``client_ref`` batch issuance records (``:`` never appears in API client ids).
BATCH_CLIENT = "cli:emitir-lote"
IDEMPOTENCY_COLUMN = "idempotencia"
REJECTED_FILE = "rechazados.csv"
MANIFEST_FILE = "lote.json"
_BAR_WIDTH = 30
_SUBJECT = "/credentialSubject/"
_INTEGER_RE = re.compile(r"[+-]?[0-9]{1,18}")
_BOOLEANS = {"true": True, "sí": True, "si": True, "false": False, "no": False}


class BatchUsageError(Exception):
    """The batch cannot start (bad file, columns or output directory): exit status 2."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row not issued: its number, the problem code and the failing fields."""

    row: int
    code: str
    fields: tuple[str, ...]


@dataclass(slots=True)
class BatchReport:
    """What a batch run did: issued rows (row number → credential id), skipped, rejected."""

    total: int = 0
    issued: dict[int, str] = field(default_factory=dict)
    replayed: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)


# -- the trámite's fields, from its schema -------------------------------------------------------


class _Fields:
    """Dotted paths of the subject's declared properties and their JSON types."""

    def __init__(self, registry: SchemaRegistry, info: TramiteInfo) -> None:
        self._registry = registry
        self._documents: dict[str, Mapping[str, Any]] = {}
        self.types: dict[str, set[str]] = {}
        root = self._document(info.schema_id)
        subject = root.get("properties", {}).get("credentialSubject", {})
        self._walk(subject, info.schema_id, "", 0)

    def _document(self, schema_id: str) -> Mapping[str, Any]:
        if schema_id not in self._documents:
            self._documents[schema_id] = self._registry.schema(schema_id)
        return self._documents[schema_id]

    def _resolve(self, ref: str, base: str) -> tuple[Mapping[str, Any], str]:
        target, _, pointer = urljoin(base, ref).partition("#")
        node: Any = self._document(target)
        for part in filter(None, pointer.split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, target

    def _node_types(self, node: Mapping[str, Any], base: str, depth: int) -> set[str]:
        found: set[str] = set()
        declared = node.get("type")
        if isinstance(declared, str):
            found.add(declared)
        elif isinstance(declared, list):
            found.update(t for t in declared if isinstance(t, str))
        if isinstance(node.get("$ref"), str) and depth < 16:
            target, target_base = self._resolve(node["$ref"], base)
            found |= self._node_types(target, target_base, depth + 1)
        return found

    def _walk(self, node: Any, base: str, prefix: str, depth: int) -> None:
        if not isinstance(node, Mapping) or depth > 16:
            return
        if isinstance(node.get("$ref"), str):
            target, target_base = self._resolve(node["$ref"], base)
            self._walk(target, target_base, prefix, depth + 1)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for child in node.get(keyword, ()):
                self._walk(child, base, prefix, depth + 1)
        for keyword in ("then", "else"):
            self._walk(node.get(keyword), base, prefix, depth + 1)
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            for name, child in properties.items():
                path = prefix + name
                if isinstance(child, Mapping):
                    self.types.setdefault(path, set()).update(
                        self._node_types(child, base, depth + 1)
                    )
                    self._walk(child, base, path + ".", depth + 1)

    def convert(self, path: str, text: str) -> Any:
        """The cell as the JSON value the schema expects (left as text when it does not fit)."""
        types = self.types.get(path, set())
        if "string" in types:
            return text
        if ("integer" in types or "number" in types) and _INTEGER_RE.fullmatch(text):
            return int(text)
        if "number" in types:
            try:
                number = float(text)
            except ValueError:
                return text
            return number if math.isfinite(number) else text
        if "boolean" in types and text.lower() in _BOOLEANS:
            return _BOOLEANS[text.lower()]
        return text


def _check_headers(headers: list[str] | None, fields: _Fields) -> list[str]:
    if not headers:
        raise BatchUsageError("el CSV no tiene encabezados / the CSV has no header row")
    names = [h.strip() for h in headers]
    if len(set(names)) != len(names) or any(not n for n in names):
        raise BatchUsageError("encabezados vacíos o repetidos / empty or repeated column names")
    unknown = [n for n in names if n != IDEMPOTENCY_COLUMN and n not in fields.types]
    if unknown:
        raise BatchUsageError(
            "columnas desconocidas para el trámite / columns the trámite does not have: "
            + ", ".join(unknown)
        )
    claims = [n for n in names if n != IDEMPOTENCY_COLUMN]
    nested = [n for n in claims if any(o.startswith(n + ".") for o in claims)]
    if nested:
        raise BatchUsageError(
            "una columna y sus subcampos a la vez / a column together with its dotted fields: "
            + ", ".join(nested)
        )
    return names


def _claims(row: Mapping[str | None, Any], fields: _Fields) -> dict[str, Any]:
    claims: dict[str, Any] = {}
    for header, cell in row.items():
        text = (cell or "").strip()
        if header is None or header == IDEMPOTENCY_COLUMN or not text:
            continue
        parts = header.split(".")
        target = claims
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = fields.convert(header, text)
    return claims


# -- output files --------------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (0600)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _credential_id(path: Path) -> str | None:
    """The ``id`` in a ``vc+jwt`` file of an earlier run (its payload is the credential), or
    ``None`` when the file is missing or unreadable (the row then goes through the service)."""
    try:
        part = path.read_text(encoding="ascii").split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        return str(payload["id"])
    except (OSError, ValueError, IndexError, KeyError, TypeError):
        return None


def _fields_of(exc: VcredError) -> tuple[str, ...]:
    if not isinstance(exc, SchemaValidationError | DataModelError):
        return ()
    paths = {
        v.path.removeprefix(_SUBJECT).replace("/", ".") if v.path.startswith(_SUBJECT) else v.path
        for v in exc.violations
    }
    return tuple(sorted(paths))


def _progress(stream: TextIO, done: int, total: int) -> None:
    filled = _BAR_WIDTH * done // total if total else _BAR_WIDTH
    bar = "#" * filled + " " * (_BAR_WIDTH - filled)
    stream.write(f"\r[{bar}] {done}/{total}")
    stream.flush()


def _utcnow() -> datetime:
    return datetime.now(UTC)


# -- the batch -----------------------------------------------------------------------------------


def issue_batch(
    settings: Settings,
    *,
    store: Store,
    entity: str,
    tramite: str,
    csv_path: Path,
    out_dir: Path,
    resume: bool = False,
    progress: TextIO,
    keystore: KeyStore | None = None,
    folder: FolderClient | None = None,
    clock: Callable[[], datetime] = _utcnow,
    schemas: SchemaRegistry | None = None,
) -> BatchReport:
    """Issue one credential per CSV row (see the module docstring); never issues a row twice.

    Raises :class:`BatchUsageError` before issuing anything when the file, its columns or the
    output directory are unusable; store, key and I/O failures stop the batch (a rerun resumes).
    """
    registry = schemas or SchemaRegistry.default()
    info = registry.for_tramite(tramite)
    store.get_entity(entity)  # not_found before anything else
    try:
        raw = csv_path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise BatchUsageError(f"--csv: {exc.strerror or 'no se puede leer'}") from None
    except UnicodeDecodeError:
        raise BatchUsageError("--csv: el archivo no es UTF-8 / the file is not UTF-8") from None
    digest = hashlib.sha256(raw).hexdigest()
    fields = _Fields(registry, info)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        headers = _check_headers(list(reader.fieldnames or []), fields)
        reader.fieldnames = headers
        rows = list(reader)
    except csv.Error as exc:
        raise BatchUsageError(f"--csv: CSV inválido / invalid CSV ({exc})") from None

    manifest = json.dumps(
        {"entity": entity, "tramite": info.codigo, "csvSha256": digest}, sort_keys=True
    ).encode()
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        previous = (out_dir / MANIFEST_FILE).read_bytes()
    except FileNotFoundError:
        previous = None
    except OSError as exc:
        raise BatchUsageError(f"--out: {exc.strerror or 'no se puede usar'}") from None
    if resume and previous is not None and previous != manifest:
        raise BatchUsageError(
            "--resume: el directorio es de otro lote (otro archivo, entidad o trámite) / "
            "the directory belongs to another batch"
        )
    _write(out_dir / MANIFEST_FILE, manifest)

    service = IssuerService(
        settings,
        store=store,
        keystore=keystore or FileKeyStore(settings),
        folder=folder or LocalFolderClient(settings.data_dir / "carpeta"),
        clock=clock,
        schemas=registry,
    )
    client = ClientRecord(entity, BATCH_CLIENT, ("issue",), (), clock(), None)
    report = BatchReport(total=len(rows))
    try:
        for number, row in enumerate(rows, start=1):
            _progress(progress, number - 1, len(rows))
            jwt_file, png_file = out_dir / f"{number}.jwt", out_dir / f"{number}.png"
            if resume and png_file.exists():
                done = _credential_id(jwt_file)
                if done is not None:
                    report.issued[number] = done
                    report.skipped += 1
                    continue
            outcome = _issue_row(service, client, info, fields, row, number, digest)
            if isinstance(outcome, Rejection):
                report.rejected.append(outcome)
                continue
            credential_id, token, replayed = outcome
            _write(jwt_file, token.encode("ascii"))
            try:
                _write(png_file, render_png(encode_embedded(token)))
            except QrError as exc:
                report.rejected.append(Rejection(number, str(exc.code), ()))
                continue
            report.issued[number] = credential_id
            report.replayed += int(replayed)
        _progress(progress, len(rows), len(rows))
    finally:
        progress.write("\n")
        progress.flush()
        _write_rejections(out_dir / REJECTED_FILE, report.rejected)
    return report


def _issue_row(
    service: IssuerService,
    client: ClientRecord,
    info: TramiteInfo,
    fields: _Fields,
    row: Mapping[str | None, Any],
    number: int,
    digest: str,
) -> tuple[str, str, bool] | Rejection:
    if None in row:  # more cells than columns
        return Rejection(number, "csv_row_invalid", ())
    given = (row.get(IDEMPOTENCY_COLUMN) or "").strip()
    if given and not (len(given) <= 200 and given.isascii() and given.isprintable()):
        return Rejection(number, "bad_request", (IDEMPOTENCY_COLUMN,))
    key = given or f"lote:{digest[:32]}:{number}"
    claims = _claims(row, fields)
    body = {"claims": claims, "validFrom": None, "validUntil": None, "suspendable": False}
    try:
        issued = service.issue_tramite(
            client,
            client.entity,
            info.codigo,
            IssueRequest(claims),
            digest_body=body,
            idempotency_key=key,
        )
    except (KeyMaterialError, UsageError):
        raise  # the service is broken, not the row
    except VcredError as exc:
        return Rejection(number, str(exc.code), _fields_of(exc))
    except ProblemError as exc:
        return Rejection(number, exc.code, ())
    except (IdempotencyMismatch, InvalidInput, Conflict) as exc:
        return Rejection(number, str(exc.code), (IDEMPOTENCY_COLUMN,) if given else ())
    return issued.credential_id, issued.token, issued.replayed


def _write_rejections(path: Path, rejected: list[Rejection]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["fila", "codigo", "campos"])
    for item in rejected:
        writer.writerow([item.row, item.code, " ".join(item.fields)])
    _write(path, buffer.getvalue().encode("utf-8"))
