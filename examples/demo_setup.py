"""An in-memory issuer for the demo, the benchmark and tests: the Gobernación del Putumayo.

Everything an issuer publishes (its did:web document, its signed status list) is put into a
:class:`~vcred.StaticFetcher`, which stands in for the web so the demo runs with no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vcred import (
    Bitstring,
    IndexAllocator,
    KeyPair,
    KeySigner,
    KeyType,
    SchemaRegistry,
    StaticFetcher,
    TrustRegistry,
    Verifier,
    build_did_web_document,
    build_status_list_credential,
    create_verifier,
    did_web_to_url,
    issue_vc_jwt,
    status_entry,
)
from vcred.tramite import TramiteTemplate, prepare_tramite

HERE = Path(__file__).resolve().parent
DID = "did:web:localhost%3A8000:entidades:gobernacion-putumayo"
ISSUER = {"id": DID, "name": "Gobernación del Putumayo"}
STATUS_LIST_URL = "https://localhost:8000/entidades/gobernacion-putumayo/estado/revocacion/1"
ENTIDAD = {"nombre": "Gobernación del Putumayo", "nit": "800094164-4", "codigoDane": "86001"}


@dataclass
class DemoIssuer:
    """Keys, DID document, status list and the fetcher that serves them."""

    key: KeyPair
    signer: KeySigner
    fetcher: StaticFetcher
    schemas: SchemaRegistry
    clock: Callable[[], datetime]
    paz_y_salvo: TramiteTemplate
    bitstring: Bitstring = field(default_factory=Bitstring)
    allocator: IndexAllocator = field(default_factory=IndexAllocator)
    indexes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def create(
        cls, *, clock: Callable[[], datetime] | None = None, key_type: KeyType = KeyType.ED25519
    ) -> DemoIssuer:
        key = KeyPair.generate(key_type)
        schemas = SchemaRegistry.default()
        demo = cls(
            key=key,
            signer=KeySigner(key, f"{DID}#key-1"),
            fetcher=StaticFetcher(),
            schemas=schemas,
            clock=clock or (lambda: datetime.now(UTC)),
            # Issuer, type and schema reference are checked once, not per certificate.
            paz_y_salvo=prepare_tramite("SVT-135", issuer=ISSUER, schemas=schemas),
        )
        document = build_did_web_document(DID, [("key-1", key.public_key)])
        demo.fetcher.put(did_web_to_url(DID), json_bytes(document))
        demo.publish_status_list()
        return demo

    def publish_status_list(self) -> None:
        """Sign the current revocation list and publish it at its URL."""
        now = self.clock()
        credential = build_status_list_credential(
            list_url=STATUS_LIST_URL,
            issuer=DID,
            bitstring=self.bitstring,
            purpose="revocation",
            valid_from=now - timedelta(minutes=1),
            valid_until=now + timedelta(days=1),
            ttl_ms=300_000,
        )
        self.fetcher.put(STATUS_LIST_URL, issue_vc_jwt(credential, signer=self.signer, now=now))

    def issue_paz_y_salvo(self, **claims: Any) -> str:
        """Issue an SVT-135 Certificado de paz y salvo; keyword arguments override claims."""
        now = self.clock()
        index = self.allocator.allocate()
        subject = {
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "tipoDocumento": "CC",
            "numeroDocumento": "1123456789",
            "nombres": "María Fernanda",
            "apellidos": "Jamioy Chindoy",
            "entidad": ENTIDAD,
            "numeroCertificado": "PYS-2026-000123",
            "concepto": "IMPUESTO_VEHICULOS_AUTOMOTORES",
            "vigencia": 2026,
            "placa": "OQJ12F",
            "fechaExpedicion": now.date().isoformat(),
            "fechaVencimiento": "2026-12-31",
            **claims,
        }
        credential = self.paz_y_salvo.build(
            subject,
            status=status_entry(list_url=STATUS_LIST_URL, index=index),
            valid_from=now,
            valid_until=now + timedelta(days=90),
        )
        self.indexes[credential["id"]] = index
        # The template has validated the data model and the schema already.
        return issue_vc_jwt(credential, signer=self.signer, now=now, validate=False)

    def revoke(self, credential_id: str) -> None:
        """Revoke a credential this issuer issued and republish the list."""
        self.bitstring.set(self.indexes[credential_id], 1)
        self.publish_status_list()

    def trust_registry(self) -> TrustRegistry:
        return TrustRegistry.from_file(HERE / "trust-registry.json")

    def verifier(self, *, clock: Callable[[], datetime] | None = None) -> Verifier:
        """A verifier that reaches this issuer only through the in-memory fetcher."""
        return create_verifier(
            fetcher=self.fetcher,
            trust=self.trust_registry(),
            schemas=self.schemas,
            clock=clock or self.clock,
        )


def json_bytes(value: object) -> bytes:
    import json

    return json.dumps(value, ensure_ascii=False).encode("utf-8")
