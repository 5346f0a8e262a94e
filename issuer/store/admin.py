"""Entities, their signing keys and their API clients (issue #3, items 2-4)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from issuer.db.models import ApiClient, Entity, SigningKey
from issuer.store import hashing
from issuer.store.base import (
    ALGORITHMS,
    SCOPES,
    StoreBase,
    client_record,
    entity_record,
    key_record,
)
from issuer.store.errors import Conflict, InvalidInput, NotFound
from issuer.store.records import AuditEvent, ClientRecord, EntityRecord, KeyRecord

__all__ = ["AdminMixin"]


class AdminMixin(StoreBase):
    """Entities, their signing keys and their API clients (issue #3, items 2-4)."""

    def create_entity(self, slug: str, *, nombre: str, nit: str, did: str) -> EntityRecord:
        """Register an issuing entity; ``slug`` and ``did`` must be new."""
        now = self._clock()
        try:
            with self._write() as session:
                entity = Entity(
                    slug=slug,
                    nombre=nombre,
                    nit=nit,
                    did=did,
                    created_at=now,
                    audit_seq=0,
                    audit_head=hashing.AUDIT_GENESIS,
                )
                session.add(entity)
                session.flush()
                self._audit(session, entity, AuditEvent("entity.created", {"did": did, "nit": nit}))
        except IntegrityError as exc:
            raise Conflict(f"entity {slug!r} or its DID already exists") from exc
        return entity_record(entity)

    def get_entity(self, slug: str) -> EntityRecord:
        """The entity named ``slug``."""
        with self._read() as session:
            return entity_record(self._entity(session, slug))

    def list_entities(self) -> list[EntityRecord]:
        """Every entity, by slug."""
        with self._read() as session:
            return [entity_record(e) for e in session.scalars(select(Entity).order_by("slug"))]

    # -- signing keys -----------------------------------------------------------------------

    def add_key(
        self,
        entity: str,
        *,
        fragment: str,
        algorithm: str,
        public_jwk: Mapping[str, Any],
        key_ref: str,
    ) -> KeyRecord:
        """Add the entity's first active key (``conflict`` if one is active: rotate instead)."""
        return self._put_key(entity, fragment, algorithm, public_jwk, key_ref, rotate=False)

    def rotate_key(
        self,
        entity: str,
        *,
        fragment: str,
        algorithm: str,
        public_jwk: Mapping[str, Any],
        key_ref: str,
    ) -> KeyRecord:
        """Make a new key active and retire the active one, which is kept for verification."""
        return self._put_key(entity, fragment, algorithm, public_jwk, key_ref, rotate=True)

    def _put_key(
        self,
        slug: str,
        fragment: str,
        algorithm: str,
        public_jwk: Mapping[str, Any],
        key_ref: str,
        *,
        rotate: bool,
    ) -> KeyRecord:
        if algorithm not in ALGORITHMS:
            raise InvalidInput(f"algorithm must be one of {ALGORITHMS}")
        # Only the public half is ever stored; a JWK "d" or a PEM private key is refused.
        if "d" in public_jwk or "PRIVATE KEY" in key_ref:
            raise InvalidInput("private key material is never stored in the database")
        now = self._clock()
        try:
            with self._write() as session:
                owner = self._entity(session, slug, lock=True)
                active = session.scalars(
                    select(SigningKey).where(
                        SigningKey.entity_id == owner.id, SigningKey.state == "active"
                    )
                ).all()
                if active and not rotate:
                    raise Conflict(f"entity {slug!r} already has an active key")
                for old in active:
                    old.state, old.retired_at = "retired", now
                key = SigningKey(
                    entity_id=owner.id,
                    fragment=fragment,
                    algorithm=algorithm,
                    public_jwk=dict(public_jwk),
                    key_ref=key_ref,
                    state="active",
                    created_at=now,
                )
                session.add(key)
                session.flush()
                retired = [k.fragment for k in active]
                self._audit(
                    session,
                    owner,
                    AuditEvent(
                        "key.rotated" if rotate else "key.added",
                        {"fragment": fragment, "algorithm": algorithm, "retired": retired},
                    ),
                )
        except IntegrityError as exc:
            raise Conflict(f"entity {slug!r} already has a key {fragment!r}") from exc
        return key_record(slug, key)

    def active_key(self, entity: str) -> KeyRecord:
        """The key the entity signs with now."""
        with self._read() as session:
            owner = self._entity(session, entity)
            key = session.scalars(
                select(SigningKey).where(
                    SigningKey.entity_id == owner.id, SigningKey.state == "active"
                )
            ).first()
            if key is None:
                raise NotFound(f"entity {entity!r} has no active key")
            return key_record(entity, key)

    def keys(self, entity: str) -> list[KeyRecord]:
        """Every key of the entity, oldest first, retired ones included (for its DID document)."""
        with self._read() as session:
            owner = self._entity(session, entity)
            rows = session.scalars(
                select(SigningKey).where(SigningKey.entity_id == owner.id).order_by(SigningKey.id)
            )
            return [key_record(entity, key) for key in rows]

    # -- API clients ------------------------------------------------------------------------

    def create_client(
        self,
        entity: str,
        *,
        scopes: Sequence[str],
        tramites: Sequence[str] = (),
        client_id: str | None = None,
    ) -> tuple[ClientRecord, str]:
        """A new API client of ``entity`` and its secret (shown once, stored only hashed)."""
        unknown = set(scopes) - SCOPES
        if unknown or not scopes:
            raise InvalidInput(f"scopes must be a non-empty subset of {sorted(SCOPES)}")
        client_id = client_id or f"{entity}-{secrets.token_hex(8)}"
        secret = secrets.token_urlsafe(32)
        secret_hash = hashing.hash_secret(secret, n=self._secret_cost)
        now = self._clock()
        try:
            with self._write() as session:
                owner = self._entity(session, entity)
                client = ApiClient(
                    entity_id=owner.id,
                    client_id=client_id,
                    secret_hash=secret_hash,
                    scopes=sorted(set(scopes)),
                    tramites=sorted(set(tramites)),
                    created_at=now,
                )
                session.add(client)
                session.flush()
                self._audit(
                    session,
                    owner,
                    AuditEvent(
                        "client.created",
                        {
                            "client_id": client_id,
                            "scopes": client.scopes,
                            "tramites": client.tramites,
                        },
                    ),
                )
        except IntegrityError as exc:
            raise Conflict(f"client {client_id!r} already exists") from exc
        return client_record(entity, client), secret

    def verify_client_secret(self, client_id: str, secret: str) -> ClientRecord | None:
        """The client if ``secret`` is its secret and it is not revoked, else ``None``."""
        with self._read() as session:
            row = session.execute(
                select(ApiClient, Entity.slug)
                .join(Entity, Entity.id == ApiClient.entity_id)
                .where(ApiClient.client_id == client_id)
            ).one_or_none()
        if row is None:
            hashing.check_secret(secret, self._dummy_secret_hash)
            return None
        client, slug = row
        if not hashing.check_secret(secret, client.secret_hash) or client.revoked_at is not None:
            return None
        return client_record(slug, client)

    def get_client(self, client_id: str) -> ClientRecord:
        """The client ``client_id`` (revoked ones included)."""
        with self._read() as session:
            row = session.execute(
                select(ApiClient, Entity.slug)
                .join(Entity, Entity.id == ApiClient.entity_id)
                .where(ApiClient.client_id == client_id)
            ).one_or_none()
        if row is None:
            raise NotFound(f"no client {client_id!r}")
        return client_record(row[1], row[0])

    def revoke_client(self, entity: str, client_id: str) -> ClientRecord:
        """Revoke a client of ``entity``; its secret stops verifying at once."""
        with self._write() as session:
            owner = self._entity(session, entity)
            client = session.scalars(
                select(ApiClient).where(
                    ApiClient.client_id == client_id, ApiClient.entity_id == owner.id
                )
            ).one_or_none()
            if client is None:
                raise NotFound(f"entity {entity!r} has no client {client_id!r}")
            if client.revoked_at is None:
                client.revoked_at = self._clock()
                self._audit(session, owner, AuditEvent("client.revoked", {"client_id": client_id}))
            return client_record(entity, client)
