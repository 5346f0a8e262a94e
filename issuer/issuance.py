"""The issuer's use cases, between the routes and the store/vcred (issue #3, items 5 and 6).

One method per use case on :class:`IssuerService`:

* :meth:`~IssuerService.issue_tramite`: a trámite credential from submitted claims: prepared
  template (one per entity and trámite, cached), a revocation entry (and a suspension entry when
  asked), signature with the entity's active key, record, deposit in the citizen folder;
* :meth:`~IssuerService.issue_credential`: the VC API: a credential the client wrote, checked
  (data model, the issuer is the client's entity, its schema), status entries on request;
* :meth:`~IssuerService.update_status`: revoke, suspend, reactivate;
* :meth:`~IssuerService.status_list`: the signed status list credential of one list.

**Idempotency** (``Idempotency-Key``, per client): the key and a digest of the request are
recorded with the credential in the same transaction. A retry with the same key and body finds
that record and answers the same credential — the deposited token, or, if the first attempt
stopped before depositing, the same credential (same id, status entries and dates) signed
again. The same key with another body is ``idempotency_mismatch`` (422).

Status lists are published by :mod:`issuer.status_publication`.

Subject references (the only trace of the citizen in the database) are HMAC-SHA256 of the
subject's ``id``, else its document type and number, under a salt kept in
``<DATA_DIR>/keys/.subject-salt`` (0600, made on first use).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from issuer.auth import forbidden, require
from issuer.folder import FolderClient
from issuer.keystore import KeyStore
from issuer.problems import ProblemError
from issuer.settings import Settings
from issuer.status_publication import LruCache, PublishedList, StatusListPublisher
from issuer.store import (
    ClientRecord,
    CredentialRecord,
    EntityRecord,
    InvalidTransition,
    StatusChange,
    StatusPurpose,
    StatusSlot,
    Store,
    request_digest,
    subject_reference,
)
from vcred.credential import CONTEXT_V2, validate_credential
from vcred.credential.build import uuid4_urn
from vcred.errors import QrError
from vcred.jose import issue_vc_jwt
from vcred.qr import linked_payload
from vcred.schema import SchemaRegistry
from vcred.signer import Signer
from vcred.status import status_entry
from vcred.tramite import TramiteTemplate, prepare_tramite

__all__ = [
    "IssueRequest",
    "Issued",
    "IssuerService",
    "credential_path_id",
    "envelope",
]


@dataclass(frozen=True, slots=True)
class IssueRequest:
    """The body of a trámite issuance: claims and optional validity and suspension."""

    claims: Mapping[str, Any]
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    suspendable: bool = False


@dataclass(frozen=True, slots=True)
class Issued:
    """A credential issued (or found again: ``replayed``) and where to get it."""

    entity: str
    credential_id: str
    token: str
    share_token: str | None
    replayed: bool


def envelope(token: str) -> dict[str, str]:
    """An ``EnvelopedVerifiableCredential`` around a ``vc+jwt`` (VCDM 2.0 §4.13)."""
    return {
        "@context": CONTEXT_V2,
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def credential_path_id(credential_id: str) -> str:
    """A credential id as one URL path segment: the UUID of ``urn:uuid:`` ids, else escaped."""
    if credential_id.startswith("urn:uuid:"):
        return credential_id.removeprefix("urn:uuid:")
    return quote(credential_id, safe="")


class IssuerService:
    """The issuer's use cases; holds only caches, so any number of workers behave as one."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store,
        keystore: KeyStore,
        folder: FolderClient,
        clock: Callable[[], datetime],
        schemas: SchemaRegistry | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._keystore = keystore
        self._folder = folder
        self._clock = clock
        self._schemas = schemas or SchemaRegistry.default()
        self._codigo_by_type = {t.credential_type: t.codigo for t in self._schemas.tramites()}
        self._entities: LruCache[str, EntityRecord] = LruCache(4096)
        self._templates: LruCache[tuple[str, str], TramiteTemplate] = LruCache(4096)
        self._lists = StatusListPublisher(
            settings, store=store, clock=clock, entity=self.entity, signer=self._signer
        )
        self._salt: bytes | None = None
        self._salt_lock = threading.Lock()

    @property
    def folder(self) -> FolderClient:
        """The citizen folder this service deposits credentials in."""
        return self._folder

    # -- shared pieces ----------------------------------------------------------------------

    def entity(self, slug: str) -> EntityRecord:
        """The entity (entities never change once created, so they are cached)."""
        return self._entities.get(slug) or self._entities.put(slug, self._store.get_entity(slug))

    def list_url(self, slug: str, purpose: StatusPurpose, seq: int) -> str:
        """The stable URL of a status list (its ``id`` and each entry's list URL)."""
        return self._lists.url(slug, purpose, seq)

    def links(self, slug: str, credential_id: str, share_token: str | None) -> dict[str, Any]:
        """The QR image URLs of a credential and the verifier link of its share token."""
        base = f"{self._settings.entity_url(slug)}/credenciales/{credential_path_id(credential_id)}"
        verificar: str | None = None
        if share_token is not None:
            page = (self._settings.verifier_url or self._settings.public_base_url) + "/v"
            with contextlib.suppress(QrError):  # a base URL too long for a small QR
                verificar = linked_payload(page, share_token, allow_http=self._settings.dev)
        return {"qr": {"png": f"{base}/qr.png", "svg": f"{base}/qr.svg"}, "verificar": verificar}

    def _signer(self, entity: EntityRecord) -> Signer:
        key = self._store.active_key(entity.slug)
        return self._keystore.signer(entity.did, key.fragment, key.key_ref)

    def _entries(self, slug: str, slots: tuple[StatusSlot, ...]) -> list[dict[str, Any]]:
        return [
            status_entry(
                list_url=self.list_url(slug, s.purpose, s.seq), index=s.index, purpose=s.purpose
            )
            for s in slots
        ]

    def _subject_salt(self) -> bytes:
        with self._salt_lock:
            if self._salt is None:
                self._salt = _load_salt(self._settings)
            return self._salt

    def _subject_ref(self, subject: object) -> str:
        key: object = subject
        if isinstance(subject, Mapping):
            if isinstance(subject.get("id"), str):
                key = subject["id"]
            elif isinstance(subject.get("numeroDocumento"), str):
                key = f"{subject.get('tipoDocumento')}:{subject['numeroDocumento']}"
        text = key if isinstance(key, str) else json.dumps(key, sort_keys=True, default=str)
        return subject_reference(text, salt=self._subject_salt())

    # -- trámite issuance -------------------------------------------------------------------

    def _template(self, entity: EntityRecord, codigo: str) -> TramiteTemplate:
        key = (entity.slug, codigo)
        return self._templates.get(key) or self._templates.put(
            key,
            prepare_tramite(
                codigo, issuer={"id": entity.did, "name": entity.nombre}, schemas=self._schemas
            ),
        )

    def issue_tramite(
        self,
        client: ClientRecord,
        slug: str,
        codigo: str,
        request: IssueRequest,
        *,
        digest_body: object,
        idempotency_key: str | None = None,
    ) -> Issued:
        """Build, check, sign, record and deposit a trámite credential."""
        require(client, scope="issue", entity=slug)
        info = self._schemas.for_tramite(codigo)
        require(client, scope="issue", entity=slug, tramite=info.codigo)
        entity = self.entity(slug)
        template = self._template(entity, info.codigo)
        digest = None
        if idempotency_key is not None:
            digest = request_digest(
                {"route": "tramite", "codigo": info.codigo, "body": digest_body}
            )
            found = self._store.find_idempotent(
                slug,
                client_ref=client.client_id,
                idempotency_key=idempotency_key,
                request_digest=digest,
            )
            if found is not None:
                return self._replay_tramite(entity, template, request, found)
        now = self._clock()
        valid_from = request.valid_from or now.replace(microsecond=0)
        # Check the claims before spending a status index on them.
        template.build(request.claims, valid_from=valid_from, valid_until=request.valid_until)
        purposes: list[StatusPurpose] = ["revocation"]
        if request.suspendable:
            purposes.append("suspension")
        slots = tuple(self._store.allocate_status_index(slug, p) for p in purposes)
        credential = self._build(slug, template, request, slots, valid_from, None)
        token = issue_vc_jwt(credential, signer=self._signer(entity), now=now, validate=False)
        record = self._store.record_credential(
            slug,
            credential_id=credential["id"],
            credential_type=info.credential_type,
            subject_ref=self._subject_ref(request.claims),
            issued_at=now,
            client_ref=client.client_id,
            status=slots,
            codigo_tramite=info.codigo,
            valid_from=valid_from,
            valid_until=request.valid_until,
            idempotency_key=idempotency_key,
            request_digest=digest,
        )
        if record.credential_id != credential["id"]:  # a concurrent retry recorded first
            return self._replay_tramite(entity, template, request, record)
        deposit = self._folder.deposit(entity=slug, credential_id=record.credential_id, token=token)
        return Issued(slug, record.credential_id, deposit.token, deposit.share_token, False)

    def _build(
        self,
        slug: str,
        template: TramiteTemplate,
        request: IssueRequest,
        slots: tuple[StatusSlot, ...],
        valid_from: datetime,
        credential_id: str | None,
    ) -> dict[str, Any]:
        entries = self._entries(slug, slots)
        return template.build(
            request.claims,
            status=entries[0] if len(entries) == 1 else entries,
            valid_from=valid_from,
            valid_until=request.valid_until,
            credential_id=credential_id,
        )

    def _replay_tramite(
        self,
        entity: EntityRecord,
        template: TramiteTemplate,
        request: IssueRequest,
        record: CredentialRecord,
    ) -> Issued:
        deposit = self._folder.find(entity=entity.slug, credential_id=record.credential_id)
        if deposit is None:
            # The first attempt stopped after recording: sign the same credential again.
            valid_from = record.valid_from or record.issued_at
            credential = self._build(
                entity.slug, template, request, record.status, valid_from, record.credential_id
            )
            token = issue_vc_jwt(credential, signer=self._signer(entity), validate=False)
            deposit = self._folder.deposit(
                entity=entity.slug, credential_id=record.credential_id, token=token
            )
        return Issued(entity.slug, record.credential_id, deposit.token, deposit.share_token, True)

    # -- VC API issuance --------------------------------------------------------------------

    def issue_credential(
        self,
        client: ClientRecord,
        credential: Mapping[str, Any],
        *,
        status_purposes: tuple[StatusPurpose, ...] = (),
        credential_id: str | None = None,
        digest_body: object,
        idempotency_key: str | None = None,
    ) -> Issued:
        """Check and sign a credential written by the client (VC API ``/credentials/issue``)."""
        require(client, scope="issue")
        entity = self.entity(client.entity)
        document = dict(credential)
        if "id" not in document:
            document["id"] = credential_id or uuid4_urn(secrets.token_bytes(16))
        info = validate_credential(document)
        if info.version != "2.0":
            raise ProblemError(
                422,
                "data_model_invalid",
                "Solo se emiten credenciales VC 2.0. Only VC 2.0 credentials are issued.",
            )
        if info.issuer_id != entity.did:
            raise forbidden(
                "issuer_forbidden",
                "El emisor de la credencial no es la entidad del cliente. "
                "The credential's issuer is not the client's entity.",
            )
        codigo = next(
            (self._codigo_by_type[t] for t in info.types if t in self._codigo_by_type), None
        )
        if codigo is None and client.tramites:
            raise forbidden(
                "tramite_forbidden",
                "El cliente solo puede emitir sus trámites. "
                "The client may only issue its trámites.",
            )
        require(client, scope="issue", tramite=codigo)
        self._schemas.validate(document)
        digest = None
        if idempotency_key is not None:
            digest = request_digest({"route": "vc-api", "body": digest_body})
            found = self._store.find_idempotent(
                entity.slug,
                client_ref=client.client_id,
                idempotency_key=idempotency_key,
                request_digest=digest,
            )
            if found is not None:
                return self._replay_credential(entity, document, found)
        slots = tuple(self._store.allocate_status_index(entity.slug, p) for p in status_purposes)
        now = self._clock()
        signed = self._with_status(entity, document, slots)
        token = issue_vc_jwt(signed, signer=self._signer(entity), now=now)
        types = [t for t in info.types if t != "VerifiableCredential"] or ["VerifiableCredential"]
        subject = document.get("credentialSubject")
        record = self._store.record_credential(
            entity.slug,
            credential_id=str(document["id"]),
            credential_type=types[-1][:200],
            subject_ref=self._subject_ref(subject[0] if isinstance(subject, list) else subject),
            issued_at=now,
            client_ref=client.client_id,
            status=slots,
            codigo_tramite=codigo,
            valid_from=info.valid_from,
            valid_until=info.valid_until,
            idempotency_key=idempotency_key,
            request_digest=digest,
        )
        if record.credential_id != document["id"]:
            return self._replay_credential(entity, document, record)
        return Issued(entity.slug, record.credential_id, token, None, False)

    def _with_status(
        self, entity: EntityRecord, document: Mapping[str, Any], slots: tuple[StatusSlot, ...]
    ) -> dict[str, Any]:
        signed = dict(document)
        if slots:
            entries: list[Any] = self._entries(entity.slug, slots)
            existing = signed.get("credentialStatus")
            if existing is not None:
                entries = [*(existing if isinstance(existing, list) else [existing]), *entries]
            signed["credentialStatus"] = entries[0] if len(entries) == 1 else entries
        return signed

    def _replay_credential(
        self, entity: EntityRecord, document: Mapping[str, Any], record: CredentialRecord
    ) -> Issued:
        signed = self._with_status(entity, {**document, "id": record.credential_id}, record.status)
        token = issue_vc_jwt(signed, signer=self._signer(entity))
        return Issued(entity.slug, record.credential_id, token, None, True)

    # -- status -----------------------------------------------------------------------------

    def update_status(
        self, client: ClientRecord, credential_id: str, purpose: StatusPurpose, value: bool
    ) -> StatusChange:
        """Revoke (final), suspend or reactivate a credential of the client's entity."""
        require(client, scope="status")
        record = self._store.get_credential(client.entity, credential_id)
        if client.tramites and record.codigo_tramite not in client.tramites:
            raise forbidden(
                "tramite_forbidden",
                "El cliente no está autorizado para este trámite. "
                "The client may not act on this trámite.",
            )
        if purpose == "revocation":
            if not value and record.state == "revoked":
                raise InvalidTransition("a revocation is final")
            state = "revoked" if value else record.state
        else:
            state = "suspended" if value else "active"
        return self._store.set_status(client.entity, credential_id, state)

    def status_list(
        self, slug: str, purpose: StatusPurpose, seq: int, *, if_none_match: str | None = None
    ) -> PublishedList:
        """The signed status list credential, or ``body=None`` when ``if_none_match`` matches."""
        return self._lists.publish(slug, purpose, seq, if_none_match=if_none_match)


def _load_salt(settings: Settings) -> bytes:
    """The subject salt: 32 random bytes in ``<DATA_DIR>/keys/.subject-salt``, made once."""
    folder = settings.keys_dir
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / ".subject-salt"
    if not path.exists():
        temporary = folder / f".subject-salt.{secrets.token_hex(8)}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another worker made it first
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())
