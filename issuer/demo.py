"""``python -m issuer.demo``: the issuer service end to end on this machine (issue #3, item 8).

::

    python -m issuer.demo [--host ::] [--port 8000] [--once] [--log-level warning]

1. Reads the ``VCRED_ISSUER_*`` settings, defaulting to development mode (``VCRED_ISSUER_DEV=1``)
   and ``VCRED_ISSUER_PUBLIC_BASE_URL=http://localhost:<port>``; data lives under
   ``./var/issuer`` unless ``VCRED_ISSUER_DATA_DIR`` says otherwise. Migrates the database.
2. On first start creates the demo entity (Gobernación del Putumayo), its signing key and an API
   client limited to SVT-135; the client's secret is kept in ``<DATA_DIR>/demo-client.json``
   (mode 0600) so later starts reuse it. Key material is never printed.
3. Starts the real server (:func:`issuer.server.serve`: uvicorn, dual stack) in a child process
   and waits for ``/salud``.
4. Issues a sample SVT-135 *paz y salvo* through the HTTP API with the client's Basic
   credentials, verifies it with :mod:`vcred` against the running server (its DID document and
   status list fetched over HTTP from loopback), writes the embedded QR as a PNG under ``./out/``
   and prints the URLs, the verdict and the linked QR in the terminal.
5. Keeps serving until Ctrl-C or SIGTERM (``--once``: stops the server and exits at once).

Exit status: 0 done (with ``--once``, the sample credential verified as valid); 1 the sample
was not valid, or the server or the issuance failed; 2 bad settings; 3 the database or the key
store failed during set-up.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import secrets
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from issuer.db import create_engine_for, migrate
from issuer.keystore import FileKeyStore
from issuer.provisioning import provision_key
from issuer.server import DEFAULT_HOST, DEFAULT_PORT, serve
from issuer.settings import ENV_PREFIX, Settings, SettingsError
from issuer.store import NotFound, Store, StoreError
from vcred.errors import ErrorCode, FetchError, VcredError
from vcred.keys import KeyType
from vcred.qr import encode_embedded, render_png
from vcred.schema import SchemaRegistry
from vcred.trust import TrustedIssuer, TrustRegistry
from vcred.verify import VerificationResult, create_verifier

__all__ = [
    "DEMO_NIT",
    "DEMO_NOMBRE",
    "DEMO_SLUG",
    "DemoEntity",
    "LoopbackFetcher",
    "ensure_demo_entity",
    "main",
]

DEMO_SLUG = "gobernacion-putumayo"
DEMO_NOMBRE = "Gobernación del Putumayo"
DEMO_NIT = "800094164-4"
DEMO_TRAMITE = "SVT-135"
CLIENT_FILE = "demo-client.json"
OUT_DIR = Path("out")
_VERDICTS = {"valid": "válido", "invalid": "inválido", "indeterminate": "indeterminado"}
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _Stop(Exception):
    """SIGTERM: leave the serving loop like Ctrl-C does."""


class LoopbackFetcher:
    """A :class:`~vcred.fetch.Fetcher` that reaches this service's own URLs on loopback.

    The entity's ``did:web`` resolves to ``https://<public host>/…`` and its status lists live
    under the public base URL; in this demo both are answered by the local server over plain
    HTTP, so URLs under the public base (in either scheme) are fetched from ``origin`` instead.
    Any other URL is refused.
    """

    def __init__(self, public_base_url: str, origin: str, *, timeout: float = 10.0) -> None:
        rest = public_base_url.split("://", 1)[1]
        self._prefixes = (f"http://{rest}/", f"https://{rest}/")
        self._origin = origin.rstrip("/")
        self._timeout = timeout

    def fetch(self, url: str) -> bytes:
        """GET ``url`` from the local server (only this service's own URLs)."""
        prefix = next((p for p in self._prefixes if url.startswith(p)), None)
        if prefix is None:
            raise FetchError(
                "the demo fetcher reaches only this service", code=ErrorCode.FETCH_BLOCKED_ADDRESS
            )
        local = f"{self._origin}/{url.removeprefix(prefix)}"
        try:
            with _NO_PROXY.open(local, timeout=self._timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            code = ErrorCode.FETCH_NOT_FOUND if exc.code == 404 else ErrorCode.FETCH_HTTP_STATUS
            raise FetchError(f"HTTP {exc.code} from {url}", code=code) from None
        except (urllib.error.URLError, OSError) as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from None


# -- set-up ---------------------------------------------------------------------------------


def demo_settings(environ: Mapping[str, str], port: int) -> Settings:
    """The settings of the environment, in development mode and on ``port`` unless it says so."""
    env = dict(environ)
    env.setdefault(ENV_PREFIX + "DEV", "1")
    env.setdefault(ENV_PREFIX + "PUBLIC_BASE_URL", f"http://localhost:{port}")
    return Settings.from_env(env)


def _write_private_json(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    os.replace(temporary, path)


def _read_client(path: Path) -> tuple[str, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    client_id, secret = data.get("clientId"), data.get("clientSecret")
    if isinstance(client_id, str) and isinstance(secret, str):
        return client_id, secret
    return None


@dataclass(frozen=True, slots=True)
class DemoEntity:
    """The demo entity's DID and its API client (``created``: made by this start)."""

    did: str
    client_id: str
    client_secret: str = field(repr=False)
    created: bool


def ensure_demo_entity(settings: Settings) -> DemoEntity:
    """Migrate; create the demo entity, its key and its client if missing."""
    migrate(settings.database_url)
    engine = create_engine_for(settings.database_url, pool_size=1)
    try:
        store = Store(engine)
        created = False
        try:
            entity = store.get_entity(DEMO_SLUG)
        except NotFound:
            entity = store.create_entity(
                DEMO_SLUG, nombre=DEMO_NOMBRE, nit=DEMO_NIT, did=settings.entity_did(DEMO_SLUG)
            )
            created = True
        try:
            store.active_key(DEMO_SLUG)
        except NotFound:
            provision_key(
                store, FileKeyStore(settings), DEMO_SLUG, fragment="key-1", key_type=KeyType.ED25519
            )
        path = settings.data_dir / CLIENT_FILE
        saved = _read_client(path)
        if saved is not None and store.verify_client_secret(*saved) is not None:
            return DemoEntity(entity.did, saved[0], saved[1], created)
        client, secret = store.create_client(
            DEMO_SLUG, scopes=["issue", "status"], tramites=[DEMO_TRAMITE]
        )
        _write_private_json(path, {"clientId": client.client_id, "clientSecret": secret})
        return DemoEntity(entity.did, client.client_id, secret, created)
    finally:
        engine.dispose()


# -- the server -----------------------------------------------------------------------------


def _loopback_origin(host: str, port: int) -> str:
    if host in ("", "::", "0.0.0.0"):  # noqa: S104 - the wildcard binds, reached on loopback
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _serve_child(settings: Settings, host: str, port: int, log_level: str) -> None:
    # The child stops on SIGTERM (uvicorn's graceful shutdown); Ctrl-C reaches it as well.
    try:
        serve(settings, host, port, migrate_first=False, log_level=log_level)
    except OSError as exc:  # the port is taken, the host unknown…
        print(f"error: cannot serve on {host} port {port}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(1)


def _wait_until_up(origin: str, process: Any, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.is_alive():
            return False
        try:
            with _NO_PROXY.open(f"{origin}/salud", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    return False


def _stop(process: Any) -> None:
    if process.is_alive():
        process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        process.join(15)
    if process.is_alive():
        process.kill()
        process.join()


# -- the sample certificate -----------------------------------------------------------------


def sample_claims(now: datetime) -> dict[str, Any]:
    """The claims of a sample SVT-135 *paz y salvo* (as ``examples/demo_setup.py``)."""
    return {
        "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "tipoDocumento": "CC",
        "numeroDocumento": "1123456789",
        "nombres": "María Fernanda",
        "apellidos": "Jamioy Chindoy",
        "entidad": {"nombre": DEMO_NOMBRE, "nit": DEMO_NIT, "codigoDane": "86001"},
        "numeroCertificado": f"PYS-{now.year}-{secrets.randbelow(10**6):06d}",
        "concepto": "IMPUESTO_VEHICULOS_AUTOMOTORES",
        "vigencia": now.year,
        "placa": "OQJ12F",
        "fechaExpedicion": now.date().isoformat(),
        "fechaVencimiento": f"{now.year}-12-31",
    }


def issue_sample(origin: str, client_id: str, secret: str) -> dict[str, Any]:
    """``POST /entidades/<slug>/tramites/SVT-135/credenciales`` with Basic auth; the answer."""
    now = datetime.now(UTC).replace(microsecond=0)
    body = {
        "claims": sample_claims(now),
        "validUntil": (now + timedelta(days=90)).isoformat().replace("+00:00", "Z"),
    }
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL built here
        f"{origin}/entidades/{DEMO_SLUG}/tramites/{DEMO_TRAMITE}/credenciales",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {basic}"},
        method="POST",
    )
    try:
        with _NO_PROXY.open(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:2000]
        raise RuntimeError(f"issuance failed with HTTP {exc.code}: {detail}") from None


def verify_sample(settings: Settings, origin: str, did: str, token: str) -> VerificationResult:
    """Verify ``token`` with vcred, reaching the running server over HTTP on loopback."""
    schemas = SchemaRegistry.default()
    trust = TrustRegistry(
        [
            TrustedIssuer(
                did=did,
                nombre=DEMO_NOMBRE,
                nit=DEMO_NIT,
                allowed_types=frozenset(t.credential_type for t in schemas.tramites()),
                valid_from=datetime(2024, 1, 1, tzinfo=UTC),
            )
        ]
    )
    verifier = create_verifier(
        fetcher=LoopbackFetcher(settings.public_base_url, origin), trust=trust, schemas=schemas
    )
    return verifier.verify(token)


def _print_linked_qr(link: str) -> None:
    import qrcode

    code = qrcode.QRCode(border=1)
    code.add_data(link)
    code.print_ascii(invert=True)


def run_demo(settings: Settings, origin: str, demo: DemoEntity) -> bool:
    """Issue, render, verify and print; True when the sample credential is valid."""
    answer = issue_sample(origin, demo.client_id, demo.client_secret)
    token = str(answer["verifiableCredential"]["id"]).removeprefix("data:application/vc+jwt,")
    credential_id = str(answer["id"])
    verificar = answer.get("links", {}).get("verificar")
    did = demo.did
    result = verify_sample(settings, origin, did, token)
    status = result.credential.get("credentialStatus") if result.credential else None
    status_url = status.get("statusListCredential") if isinstance(status, Mapping) else None

    OUT_DIR.mkdir(exist_ok=True)
    png_path = (OUT_DIR / f"svt-135-{credential_id.rsplit(':', 1)[-1]}-embebido.png").resolve()
    png_path.write_bytes(render_png(encode_embedded(token)))

    base = settings.public_base_url
    print(f"\nEmisor vcred / vcred issuer — {DEMO_NOMBRE} (NIT {DEMO_NIT})")
    print(f"  Servicio / service:        {base}")
    print(f"  Documentación / API docs:  {base}/docs")
    print(f"  Documento DID / DID doc:   {settings.did_document_url(DEMO_SLUG)}")
    print(f"  DID:                       {did}")
    print(f"  Lista de estado / status:  {status_url or '-'}")
    print(f"\nCredencial emitida / credential issued ({DEMO_TRAMITE}): {credential_id}")
    print(f"  vc+jwt: {len(token)} bytes")
    print(f"  Enlace de verificación / verification link: {verificar or '-'}")
    print(f"  QR embebido / embedded QR (PNG): {png_path}")
    verdict = result.verdict.value
    print(
        f"\nVeredicto / verdict: {_VERDICTS[verdict]} / {verdict} "
        f"(entidad / issuer: {result.issuer_name or '-'})"
    )
    for check in result.checks:
        print(f"  {check.outcome.value:13} {check.check.value:16} {check.code.value}")
    if verificar:
        print("\nQR enlazado / linked QR:")
        _print_linked_qr(str(verificar))
    return result.verified


# -- command line ---------------------------------------------------------------------------


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError("a port number from 1 to 65535")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m issuer.demo",
        description="Demostración del emisor vcred / vcred issuer demo",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=":: (IPv6 e IPv4), 127.0.0.1, …")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT)
    parser.add_argument(
        "--once", action="store_true", help="emitir, verificar y salir / issue, verify and exit"
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn log level",
    )
    return parser


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo (see the module docstring); return the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = demo_settings(os.environ, args.port)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        demo = ensure_demo_entity(settings)
    except (StoreError, VcredError, SQLAlchemyError, OSError) as exc:
        message = getattr(exc, "message", None) or str(exc).splitlines()[0][:300]
        print(f"error: cannot set up the demo entity: {message}", file=sys.stderr)
        return 3
    if demo.created:
        print(f"Entidad de demostración creada / demo entity created: {DEMO_SLUG}")
    else:
        print(f"Entidad de demostración reutilizada / demo entity reused: {DEMO_SLUG}")
    print(f"Cliente de la API / API client: {demo.client_id} ({settings.data_dir / CLIENT_FILE})")
    if demo.did != settings.entity_did(DEMO_SLUG):
        print(
            f"aviso / warning: the entity was created as {demo.did}, which does not match "
            f"{settings.public_base_url} (another port or VCRED_ISSUER_PUBLIC_BASE_URL?); "
            "verifiers will not resolve it here",
            file=sys.stderr,
        )

    origin = _loopback_origin(args.host, args.port)
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_serve_child,
        args=(settings, args.host, args.port, args.log_level),
        name="issuer-server",
    )
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    process.start()
    try:
        if not _wait_until_up(origin, process):
            print(
                f"error: the server did not answer at {origin}/salud "
                f"(exit status {process.exitcode})",
                file=sys.stderr,
            )
            return 1
        try:
            valid = run_demo(settings, origin, demo)
        except (RuntimeError, VcredError) as exc:
            print(f"error: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
            return 1
        if args.once:
            return 0 if valid else 1
        print("\nSirviendo; Ctrl-C para detener / serving; Ctrl-C to stop.", flush=True)
        process.join()
        return 0 if process.exitcode == 0 else 1
    except (KeyboardInterrupt, _Stop):
        print("\nDeteniendo / stopping…", file=sys.stderr)
        return 0
    finally:
        _stop(process)
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
