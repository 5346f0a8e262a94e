"""Private keys live only as encrypted PKCS#8 files (0600, folders 0700), named by a key_ref."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest

from issuer.keystore import FileKeyStore, KeyStore
from issuer.settings import Settings
from vcred.errors import ErrorCode, KeyMaterialError, UsageError
from vcred.signer import Signer

DID = "did:web:localhost%3A8000:entidades:gob"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256"])
def test_a_new_key_is_an_encrypted_file_only_its_owner_reads(
    keystore: FileKeyStore, settings: Settings, key_type: str
) -> None:
    public, key_ref = keystore.create("gob", "key-1", key_type)
    assert key_ref == "file:keys/gob/key-1.pem"
    path = settings.data_dir / "keys" / "gob" / "key-1.pem"
    pem = path.read_text()
    assert pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert "-----BEGIN PRIVATE KEY-----" not in pem
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(settings.keys_dir) == 0o700
    # No temporary file is left behind.
    assert [p.name for p in path.parent.iterdir()] == ["key-1.pem"]
    assert public.algorithm == ("EdDSA" if key_type == "Ed25519" else "ES256")


def test_the_signer_signs_with_the_key_the_public_half_names(keystore: FileKeyStore) -> None:
    public, key_ref = keystore.create("gob", "key-1", "Ed25519")
    signer = keystore.signer(DID, "key-1", key_ref)
    assert isinstance(signer, Signer)
    assert signer.key_id == f"{DID}#key-1"
    assert signer.algorithm == "EdDSA"
    assert public.verify(signer.sign(b"datos"), b"datos")
    assert "PRIVATE" not in repr(signer)


def test_a_wrong_passphrase_is_a_clear_key_error(
    keystore: FileKeyStore, settings: Settings
) -> None:
    _, key_ref = keystore.create("gob", "key-1", "Ed25519")
    other = FileKeyStore(dataclasses.replace(settings, key_passphrase="otra frase"))
    with pytest.raises(KeyMaterialError) as caught:
        other.signer(DID, "key-1", key_ref)
    assert caught.value.code is ErrorCode.KEY_PASSPHRASE
    assert settings.key_passphrase not in str(caught.value)


def test_keys_are_never_overwritten(keystore: FileKeyStore) -> None:
    public, _ = keystore.create("gob", "key-1", "Ed25519")
    with pytest.raises(UsageError):
        keystore.create("gob", "key-1", "Ed25519")
    assert keystore.public_key("file:keys/gob/key-1.pem") == public


@pytest.mark.parametrize(("entity", "fragment"), [("../x", "key-1"), ("gob", "../../k"), ("", "k")])
def test_names_cannot_escape_the_key_folder(
    keystore: FileKeyStore, entity: str, fragment: str
) -> None:
    with pytest.raises(UsageError):
        keystore.create(entity, fragment, "Ed25519")


@pytest.mark.parametrize(
    ("key_ref", "code"),
    [
        ("file:../issuer.db", ErrorCode.KEY_INVALID),
        ("file:/etc/passwd", ErrorCode.KEY_INVALID),
        ("file:keys/gob/missing.pem", ErrorCode.KEY_INVALID),
        ("kms:projects/x/keys/y", ErrorCode.KEY_UNSUPPORTED),
    ],
)
def test_bad_key_references_are_refused(
    keystore: FileKeyStore, key_ref: str, code: ErrorCode
) -> None:
    with pytest.raises(KeyMaterialError) as caught:
        keystore.signer(DID, "key-1", key_ref)
    assert caught.value.code is code


def test_dev_mode_generates_one_passphrase_file_and_reuses_it(settings: Settings) -> None:
    dev = dataclasses.replace(settings, key_passphrase=None, dev=True)
    _, key_ref = FileKeyStore(dev).create("gob", "key-1", "Ed25519")
    passphrase_file = dev.keys_dir / ".passphrase"
    assert _mode(passphrase_file) == 0o600
    assert len(passphrase_file.read_text().strip()) >= 32
    # Another process (a new store) reads the same passphrase back.
    assert FileKeyStore(dev).signer(DID, "key-1", key_ref).sign(b"x")


def test_without_dev_mode_a_passphrase_is_required(settings: Settings) -> None:
    production = dataclasses.replace(settings, key_passphrase=None, dev=False)
    with pytest.raises(KeyMaterialError) as caught:
        FileKeyStore(production).create("gob", "key-1", "Ed25519")
    assert caught.value.code is ErrorCode.KEY_PASSPHRASE
    assert not (production.keys_dir / ".passphrase").exists()


def test_loaded_keys_are_cached_within_a_bound(settings: Settings) -> None:
    keystore = FileKeyStore(settings, cache_size=1)
    _, first = keystore.create("gob", "key-1", "Ed25519")
    _, second = keystore.create("gob", "key-2", "Ed25519")
    keystore.signer(DID, "key-1", first)
    (settings.keys_dir / "gob" / "key-1.pem").unlink()
    # Served from memory, the file is not read again…
    assert keystore.signer(DID, "key-1", first).sign(b"x")
    # …until the cache (one key) has to make room for another.
    keystore.signer(DID, "key-2", second)
    with pytest.raises(KeyMaterialError):
        keystore.signer(DID, "key-1", first)


def test_discard_removes_an_unpublished_key(keystore: FileKeyStore, settings: Settings) -> None:
    _, key_ref = keystore.create("gob", "key-1", "Ed25519")
    keystore.discard(key_ref)
    assert not (settings.keys_dir / "gob" / "key-1.pem").exists()


def test_the_file_store_is_a_key_store_and_shows_no_secret(
    keystore: FileKeyStore, settings: Settings
) -> None:
    assert isinstance(keystore, KeyStore)
    assert settings.key_passphrase
    assert settings.key_passphrase not in repr(keystore)
