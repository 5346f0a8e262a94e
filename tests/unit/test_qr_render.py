"""QR rendering (vcred.qr.render): every image decodes back, with a real decoder, to its payload."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from vcred.errors import ErrorCode, QrError, UsageError
from vcred.keys import KeyPair, b64url_encode
from vcred.qr import (
    decode_embedded,
    encode_embedded,
    linked_payload,
    qr_matrix,
    qr_version,
    render_png,
    render_svg,
)

# Alphanumeric-mode capacity at error correction M, versions 1-20 (ISO/IEC 18004 Table 7).
ALPHANUMERIC_CAPACITY_M = (
    20, 38, 61, 90, 122, 154, 178, 221, 262, 311, 366, 419, 483, 528, 600, 656, 734, 816, 909, 970,
)  # fmt: skip

ISSUER = "did:web:localhost%3A8000:entidades:gobernacion-putumayo"
STATUS_LIST = "http://localhost:8000/entidades/gobernacion-putumayo/status/1"


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def svt135_vc_jwt(*, seed: int = 7) -> str:
    """A realistic SVT-135 *certificado de paz y salvo* as a ``vc+jwt`` signed with Ed25519."""
    issuer_key = KeyPair.from_secret_bytes("Ed25519", bytes([seed]) * 32)
    holder_key = KeyPair.from_secret_bytes("Ed25519", bytes([seed + 1]) * 32)
    holder = "did:jwk:" + b64url_encode(_json(holder_key.public_key.to_jwk()))
    header = {"alg": "EdDSA", "kid": f"{ISSUER}#key-1", "typ": "vc+jwt", "cty": "vc"}
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://vcred.example.gov.co/contexts/tramites/v1",
        ],
        "id": "urn:uuid:3f1c2a9e-7b4d-4e2a-9c61-0d8f5b7a2e14",
        "type": ["VerifiableCredential", "CertificadoPazYSalvoCredential"],
        "issuer": {"id": ISSUER, "name": "Gobernación del Putumayo"},
        "validFrom": "2026-11-23T12:00:00Z",
        "validUntil": "2027-11-23T12:00:00Z",
        "credentialSubject": {
            "id": holder,
            "tipoDocumento": "CC",
            "numeroDocumento": "1124857330",
            "nombres": "María Fernanda",
            "apellidos": "Jojoa Chasoy",
            "codigoTramite": "SVT-135",
            "concepto": "Paz y salvo por concepto de impuesto vehicular",
            "entidad": {
                "nombre": "Gobernación del Putumayo",
                "nit": "800094164-4",
                "municipio": "Mocoa",
                "departamento": "Putumayo",
            },
            "fechaExpedicion": "2026-11-23",
            "numeroCertificado": "PYS-2026-004817",
        },
        "credentialStatus": {
            "id": f"{STATUS_LIST}#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": STATUS_LIST,
        },
        "credentialSchema": {
            "id": "https://vcred.example.gov.co/schemas/tramites/SVT-135.json",
            "type": "JsonSchema",
        },
    }
    signing_input = f"{b64url_encode(_json(header))}.{b64url_encode(_json(credential))}"
    signature = issuer_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def _decode_image(image: Image.Image) -> list[zxingcpp.Barcode]:
    return [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def _decode_png(png: bytes) -> zxingcpp.Barcode:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    found = _decode_image(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    return found[0]


def _rasterize_svg(svg: str, scale: int = 4) -> Image.Image:
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG, not untrusted input
    size = int(root.attrib["viewBox"].split()[2])
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path.attrib["d"]):
        left, top = int(x) * scale, int(y) * scale
        draw.rectangle((left, top, left + int(width) * scale - 1, top + scale - 1), fill=0)
    return image


# -- the SVT-135 sample: what an embedded QR costs ---------------------------------------------
def test_svt135_sample_is_realistic() -> None:
    token = svt135_vc_jwt()
    assert 1_700 <= len(token) <= 2_100
    assert qr_version(token) >= 25  # the plain vc+jwt in byte mode


def test_embedded_svt135_credential_fits_a_small_alphanumeric_qr() -> None:
    token = svt135_vc_jwt()
    payload = encode_embedded(token)
    version = qr_version(payload)
    assert version <= 15  # issue: at most 19; design target: 15
    # One alphanumeric segment: the version is the smallest whose alphanumeric capacity holds it.
    assert version == next(
        v for v, cap in enumerate(ALPHANUMERIC_CAPACITY_M, start=1) if cap >= len(payload)
    )
    barcode = _decode_png(render_png(payload))
    assert barcode.text == payload
    assert barcode.extra["Version"] == str(version)
    assert barcode.ec_level == "M"
    assert decode_embedded(barcode.text) == token


def test_embedded_credential_of_another_tramite_and_entity_still_fits_version_19() -> None:
    # The dictionary must not only suit the SVT-135 sample: other claims, issuer, two statuses.
    issuer = "did:web:medellin.gov.co:secretaria-movilidad"
    status = "https://medellin.gov.co/vc/status/"
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://vcred.example.gov.co/contexts/tramites/v1",
        ],
        "type": ["VerifiableCredential", "LicenciaConduccionCredential"],
        "id": "urn:uuid:9a7d0c52-1e44-4b8e-8f3a-62c1d5e0b7aa",
        "issuer": {"id": issuer, "name": "Alcaldía de Medellín - Secretaría de Movilidad"},
        "validFrom": "2026-03-02T15:30:00Z",
        "validUntil": "2036-03-02T15:30:00Z",
        "credentialSubject": {
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "tipoDocumento": "CC",
            "numeroDocumento": "43876512",
            "nombres": "Luz Dary",
            "apellidos": "Restrepo Gómez",
            "codigoTramite": "MOV-021",
            "licencia": {"numero": "05001000043876512", "categorias": ["B1", "A2"]},
            "fechaNacimiento": "1984-07-19",
            "grupoSanguineo": "O+",
        },
        "credentialStatus": [
            {
                "id": f"{status}{n}#10233",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": "10233",
                "statusListCredential": f"{status}{n}",
            }
            for n, purpose in ((3, "revocation"), (4, "suspension"))
        ],
        "credentialSchema": {
            "id": "https://vcred.example.gov.co/schemas/tramites/MOV-021.json",
            "type": "JsonSchema",
        },
    }
    header = {"alg": "EdDSA", "kid": f"{issuer}#key-2026", "typ": "vc+jwt"}
    token = ".".join(b64url_encode(part) for part in (_json(header), _json(credential), b"s" * 64))
    assert qr_version(token) >= 25
    payload = encode_embedded(token)
    assert qr_version(payload) <= 19
    assert decode_embedded(payload) == token


# -- PNG --------------------------------------------------------------------------------------
def test_linked_payload_png_decodes_to_the_url_at_a_small_version() -> None:
    url = linked_payload("https://verificador.vcred.gov.co/v", "q8Rk2mVJx0bWcC7a1Yt9Zg")
    barcode = _decode_png(render_png(url, box_size=4))
    assert barcode.text == url
    assert int(barcode.extra["Version"]) <= 6


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_every_error_correction_level_renders_and_decodes(level: str) -> None:
    payload = encode_embedded("eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUifQ.AAAA")
    barcode = _decode_png(render_png(payload, error_correction=level, box_size=3))  # type: ignore[arg-type]
    assert barcode.text == payload
    assert barcode.ec_level == level


@settings(max_examples=15, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=120)
)
def test_any_ascii_payload_png_decodes_back_exactly(payload: str) -> None:
    assert _decode_png(render_png(payload, box_size=3)).text == payload


def test_png_size_follows_box_size_and_border() -> None:
    payload = "VC1:ABC"
    modules = 4 * qr_version(payload) + 17
    image = Image.open(io.BytesIO(render_png(payload, box_size=5, border=2)))
    assert image.size == ((modules + 4) * 5, (modules + 4) * 5)


# -- SVG --------------------------------------------------------------------------------------
def test_svg_is_xml_with_the_module_count_and_decodes_back() -> None:
    payload = encode_embedded(svt135_vc_jwt())
    svg = render_svg(payload, box_size=4)
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG, not untrusted input
    modules = 4 * qr_version(payload) + 17 + 2 * 4
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.attrib["viewBox"] == f"0 0 {modules} {modules}"
    assert root.attrib["width"] == str(modules * 4)
    found = _decode_image(_rasterize_svg(svg))
    assert [b.text for b in found] == [payload]


def test_svg_draws_exactly_the_qr_matrix() -> None:
    payload = "VC1:HELLO"
    matrix = qr_matrix(payload)
    image = _rasterize_svg(render_svg(payload), scale=1)
    assert image.size == (len(matrix), len(matrix))
    drawn = tuple(
        tuple(image.getpixel((x, y)) == 0 for x in range(len(matrix))) for y in range(len(matrix))
    )
    assert drawn == matrix


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", ["", "señal", "\u20ac"])
def test_empty_or_non_ascii_payloads_are_refused(payload: str) -> None:
    with pytest.raises(QrError) as info:
        render_png(payload)
    assert info.value.code == ErrorCode.QR_PAYLOAD_INVALID


def test_payload_beyond_version_40_is_too_large() -> None:
    with pytest.raises(QrError) as info:
        qr_version("a" * 3000)
    assert info.value.code == ErrorCode.QR_TOO_LARGE
    assert qr_version("A" * 3000, error_correction="L") <= 40  # alphanumeric holds more


def test_bad_rendering_options_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        render_png("A", error_correction="X")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        render_svg("A", box_size=0)
    with pytest.raises(UsageError):
        render_png("A", border=-1)
