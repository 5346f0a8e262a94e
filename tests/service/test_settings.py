"""Settings come from VCRED_ISSUER_* variables; every invalid one is named in the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from issuer.settings import DEFAULT_MAX_BODY_BYTES, Settings, SettingsError

PREFIX = "VCRED_ISSUER_"


def test_production_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            PREFIX + "PUBLIC_BASE_URL": "https://emisor.example.gov.co/",
            PREFIX + "DATA_DIR": str(tmp_path),
            PREFIX + "DATABASE_URL": "postgresql+psycopg://emisor@db:5432/emisor",
            PREFIX + "KEY_PASSPHRASE": "  spaces are part of it ",
            PREFIX + "MAX_BODY_BYTES": "131072",
            PREFIX + "VERIFIER_URL": "https://verificar.example.gov.co/",
        }
    )
    assert settings.public_base_url == "https://emisor.example.gov.co"
    assert settings.data_dir == tmp_path.resolve()
    assert settings.database_url == "postgresql+psycopg://emisor@db:5432/emisor"
    assert settings.key_passphrase == "  spaces are part of it "
    assert settings.dev is False
    assert settings.max_body_bytes == 131072
    assert settings.verifier_url == "https://verificar.example.gov.co"
    assert settings.entity_did("gob") == "did:web:emisor.example.gov.co:entidades:gob"


def test_development_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({PREFIX + "DEV": "si"})
    assert settings.dev is True
    assert settings.key_passphrase is None
    assert settings.public_base_url == "http://localhost:8000"
    assert settings.data_dir == (tmp_path / "var" / "issuer").resolve()
    assert settings.database_url == f"sqlite:///{settings.data_dir / 'issuer.db'}"
    assert settings.max_body_bytes == DEFAULT_MAX_BODY_BYTES == 64 * 1024
    assert settings.verifier_url is None


def test_the_did_web_host_encodes_the_port_and_keeps_a_path() -> None:
    dev = Settings.from_env({PREFIX + "DEV": "1"})
    assert dev.entity_did("gob-putumayo") == "did:web:localhost%3A8000:entidades:gob-putumayo"
    assert dev.did_document_url("x") == "http://localhost:8000/entidades/x/did.json"
    behind_proxy = Settings.from_env(
        {PREFIX + "PUBLIC_BASE_URL": "https://gov.co:8443/emisor", PREFIX + "KEY_PASSPHRASE": "p"}
    )
    assert behind_proxy.entity_did("a") == "did:web:gov.co%3A8443:emisor:entidades:a"


def test_every_invalid_variable_is_named() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(
            {
                PREFIX + "DEV": "maybe",
                PREFIX + "DATABASE_URL": "mysql://x@y/z",
                PREFIX + "MAX_BODY_BYTES": "lots",
                PREFIX + "VERIFIER_URL": "ftp://x",
            }
        )
    assert set(caught.value.problems) == {
        PREFIX + "DEV",
        PREFIX + "DATABASE_URL",
        PREFIX + "MAX_BODY_BYTES",
        PREFIX + "VERIFIER_URL",
        # DEV is invalid, hence off: http://localhost is refused and the passphrase required.
        PREFIX + "PUBLIC_BASE_URL",
        PREFIX + "KEY_PASSPHRASE",
    }
    assert PREFIX + "MAX_BODY_BYTES" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PUBLIC_BASE_URL", "http://emisor.example.gov.co"),  # plain http outside dev mode
        ("PUBLIC_BASE_URL", "https://192.0.2.7"),  # did:web never names an IP address
        ("PUBLIC_BASE_URL", "https://emisor.example.gov.co/?q=1"),
        ("PUBLIC_BASE_URL", "emisor.example.gov.co"),
        ("DATABASE_URL", "sqlite://"),  # in-memory: no WAL, lost at exit
        ("DATABASE_URL", "not a url"),
        ("MAX_BODY_BYTES", "10"),
        ("MAX_BODY_BYTES", "-5"),
        ("VERIFIER_URL", "http://verificar.example.gov.co"),
    ],
)
def test_invalid_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(
            {
                PREFIX + "KEY_PASSPHRASE": "p",
                PREFIX + "PUBLIC_BASE_URL": "https://emisor.example.gov.co",
                PREFIX + name: value,
            }
        )
    assert list(caught.value.problems) == [PREFIX + name]


def test_the_passphrase_is_required_outside_dev_mode_only_where_keys_are_used() -> None:
    production = {PREFIX + "PUBLIC_BASE_URL": "https://emisor.example.gov.co"}
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(production)
    assert list(caught.value.problems) == [PREFIX + "KEY_PASSPHRASE"]
    assert Settings.from_env(production, require_key_passphrase=False).key_passphrase is None
    # An empty value is no passphrase: it must not silently turn encryption off.
    with pytest.raises(SettingsError):
        Settings.from_env({**production, PREFIX + "KEY_PASSPHRASE": ""})


def test_the_passphrase_never_shows_in_repr_and_survives_to_env() -> None:
    settings = Settings.from_env({PREFIX + "DEV": "1", PREFIX + "KEY_PASSPHRASE": "s3creto"})
    assert "s3creto" not in repr(settings)
    assert Settings.from_env(settings.to_env()) == settings
