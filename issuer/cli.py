"""``python -m issuer``: the issuer's admin command line (issue #3, items 1 and 3).

::

    python -m issuer migrate                                   (migrar)
    python -m issuer entity create --slug S --nombre N --nit NIT [--key-type Ed25519|P-256]
                                                               (entidad crear)
    python -m issuer key rotate --entity S [--key-type …]      (clave rotar)
    python -m issuer client create --entity S --scopes issue,status [--tramites SVT-135,…]
                                                               (cliente crear)
    python -m issuer audit verify --entity S                   (auditoria verificar)
    python -m issuer emitir-lote --entity S --tramite SVT-135 --csv FILE --out DIR [--resume]
                                                               (issue-batch)
    python -m issuer serve [--host ::] [--port 8000] [--workers N] [--no-migrate]  (servir)

Settings come from the ``VCRED_ISSUER_*`` environment (:mod:`issuer.settings`). ``--json``
(before or after the command) prints one JSON object for machines; otherwise the output is for
people, in Spanish and English. Exit status: 0 done; 1 the audit chain is broken or some batch
rows were rejected (:mod:`issuer.bulk`); 2 bad usage,
settings or input (unknown entity, a slug already taken…); 3 the database or the key store
failed. Bad input never prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from sqlalchemy.exc import SQLAlchemyError

from issuer.keystore import SLUG_PATTERN, FileKeyStore
from issuer.provisioning import provision_key
from issuer.settings import Settings, SettingsError
from issuer.store import KeyRecord, Store, StoreError
from vcred.errors import KeyMaterialError, VcredError
from vcred.keys import KeyType
from vcred.schema import SchemaRegistry, is_valid_nit

__all__ = ["EXIT_BROKEN", "EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_USAGE = 2
EXIT_ERROR = 3

_SLUG_RE = re.compile(SLUG_PATTERN)
_KEY_NUMBER_RE = re.compile(r"key-([0-9]{1,9})")
_KEY_TYPES = [t.value for t in KeyType]


class CliError(Exception):
    """A failure to report in one line, with its exit status and a stable code."""

    def __init__(self, message: str, *, code: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class _Output:
    def __init__(self, *, as_json: bool, stdout: TextIO, stderr: TextIO) -> None:
        self.as_json = as_json
        self.stdout = stdout
        self.stderr = stderr

    def result(self, data: Mapping[str, Any], lines: Sequence[str]) -> None:
        if self.as_json:
            print(json.dumps(data, ensure_ascii=False, indent=2), file=self.stdout)
        else:
            print("\n".join(lines), file=self.stdout)

    def error(self, error: CliError) -> None:
        if self.as_json:
            body = {"error": {"code": error.code, "message": error.message}}
            print(json.dumps(body, ensure_ascii=False), file=self.stdout)
        print(f"error: {error.message}", file=self.stderr)


# -- commands --------------------------------------------------------------------------------


def _migrate(args: argparse.Namespace, settings: Settings, out: _Output) -> int:
    from issuer.db import migrate

    migrate(settings.database_url)
    out.result(
        {"migrated": True},
        ["Base de datos al día / database schema up to date."],
    )
    return EXIT_OK


def _key_type(value: str) -> KeyType:
    for key_type in KeyType:
        if value.lower() == key_type.value.lower():
            return key_type
    raise CliError(f"--key-type must be one of {', '.join(_KEY_TYPES)}", code="usage")


def _key_json(key: KeyRecord, did: str) -> dict[str, Any]:
    return {
        "id": f"{did}#{key.fragment}",
        "fragment": key.fragment,
        "algorithm": key.algorithm,
        "state": key.state,
        "publicKeyJwk": dict(key.public_jwk),
    }


def _entity_create(args: argparse.Namespace, settings: Settings, out: _Output) -> int:
    slug = args.slug
    if not _SLUG_RE.fullmatch(slug):
        raise CliError(
            "--slug: minúsculas, dígitos y guiones / lowercase letters, digits and hyphens "
            "(1-64, no leading or trailing hyphen)",
            code="usage",
        )
    nombre = args.nombre.strip()
    if not nombre or len(nombre) > 300:
        raise CliError("--nombre: 1 to 300 characters", code="usage")
    if not is_valid_nit(args.nit):
        raise CliError(
            "--nit: NIT con dígito de verificación / NIT with its DIAN check digit, "
            "e.g. 800094164-4",
            code="usage",
        )
    key_type = _key_type(args.key_type)
    keystore = FileKeyStore(settings)
    with _store(settings) as store:
        entity = store.create_entity(
            slug, nombre=nombre, nit=args.nit, did=settings.entity_did(slug)
        )
        key = provision_key(store, keystore, slug, fragment="key-1", key_type=key_type)
    document_url = settings.did_document_url(slug)
    out.result(
        {
            "entity": {
                "slug": entity.slug,
                "nombre": entity.nombre,
                "nit": entity.nit,
                "did": entity.did,
                "didDocument": document_url,
            },
            "key": _key_json(key, entity.did),
        },
        [
            f"Entidad creada / entity created: {entity.slug} ({entity.nombre}, NIT {entity.nit})",
            f"  DID: {entity.did}",
            f"  Documento DID / DID document: {document_url}",
            f"  Clave / key: {entity.did}#{key.fragment} ({key.algorithm})",
        ],
    )
    return EXIT_OK


def _next_fragment(keys: Sequence[KeyRecord]) -> str:
    numbers = [int(m.group(1)) for k in keys if (m := _KEY_NUMBER_RE.fullmatch(k.fragment))]
    return f"key-{max(numbers, default=0) + 1}"


def _key_rotate(args: argparse.Namespace, settings: Settings, out: _Output) -> int:
    keystore = FileKeyStore(settings)
    with _store(settings) as store:
        entity = store.get_entity(args.entity)
        keys = store.keys(args.entity)
        active = [k for k in keys if k.state == "active"]
        if args.key_type:
            key_type = _key_type(args.key_type)
        else:  # keep the current key type
            key_type = (
                KeyType.P256 if active and active[0].algorithm == "ES256" else KeyType.ED25519
            )
        fragment = _next_fragment(keys)
        key = provision_key(
            store, keystore, args.entity, fragment=fragment, key_type=key_type, rotate=True
        )
    retired = [k.fragment for k in active]
    out.result(
        {"entity": entity.slug, "key": _key_json(key, entity.did), "retired": retired},
        [
            f"Clave rotada / key rotated: {entity.did}#{key.fragment} ({key.algorithm})",
            "  Retiradas (siguen en el documento DID para verificar credenciales anteriores) / "
            f"retired (kept in the DID document for earlier credentials): "
            f"{', '.join(retired) or '-'}",
        ],
    )
    return EXIT_OK


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _client_create(args: argparse.Namespace, settings: Settings, out: _Output) -> int:
    scopes = _split(args.scopes)
    registry = SchemaRegistry.default()
    try:
        tramites = [registry.for_tramite(code).codigo for code in _split(args.tramites)]
    except VcredError as exc:
        raise CliError(f"--tramites: {exc.message}", code=str(exc.code)) from None
    with _store(settings) as store:
        client, secret = store.create_client(
            args.entity, scopes=scopes, tramites=tramites, client_id=args.client_id
        )
    out.result(
        {
            "entity": client.entity,
            "clientId": client.client_id,
            "clientSecret": secret,
            "scopes": list(client.scopes),
            "tramites": list(client.tramites),
        },
        [
            f"Cliente creado / client created for {client.entity}",
            f"  client_id:     {client.client_id}",
            f"  client_secret: {secret}",
            f"  scopes:        {', '.join(client.scopes)}",
            f"  trámites:      {', '.join(client.tramites) or '(todos / all)'}",
            "Guarde el secreto ahora: no se vuelve a mostrar. "
            "Store the secret now: it is never shown again.",
        ],
    )
    return EXIT_OK


def _audit_verify(args: argparse.Namespace, settings: Settings, out: _Output) -> int:
    with _store(settings) as store:
        broken = store.verify_audit_chain(args.entity)
    data = {"entity": args.entity, "intact": broken is None, "brokenSeq": broken}
    if broken is None:
        out.result(data, [f"Cadena de auditoría íntegra / audit chain intact: {args.entity}"])
        return EXIT_OK
    out.result(
        data,
        [
            f"Cadena de auditoría ROTA en la entrada {broken} / "
            f"audit chain BROKEN at entry {broken}: {args.entity}"
        ],
    )
    return EXIT_BROKEN


def _issue_batch(args: argparse.Namespace, settings: Settings, out: _Output) -> int:
    from pathlib import Path

    from issuer.bulk import BatchUsageError, issue_batch

    with _store(settings) as store:
        try:
            report = issue_batch(
                settings,
                store=store,
                entity=args.entity,
                tramite=args.tramite,
                csv_path=Path(args.csv),
                out_dir=Path(args.out),
                resume=args.resume,
                progress=out.stderr,
            )
        except BatchUsageError as exc:
            raise CliError(str(exc), code="usage") from None
    rejected = [
        {"fila": r.row, "codigo": r.code, "campos": list(r.fields)} for r in report.rejected
    ]
    out.result(
        {
            "total": report.total,
            "issued": [{"fila": n, "id": i} for n, i in sorted(report.issued.items())],
            "replayed": report.replayed,
            "skipped": report.skipped,
            "rejected": rejected,
        },
        [
            f"Emitidas / issued: {len(report.issued)} de {report.total} "
            f"(ya emitidas antes / already issued: {report.replayed + report.skipped})",
            f"Rechazadas / rejected: {len(report.rejected)} (ver / see {args.out}/rechazados.csv)",
        ],
    )
    return EXIT_BROKEN if report.rejected else EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings, out: _Output) -> int:
    from issuer.server import serve

    if args.workers < 1:
        raise CliError("--workers must be at least 1", code="usage")
    serve(
        settings,
        args.host,
        args.port,
        workers=args.workers,
        migrate_first=not args.no_migrate,
    )
    return EXIT_OK


# -- plumbing --------------------------------------------------------------------------------


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    from issuer.db import create_engine_for

    engine = create_engine_for(settings.database_url, pool_size=1)
    try:
        yield Store(engine)
    finally:
        engine.dispose()


def _port(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError("a port number from 0 to 65535")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m issuer",
        description="Administración del emisor vcred / vcred issuer administration",
    )
    parser.add_argument("--json", action="store_true", help="salida JSON / JSON output")
    # Subcommands take --json too; SUPPRESS keeps the top-level value when it is absent.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def group(name: str, alias: str, help_text: str) -> Any:
        sub = commands.add_parser(name, aliases=[alias], help=help_text)
        return sub.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(
        actions: Any,
        name: str,
        alias: str,
        handler: Callable[..., int],
        help_text: str,
        *,
        keys: bool = False,
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = actions.add_parser(
            name, aliases=[alias], help=help_text, parents=[common]
        )
        sub.set_defaults(handler=handler, needs_keys=keys)
        return sub

    migrate = commands.add_parser(
        "migrate", aliases=["migrar"], help="crear o actualizar la base de datos", parents=[common]
    )
    migrate.set_defaults(handler=_migrate, needs_keys=False)

    entity = action(
        group("entity", "entidad", "entidades / entities"),
        "create",
        "crear",
        _entity_create,
        "crear una entidad con su did:web y su primera clave",
        keys=True,
    )
    entity.add_argument("--slug", required=True, help="p. ej. gobernacion-putumayo")
    entity.add_argument("--nombre", "--name", dest="nombre", required=True)
    entity.add_argument("--nit", required=True, help="p. ej. 800094164-4")
    entity.add_argument("--key-type", "--tipo-clave", default="Ed25519", help="Ed25519 | P-256")

    key = action(
        group("key", "clave", "claves de firma / signing keys"),
        "rotate",
        "rotar",
        _key_rotate,
        "nueva clave activa; la anterior queda retirada en el documento DID",
        keys=True,
    )
    key.add_argument("--entity", "--entidad", dest="entity", required=True)
    key.add_argument("--key-type", "--tipo-clave", default=None, help="Ed25519 | P-256")

    client = action(
        group("client", "cliente", "clientes de la API / API clients"),
        "create",
        "crear",
        _client_create,
        "crear un cliente de la API (el secreto se muestra una sola vez)",
    )
    client.add_argument("--entity", "--entidad", dest="entity", required=True)
    client.add_argument("--scopes", "--alcances", dest="scopes", required=True)
    client.add_argument("--tramites", default="", help="códigos, p. ej. SVT-135,SVT-140")
    client.add_argument("--client-id", default=None)

    audit = action(
        group("audit", "auditoria", "registro de auditoría / audit log"),
        "verify",
        "verificar",
        _audit_verify,
        "verificar la cadena de hashes del registro de auditoría",
    )
    audit.add_argument("--entity", "--entidad", dest="entity", required=True)

    batch = commands.add_parser(
        "emitir-lote",
        aliases=["issue-batch"],
        help="emitir un lote desde un CSV / issue a batch from a CSV file",
        parents=[common],
    )
    batch.set_defaults(handler=_issue_batch, needs_keys=True)
    batch.add_argument("--entity", "--entidad", dest="entity", required=True)
    batch.add_argument("--tramite", required=True, help="p. ej. SVT-135")
    batch.add_argument("--csv", required=True, help="una fila por credencial / one row each")
    batch.add_argument("--out", "--salida", dest="out", required=True, help="directorio")
    batch.add_argument("--resume", "--reanudar", dest="resume", action="store_true")

    serve = commands.add_parser(
        "serve",
        aliases=["servir"],
        help="iniciar el servicio / start the service",
        parents=[common],
    )
    serve.set_defaults(handler=_serve, needs_keys=True)
    serve.add_argument("--host", default="::", help=":: (IPv6 e IPv4), 127.0.0.1, …")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-migrate", action="store_true", help="no migrar al iniciar")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one admin command; return the exit status (see the module docstring)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage and the reason
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    out = _Output(as_json=args.json, stdout=stdout, stderr=stderr)
    try:
        try:
            settings = Settings.from_env(
                os.environ if environ is None else environ,
                require_key_passphrase=args.needs_keys,
            )
        except SettingsError as exc:
            raise CliError(str(exc), code="settings_invalid") from None
        handler: Callable[[argparse.Namespace, Settings, _Output], int] = args.handler
        return handler(args, settings, out)
    except CliError as exc:
        out.error(exc)
        return exc.status
    except StoreError as exc:
        out.error(CliError(exc.message, code=str(exc.code)))
        return EXIT_USAGE
    except KeyMaterialError as exc:
        out.error(CliError(f"key store: {exc.message}", code=str(exc.code), status=EXIT_ERROR))
        return EXIT_ERROR
    except VcredError as exc:
        out.error(CliError(exc.message, code=str(exc.code)))
        return EXIT_USAGE
    except SQLAlchemyError as exc:
        out.error(CliError(_database_message(exc), code="database_error", status=EXIT_ERROR))
        return EXIT_ERROR
    except OSError as exc:
        message = f"{exc.strerror or type(exc).__name__}" + (
            f": {exc.filename}" if exc.filename else ""
        )
        out.error(CliError(message, code="os_error", status=EXIT_ERROR))
        return EXIT_ERROR


def _database_message(exc: SQLAlchemyError) -> str:
    # The driver's first line says what failed (no SQL, no parameters, no password).
    reason = str(getattr(exc, "orig", None) or type(exc).__name__).splitlines()[0][:300]
    return (
        f"error de base de datos / database error: {reason} "
        "(¿ejecutó / did you run `python -m issuer migrate`?)"
    )
