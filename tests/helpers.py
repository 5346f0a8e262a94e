"""Builders shared by tests: issuer keys as did:key, and sample trámite credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from vcred.did import did_key_from_public_key
from vcred.keys import KeyPair, KeyType
from vcred.signer import KeySigner


def did_key_signer(key_type: KeyType = KeyType.ED25519) -> tuple[KeySigner, str]:
    """A signer for a fresh did:key issuer, and the issuer DID."""
    pair = KeyPair.generate(key_type)
    did = did_key_from_public_key(pair.public_key)
    return KeySigner(pair, f"{did}#{did.removeprefix('did:key:')}"), did


def sample_credential(issuer: str, **overrides: Any) -> dict[str, Any]:
    """A small VC 2.0 credential (no status, no schema) issued by ``issuer``."""
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b3c7f52-2a3e-4d0e-9a7c-6b1f0a2f3c11",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ciudadano", "nombres": "Ana María"},
    }
    credential.update(overrides)
    return credential


NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=400)


def read_qr(image: object) -> str:
    """The text of the one QR code in ``image`` (a PIL image), read with zxing-cpp.

    Only QR symbols are looked for: on a dense code a general scan can also report a spurious
    symbol of another format, or the same QR twice.
    """
    import zxingcpp

    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    texts = {result.text for result in results}
    assert len(texts) == 1, f"expected one QR code, found {len(texts)}"
    return texts.pop()
