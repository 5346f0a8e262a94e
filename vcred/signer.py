"""Signers: anything that signs bytes for a key id (a key file, an HSM, a cloud KMS)."""

from __future__ import annotations

import os
from typing import Protocol, runtime_checkable

from vcred.keys import KeyPair, PublicKey

__all__ = ["KeySigner", "Signer"]


@runtime_checkable
class Signer(Protocol):
    """Anything that signs: a key file, an HSM, a cloud KMS.

    ``algorithm`` is the JOSE name (``EdDSA``/``ES256``), ``key_id`` the DID URL of the
    verification method, and ``sign`` returns the JOSE-form signature of the bytes given.
    """

    @property
    def algorithm(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


class KeySigner:
    """A :class:`Signer` backed by an in-memory :class:`KeyPair` (loaded from a file or made)."""

    __slots__ = ("_key_id", "_pair")

    def __init__(self, key_pair: KeyPair, key_id: str) -> None:
        self._pair = key_pair
        self._key_id = key_id

    def __repr__(self) -> str:
        return f"KeySigner(key_id={self._key_id!r}, algorithm={self.algorithm!r})"

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, key_id: str, passphrase: str | bytes | None = None
    ) -> KeySigner:
        return cls(KeyPair.load(path, passphrase), key_id)

    @property
    def algorithm(self) -> str:
        return self._pair.algorithm

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def public_key(self) -> PublicKey:
        return self._pair.public_key

    def sign(self, data: bytes) -> bytes:
        return self._pair.sign(data)
