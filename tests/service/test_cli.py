"""``python -m issuer``: entities, keys, clients and the audit check, end to end.

The whole flow runs on SQLite and on PostgreSQL; bad input gets a message and a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from issuer.cli import EXIT_BROKEN, EXIT_ERROR, EXIT_OK, EXIT_USAGE
from issuer.db import create_engine_for
from issuer.settings import Settings
from issuer.store import Store
from tests.service.conftest import TEST_SECRET_COST, CliResult

Cli = Callable[..., CliResult]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_env(request: pytest.FixtureRequest, env: dict[str, str]) -> dict[str, str]:
    """The test environment on each database backend."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_schema_url")
        return {**env, "VCRED_ISSUER_DATABASE_URL": url}
    return env


@pytest.fixture
def run(cli: Cli, backend_env: dict[str, str]) -> Cli:
    def run_on_backend(*argv: str) -> CliResult:
        return cli(*argv, environ=backend_env)

    assert run_on_backend("migrate").status == EXIT_OK
    return run_on_backend


@pytest.fixture
def backend_store(backend_env: dict[str, str]) -> Iterator[Store]:
    engine = create_engine_for(Settings.from_env(backend_env).database_url)
    yield Store(engine, secret_cost=TEST_SECRET_COST)
    engine.dispose()


def _slug() -> str:
    return f"gob-{secrets.token_hex(4)}"


def _create(run: Cli, slug: str, *extra: str) -> CliResult:
    return run(
        "entity", "create", "--slug", slug, "--nombre", "Gobernación de Prueba",
        "--nit", "800094164-4", *extra,
    )  # fmt: skip


def test_entity_key_client_and_audit_flow(run: Cli, backend_store: Store) -> None:
    slug = _slug()
    created = _create(run, slug, "--json")
    assert created.status == EXIT_OK, created.stderr
    data = created.json()
    did = f"did:web:localhost%3A8000:entidades:{slug}"
    assert data["entity"]["did"] == did
    assert data["entity"]["didDocument"] == f"http://localhost:8000/entidades/{slug}/did.json"
    assert data["key"]["id"] == f"{did}#key-1"
    assert data["key"]["algorithm"] == "EdDSA"
    assert "d" not in data["key"]["publicKeyJwk"]

    rotated = run("key", "rotate", "--entity", slug, "--key-type", "P-256", "--json")
    assert rotated.status == EXIT_OK, rotated.stderr
    assert rotated.json()["key"]["fragment"] == "key-2"
    assert rotated.json()["key"]["algorithm"] == "ES256"
    assert rotated.json()["retired"] == ["key-1"]
    keys = backend_store.keys(slug)
    assert [(k.fragment, k.state) for k in keys] == [("key-1", "retired"), ("key-2", "active")]
    assert all(k.key_ref.startswith("file:keys/") for k in keys)

    client = run(
        "client", "create", "--entity", slug, "--scopes", "issue,status",
        "--tramites", "svt-135", "--json",
    )  # fmt: skip
    assert client.status == EXIT_OK, client.stderr
    answer = client.json()
    assert answer["scopes"] == ["issue", "status"]
    assert answer["tramites"] == ["SVT-135"]
    verified = backend_store.verify_client_secret(answer["clientId"], answer["clientSecret"])
    assert verified is not None and verified.entity == slug

    audit = run("audit", "verify", "--entity", slug, "--json")
    assert audit.status == EXIT_OK
    assert audit.json() == {"entity": slug, "intact": True, "brokenSeq": None}
    actions = [entry.action for entry in backend_store.audit_entries(slug)]
    assert actions == ["entity.created", "key.added", "key.rotated", "client.created"]


