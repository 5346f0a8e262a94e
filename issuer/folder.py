"""The citizen folder (*Carpeta Ciudadana Digital*) the issuer deposits credentials in (item 5).

:class:`FolderClient` is what issuance needs from a folder: deposit a signed credential and get
back an unguessable share token (the linked QR points to ``<verifier>/v/<token>``), find the
deposit of a credential again (an idempotent retry answers with the same token), and open a
deposit by its token (the verifier page). Depositing is idempotent per credential id.

:class:`LocalFolderClient` stands in for the national folder until its integration lands: one
JSON file per deposit under ``<DATA_DIR>/carpeta`` (folders 0700, files 0600: they hold
personal data), reachable under two hard-linked names, ``credenciales/<sha256(id)>.json`` and
``tokens/<share token>.json``. The first name is claimed with a hard link, which fails if it
exists, so two concurrent deposits of one credential (several workers) keep one token.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from vcred.qr import new_share_token

__all__ = ["Deposit", "FolderClient", "LocalFolderClient"]

_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22,128}")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True, slots=True)
class Deposit:
    """A credential kept in the citizen folder and the token that shares it."""

    entity: str
    credential_id: str
    share_token: str
    token: str


@runtime_checkable
class FolderClient(Protocol):
    """Deposits signed credentials in the citizen folder."""

    def deposit(self, *, entity: str, credential_id: str, token: str) -> Deposit:
        """Keep ``token`` (a ``vc+jwt``); a second deposit of the same id returns the first."""
        ...

    def find(self, *, entity: str, credential_id: str) -> Deposit | None:
        """The deposit of ``credential_id`` by ``entity``, if any."""
        ...

    def open(self, share_token: str) -> Deposit | None:
        """The deposit a share token names, if any."""
        ...


class LocalFolderClient:
    """Deposits as files under ``root`` (``<DATA_DIR>/carpeta``)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def __repr__(self) -> str:
        return f"LocalFolderClient({str(self._root)!r})"

    def _by_id(self, entity: str, credential_id: str) -> Path:
        digest = hashlib.sha256(f"{entity}\x00{credential_id}".encode()).hexdigest()
        return self._root / "credenciales" / f"{digest}.json"

    def deposit(self, *, entity: str, credential_id: str, token: str) -> Deposit:
        """Write the deposit once; an existing deposit of this credential wins."""
        existing = self.find(entity=entity, credential_id=credential_id)
        if existing is not None:
            return existing
        for folder in (self._root, self._root / "credenciales", self._root / "tokens"):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        share_token = new_share_token()
        record = Deposit(entity, credential_id, share_token, token)
        body = json.dumps(
            {
                "entity": entity,
                "credentialId": credential_id,
                "shareToken": share_token,
                "token": token,
            },
            ensure_ascii=False,
        ).encode("utf-8")
        temporary = self._root / f".{secrets.token_hex(8)}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temporary, self._root / "tokens" / f"{share_token}.json")
            try:
                os.link(temporary, self._by_id(entity, credential_id))
            except FileExistsError:
                # A concurrent deposit of the same credential won: keep its token only.
                with contextlib.suppress(FileNotFoundError):
                    (self._root / "tokens" / f"{share_token}.json").unlink()
                winner = self.find(entity=entity, credential_id=credential_id)
                if winner is None:  # pragma: no cover - the winner's file cannot vanish
                    raise
                return winner
        finally:
            temporary.unlink(missing_ok=True)
        return record

    def find(self, *, entity: str, credential_id: str) -> Deposit | None:
        """The deposit of ``credential_id``, read from its file."""
        return _read(self._by_id(entity, credential_id))

    def open(self, share_token: str) -> Deposit | None:
        """The deposit named by ``share_token`` (``None`` for anything not a token)."""
        if not isinstance(share_token, str) or not _TOKEN_RE.fullmatch(share_token):
            return None
        return _read(self._root / "tokens" / f"{share_token}.json")


def _read(path: Path) -> Deposit | None:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    return Deposit(
        str(data["entity"]),
        str(data["credentialId"]),
        str(data["shareToken"]),
        str(data["token"]),
    )
