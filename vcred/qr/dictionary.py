"""Preset DEFLATE dictionaries (RFC 1950 §2.2 ``FDICT``; zlib ``zdict``) for embedded QR payloads.

A preset dictionary is text the compressor may refer back to before the first byte of input, so
the vocabulary every credential repeats (contexts, types, status entries, claim names, JOSE header
members) costs a back-reference instead of its letters. Encoder and decoder must use the very same
bytes, so a dictionary is identified by the version in the payload prefix (``VC1:`` → version 1) and
**a published dictionary never changes**: a better one is added as version 2, and version 1 stays
readable forever. ``tests/unit/test_qr_payload.py`` pins the SHA-256 of every published version.

Layout rules (why the fragments are ordered as they are): DEFLATE codes a back-reference distance
with more extra bits the further back it points, and only the last 32 KiB of a dictionary are
reachable, so rare vocabulary comes first and the skeleton of a typical credential comes last,
written in the member order issuers use, so whole runs such as
``","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"``
become a single match.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["DICTIONARY_V1", "SUPPORTED_VERSIONS", "dictionary"]

# Rare vocabulary first: Spanish trámite words, Colombian departments, alternative JOSE and VC 1.1
# members, SD-JWT members.
_V1_RARE = (
    "Amazonas Antioquia Arauca Atlántico Bolívar Boyacá Caldas Caquetá Casanare Cauca Cesar "
    "Chocó Córdoba Cundinamarca Guainía Guaviare Huila La Guajira Magdalena Meta Nariño "
    "Norte de Santander Quindío Risaralda San Andrés, Providencia y Santa Catalina Sucre Tolima "
    "Valle del Cauca Vaupés "
    "Vichada Bogotá, D.C. Medellín Cali Barranquilla Cartagena Bucaramanga Pasto Mocoa Colombia "
    "República de Colombia Registraduría Nacional del Estado Civil Superintendencia Ministerio de "
    "Secretaría de Hacienda Secretaría de Tránsito y Transporte Secretaría de Salud "
    "Cámara de Comercio "
    "licencia de conducción certificado de existencia y representación legal "
    '"placa":"","categoria":"","razonSocial":"","matriculaMercantil":"","representanteLegal":"'
    '","direccion":"","telefono":"","correoElectronico":"","estado":"","observaciones":"'
    '","valor":"","moneda":"COP","fechaNacimiento":"","numeroRadicado":"","fechaVencimiento":"'
    '","nombreTramite":"","nombreCompleto":"","codigoDane":"'
    '"_sd_alg":"sha-256","_sd":["","...":"","cnf":{"jwk":{"vct":"'
    '{"alg":"ES256","typ":"dc+sd-jwt","kid":"{"alg":"EdDSA","typ":"vc+sd-jwt","kid":"'
    '{"alg":"ES256","kid":"","typ":"vc+jwt","cty":"vc"}'
    '"iss":"","sub":"","jti":"","iat":17,"nbf":17,"exp":17'
    '"vc":{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential","'
    '"issuanceDate":"","expirationDate":"","credentialStatus":{"type":"StatusList2021Entry","'
    '"statusPurpose":"suspension","statusPurpose":"message","statusSize":2,"statusMessage":[{"status":"'
    '"description":"","evidence":[{"termsOfUse":"refreshService":"'
    "did:key:z6Mk did:key:zDn did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJFZDI1NTE5IiwieCI6I"
    " did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6I"
    " did:jwk:eyJrdHkiOiJFQyIsImNydiI6IlAtMjU2IiwieCI6I"
    '","y":"'
)

# Frequent vocabulary last: the JOSE header and a VC 2.0 trámite credential skeleton.
_V1_COMMON = (
    "Certificado de paz y salvo Paz y salvo por concepto de impuesto vehicular predial "
    "Gobernación del Alcaldía de Alcaldía Municipal de "
    "https://vcred.example.gov.co/schemas/tramites/.gov.co/entidades/status/1#key-1"
    ":entidades:did:web:localhost%3A8000:entidades:gobernacion-alcaldia-"
    '{"alg":"EdDSA","kid":"did:web:","typ":"vc+jwt","cty":"vc"}'
    '{"@context":["https://www.w3.org/ns/credentials/v2",'
    '"https://vcred.example.gov.co/contexts/tramites/v1"],'
    '"id":"urn:uuid:","type":["VerifiableCredential","Credential"],'
    '"issuer":{"id":"did:web:","name":"Gobernación del "},'
    '"validFrom":"2026-01-01T00:00:00Z","validUntil":"2027-01-01T00:00:00Z",'
    '"credentialSubject":{"id":"did:jwk:eyJjcnYiOiJFZDI1NTE5Iiwia3R5IjoiT0tQIiwieCI6I",'
    '"tipoDocumento":"CC","numeroDocumento":"","nombres":"","apellidos":"",'
    '"codigoTramite":"SVT-","concepto":"","entidad":{"nombre":"","nit":"","municipio":"",'
    '"departamento":""},"fechaExpedicion":"2026-","numeroCertificado":""},'
    '"credentialStatus":{"id":"https://","type":"BitstringStatusListEntry",'
    '"statusPurpose":"revocation","statusListIndex":"","statusListCredential":"https://"},'
    '"credentialSchema":{"id":"https://vcred.example.gov.co/schemas/tramites/",'
    '"type":"JsonSchema"}}'
)

DICTIONARY_V1: bytes = (_V1_RARE + _V1_COMMON).encode("utf-8")
"""Dictionary version 1 (payload prefix ``VC1:``). Published: never edit, add a new version."""

_DICTIONARIES: Mapping[int, bytes] = MappingProxyType({1: DICTIONARY_V1})
SUPPORTED_VERSIONS: frozenset[int] = frozenset(_DICTIONARIES)


def dictionary(version: int) -> bytes:
    """The preset dictionary of payload version ``version``; ``KeyError`` when unknown."""
    return _DICTIONARIES[version]