def test_audit_verify_names_the_first_tampered_entry(run: Cli, backend_store: Store) -> None:
    slug = _slug()
    assert _create(run, slug).status == EXIT_OK
    assert run("key", "rotate", "--entity", slug).status == EXIT_OK
    with backend_store.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE audit_log SET action = 'key.forged' WHERE seq = 2 AND entity_id = "
                "(SELECT id FROM entities WHERE slug = :slug)"
            ),
            {"slug": slug},
        )
    result = run("audit", "verify", "--entity", slug, "--json")
    assert result.status == EXIT_BROKEN
    assert result.json()["brokenSeq"] == 2
    human = run("auditoria", "verificar", "--entidad", slug)
    assert human.status == EXIT_BROKEN
    assert "ROTA" in human.stdout and "BROKEN" in human.stdout


def test_spanish_command_names(run: Cli) -> None:
    slug = _slug()
    created = run(
        "entidad", "crear", "--slug", slug, "--nombre", "Alcaldía", "--nit", "800094164-4"
    )
    assert created.status == EXIT_OK, created.stderr
    assert "Entidad creada / entity created" in created.stdout
    assert run("clave", "rotar", "--entidad", slug).status == EXIT_OK
    assert run("cliente", "crear", "--entidad", slug, "--scopes", "admin").status == EXIT_OK


def test_the_secret_is_printed_once_for_people_too(run: Cli) -> None:
    slug = _slug()
    assert _create(run, slug).status == EXIT_OK
    result = run("client", "create", "--entity", slug, "--scopes", "issue")
    assert result.status == EXIT_OK
    assert "client_secret:" in result.stdout
    assert "no se vuelve a mostrar" in result.stdout


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["entity", "create", "--slug", "Mal_Slug", "--nombre", "X", "--nit", "800094164-4"],
         "usage"),
        (["entity", "create", "--slug", "ok", "--nombre", "X", "--nit", "800094164-5"], "usage"),
        (["entity", "create", "--slug", "ok", "--nombre", "X", "--nit", "800094164-4",
          "--key-type", "RSA"], "usage"),
        (["key", "rotate", "--entity", "nadie"], "not_found"),
        (["client", "create", "--entity", "nadie", "--scopes", "issue"], "not_found"),
        (["audit", "verify", "--entity", "nadie"], "not_found"),
    ],
)  # fmt: skip
def test_bad_input_is_a_message_and_exit_2(run: Cli, argv: list[str], code: str) -> None:
    result = run(*argv, "--json")
    assert result.status == EXIT_USAGE
    assert result.json()["error"]["code"] == code
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_taken_slugs_bad_scopes_and_unknown_tramites_are_refused(run: Cli) -> None:
    slug = _slug()
    assert _create(run, slug).status == EXIT_OK
    again = _create(run, slug, "--json")
    assert (again.status, again.json()["error"]["code"]) == (EXIT_USAGE, "conflict")
    scopes = run("client", "create", "--entity", slug, "--scopes", "issue,root", "--json")
    assert (scopes.status, scopes.json()["error"]["code"]) == (EXIT_USAGE, "invalid_input")
    tramite = run(
        "client", "create", "--entity", slug, "--scopes", "issue", "--tramites", "XYZ-1", "--json"
    )
    assert (tramite.status, tramite.json()["error"]["code"]) == (EXIT_USAGE, "tramite_unknown")


def test_argparse_errors_and_settings_errors_exit_2(cli: Cli, env: dict[str, str]) -> None:
    assert cli("entity", "create").status == EXIT_USAGE  # missing --slug…
    assert cli("fly").status == EXIT_USAGE
    production = {k: v for k, v in env.items() if k != "VCRED_ISSUER_DEV"}
    production["VCRED_ISSUER_PUBLIC_BASE_URL"] = "http://emisor.example.gov.co"
    result = cli("migrate", "--json", environ=production)
    assert result.status == EXIT_USAGE
    assert result.json()["error"]["code"] == "settings_invalid"
    assert "VCRED_ISSUER_PUBLIC_BASE_URL" in result.stderr


def test_an_unmigrated_database_is_reported_not_raised(cli: Cli) -> None:
    result = cli("audit", "verify", "--entity", "x")
    assert result.status == EXIT_ERROR
    assert "migrate" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_module_runs_as_a_program(env: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "issuer", "--json", "migrate"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert '"migrated": true' in result.stdout
