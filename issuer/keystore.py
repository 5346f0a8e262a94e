"""Where the entities' private keys live: encrypted PKCS#8 files, or anything else that signs.

:class:`FileKeyStore` keeps each private key as an encrypted PKCS#8 PEM file (RFC 5958, PBES2)
at ``<DATA_DIR>/keys/<entity>/<fragment>.pem`` (file 0600, folders 0700), and names it in the
database by a ``key_ref`` of the form ``file:keys/<entity>/<fragment>.pem`` (relative to
``DATA_DIR``, so the folder can move). The database never sees key material.

A KMS or HSM store implements the same :class:`KeyStore` protocol and returns its own
``key_ref`` (``kms:…``) and a :class:`~vcred.signer.Signer` that calls the device.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol, runtime_checkable

from issuer.settings import Settings
from vcred.errors import ErrorCode, KeyMaterialError, UsageError
from vcred.keys import KeyPair, KeyType, PublicKey
from vcred.signer import KeySigner, Signer

__all__ = ["FRAGMENT_PATTERN", "SLUG_PATTERN", "FileKeyStore", "KeyStore"]

#: Entity slugs: lowercase letters, digits and inner hyphens (a did:web path segment and a
#: folder name at once).
SLUG_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"
#: Verification method fragments (``key-1``, ``key-2``…).
FRAGMENT_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62}[A-Za-z0-9])?"
_SLUG_RE = re.compile(SLUG_PATTERN)
_FRAGMENT_RE = re.compile(FRAGMENT_PATTERN)
_REF_PREFIX = "file:"
_PASSPHRASE_FILE = ".passphrase"  # noqa: S105 - a file name, not a password
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@runtime_checkable
class KeyStore(Protocol):
    """Makes signing keys and hands out signers for them (a key file store, a KMS, an HSM)."""

    def create(self, entity: str, fragment: str, key_type: KeyType | str) -> tuple[PublicKey, str]:
        """Make a new key for ``entity``; return its public key and its ``key_ref``."""
        ...

    def signer(self, entity_did: str, fragment: str, key_ref: str) -> Signer:
        """A signer for the key ``key_ref``, with key id ``<entity_did>#<fragment>``."""
        ...

    def discard(self, key_ref: str) -> None:
        """Delete a key that was made but never published (its database row was refused)."""
        ...


class FileKeyStore:
    """Private keys as encrypted PKCS#8 PEM files under ``<DATA_DIR>/keys``.

    Loaded keys are cached in memory (at most ``cache_size``, least recently used dropped) so
    that signing does not decrypt the file every time; the passphrase is never logged and
    :func:`repr` shows none of it.
    """

    def __init__(self, settings: Settings, *, cache_size: int = 128) -> None:
        if cache_size < 1:
            raise UsageError("cache_size must be at least 1")
        self._root = settings.data_dir
        self._keys_dir = settings.keys_dir
        self._passphrase = settings.key_passphrase
        self._dev = settings.dev
        self._cache: OrderedDict[str, KeyPair] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FileKeyStore({str(self._keys_dir)!r})"

    # -- the KeyStore protocol --------------------------------------------------------------

    def create(self, entity: str, fragment: str, key_type: KeyType | str) -> tuple[PublicKey, str]:
        """Generate a key, write it encrypted (never over an existing file), return its ref."""
        _check_name(entity, _SLUG_RE, "entity slug")
        _check_name(fragment, _FRAGMENT_RE, "key fragment")
        pair = KeyPair.generate(key_type)
        folder = self._keys_dir / entity
        _make_private_dir(self._keys_dir)
        _make_private_dir(folder)
        target = folder / f"{fragment}.pem"
        temporary = folder / f".{fragment}.{secrets.token_hex(8)}.tmp"
        try:
            pair.save(temporary, self._key_passphrase())
            _fsync_file(temporary)
            # A hard link fails if the target exists: no key is ever overwritten.
            os.link(temporary, target)
        except FileExistsError:
            raise UsageError(f"a key file for {entity}#{fragment} already exists") from None
        finally:
            temporary.unlink(missing_ok=True)
        _fsync_dir(folder)
        return pair.public_key, _REF_PREFIX + target.relative_to(self._root).as_posix()

    def signer(self, entity_did: str, fragment: str, key_ref: str) -> Signer:
        """A :class:`~vcred.signer.KeySigner` for the key file ``key_ref``."""
        return KeySigner(self._load(key_ref), f"{entity_did}#{fragment}")

    def discard(self, key_ref: str) -> None:
        """Delete the key file ``key_ref`` (only for keys never published)."""
        path = self._path(key_ref)
        with self._lock:
            self._cache.pop(key_ref, None)
        path.unlink(missing_ok=True)

    # -- helpers ----------------------------------------------------------------------------

    def public_key(self, key_ref: str) -> PublicKey:
        """The public key of ``key_ref`` (decrypts the file; used to check a key is usable)."""
        return self._load(key_ref).public_key

    def _load(self, key_ref: str) -> KeyPair:
        with self._lock:
            pair = self._cache.get(key_ref)
            if pair is not None:
                self._cache.move_to_end(key_ref)
                return pair
        pair = KeyPair.load(self._path(key_ref), self._key_passphrase())
        with self._lock:
            self._cache[key_ref] = pair
            self._cache.move_to_end(key_ref)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return pair

    def _path(self, key_ref: str) -> Path:
        if not key_ref.startswith(_REF_PREFIX):
            raise KeyMaterialError(
                "this key store reads only file: key references", code=ErrorCode.KEY_UNSUPPORTED
            )
        relative = Path(key_ref.removeprefix(_REF_PREFIX))
        path = (self._root / relative).resolve()
        # A reference must stay inside the keys folder (no absolute paths, no "..").
        if relative.is_absolute() or not path.is_relative_to(self._keys_dir.resolve()):
            raise KeyMaterialError("key reference outside the key folder")
        return path

    def _key_passphrase(self) -> str:
        if self._passphrase is not None:
            return self._passphrase
        if not self._dev:
            raise KeyMaterialError(
                "no key passphrase configured (VCRED_ISSUER_KEY_PASSPHRASE)",
                code=ErrorCode.KEY_PASSPHRASE,
            )
        return self._dev_passphrase()

    def _dev_passphrase(self) -> str:
        # Development mode only: a random passphrase kept next to the keys (mode 0600), written
        # whole under a temporary name and linked, so a concurrent reader never sees it half.
        _make_private_dir(self._keys_dir)
        path = self._keys_dir / _PASSPHRASE_FILE
        if not path.exists():
            temporary = self._keys_dir / f".passphrase.{secrets.token_hex(8)}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(secrets.token_urlsafe(32) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                with contextlib.suppress(FileExistsError):
                    os.link(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
        value = path.read_text(encoding="utf-8").strip()
        if not value:
            raise KeyMaterialError(
                "the development passphrase file is empty", code=ErrorCode.KEY_PASSPHRASE
            )
        return value


def _check_name(value: str, pattern: re.Pattern[str], what: str) -> None:
    if not pattern.fullmatch(value):
        raise UsageError(f"invalid {what} {value!r}")


def _make_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkdir's mode is masked by the umask and ignored for existing folders.
    os.chmod(path, 0o700)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    # The new directory entry must be durable before the database points at it.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
