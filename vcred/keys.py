"""Ed25519 and P-256 keys: generation, PEM/JWK/Multikey import and export, and signers.

Signatures are always in their JOSE form (RFC 7518 §3.4: ECDSA as the 64-byte ``r || s``), which is
also the form Data Integrity ECDSA cryptosuites use. Private keys never appear in ``repr``, logs or
exception messages.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import base58
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from vcred.encoding import b64url_decode, b64url_encode
from vcred.errors import (
    ErrorCode,
    KeyMaterialError,
    UnsupportedError,
    UsageError,
)

__all__ = [
    "KeyPair",
    "KeyType",
    "PublicKey",
    "b64url_decode",
    "b64url_encode",
]

_P256_COORD = 32
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # never write a private key through a symlink
_MULTICODEC_PUBLIC = {b"\xed\x01": "Ed25519", b"\x80\x24": "P-256"}
_MULTICODEC_SECRET = {b"\x80\x26": "Ed25519", b"\x86\x26": "P-256"}


class KeyType(StrEnum):
    """Key types vcred signs with; the value is the JWK ``crv``."""

    ED25519 = "Ed25519"
    P256 = "P-256"

    @property
    def algorithm(self) -> str:
        """The one JOSE ``alg`` this key type may use (RFC 8037, RFC 7518)."""
        return "EdDSA" if self is KeyType.ED25519 else "ES256"

    @property
    def kty(self) -> str:
        return "OKP" if self is KeyType.ED25519 else "EC"


def _key_type(value: str) -> KeyType:
    try:
        return KeyType(value)
    except ValueError:
        raise UnsupportedError(
            f"unsupported key type {value!r}", code=ErrorCode.KEY_UNSUPPORTED
        ) from None


PublicKeyObject = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKeyObject = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True, eq=False)
class PublicKey:
    """A public key. Build it with a ``from_*`` constructor; compare with ``==``."""

    key_type: KeyType
    raw: bytes  # Ed25519: 32 bytes; P-256: 33-byte compressed point (SEC1)
    _key: PublicKeyObject = field(repr=False, compare=False)

    @property
    def algorithm(self) -> str:
        return self.key_type.algorithm

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and (self.key_type, self.raw) == (
            other.key_type,
            other.raw,
        )

    def __hash__(self) -> int:
        return hash((self.key_type, self.raw))

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def from_object(cls, key: PublicKeyObject) -> PublicKey:
        if isinstance(key, ed25519.Ed25519PublicKey):
            raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return cls(KeyType.ED25519, raw, key)
        if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
            raw = key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
            return cls(KeyType.P256, raw, key)
        raise UnsupportedError("unsupported public key type", code=ErrorCode.KEY_UNSUPPORTED)

    @classmethod
    def from_raw(cls, key_type: KeyType | str, raw: bytes) -> PublicKey:
        """From raw Ed25519 bytes or a SEC1 (compressed or uncompressed) P-256 point."""
        kt = _key_type(str(key_type))
        try:
            if kt is KeyType.ED25519:
                if len(raw) != 32:
                    raise ValueError("Ed25519 public keys are 32 bytes")
                return cls.from_object(ed25519.Ed25519PublicKey.from_public_bytes(raw))
            return cls.from_object(
                ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
            )
        except ValueError as exc:
            raise KeyMaterialError(f"invalid {kt} public key: {exc}") from None

    @classmethod
    def from_jwk(cls, jwk: object) -> PublicKey:
        """From a public JWK (RFC 7517; OKP per RFC 8037, EC per RFC 7518 §6.2)."""
        if not isinstance(jwk, dict):
            raise KeyMaterialError("a JWK must be a JSON object")
        kty, crv = jwk.get("kty"), jwk.get("crv")
        if not isinstance(kty, str) or not isinstance(crv, str):
            raise KeyMaterialError("JWK needs string 'kty' and 'crv'")
        kt = _key_type(crv)
        if kty != kt.kty:
            raise KeyMaterialError(f"JWK kty {kty!r} does not match crv {crv!r}")
        x = _jwk_bytes(jwk, "x")
        if kt is KeyType.ED25519:
            return cls.from_raw(kt, x)
        y = _jwk_bytes(jwk, "y")
        if len(x) != _P256_COORD or len(y) != _P256_COORD:
            raise KeyMaterialError("P-256 JWK coordinates must be 32 bytes")
        return cls.from_raw(kt, b"\x04" + x + y)

    @classmethod
    def from_multibase(cls, value: str) -> PublicKey:
        """From a Multikey ``publicKeyMultibase`` (base58btc ``z`` + multicodec header)."""
        kt, raw = _decode_multikey(value, _MULTICODEC_PUBLIC)
        return cls.from_raw(kt, raw)

    @classmethod
    def from_pem(cls, pem: bytes | str) -> PublicKey:
        data = _pem_bytes(pem)
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError:
            raise KeyMaterialError("unreadable public key PEM") from None
        except UnsupportedAlgorithm:
            raise UnsupportedError(
                "unsupported key algorithm", code=ErrorCode.KEY_UNSUPPORTED
            ) from None
        if not isinstance(key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey):
            raise UnsupportedError("unsupported public key type", code=ErrorCode.KEY_UNSUPPORTED)
        return cls.from_object(key)

    # -- exports --------------------------------------------------------------------------
    def to_jwk(self) -> dict[str, str]:
        """The public JWK, members in RFC 7638 thumbprint order."""
        if self.key_type is KeyType.ED25519:
            return {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(self.raw)}
        point = self._key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "crv": "P-256",
            "kty": "EC",
            "x": b64url_encode(point[1:33]),
            "y": b64url_encode(point[33:]),
        }

    def to_multibase(self) -> str:
        """Multikey ``publicKeyMultibase`` (Controlled Identifiers 1.0 §2.2.2)."""
        header = {v: k for k, v in _MULTICODEC_PUBLIC.items()}[self.key_type.value]
        return "z" + base58.b58encode(header + self.raw).decode("ascii")

    def to_pem(self) -> bytes:
        return self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def thumbprint(self) -> str:
        """RFC 7638 JWK thumbprint (SHA-256, base64url)."""
        canonical = json.dumps(self.to_jwk(), separators=(",", ":"), sort_keys=True)
        return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())

    # -- use ------------------------------------------------------------------------------
    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` (JOSE form) is valid for ``data``."""
        try:
            if isinstance(self._key, ed25519.Ed25519PublicKey):
                self._key.verify(signature, data)
            else:
                if len(signature) != 2 * _P256_COORD:
                    return False
                r = int.from_bytes(signature[:_P256_COORD], "big")
                s = int.from_bytes(signature[_P256_COORD:], "big")
                self._key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True


def _pem_bytes(pem: bytes | str) -> bytes:
    try:
        return pem.encode("ascii") if isinstance(pem, str) else bytes(pem)
    except UnicodeEncodeError:
        raise KeyMaterialError("a PEM key is ASCII text") from None


def _jwk_bytes(jwk: dict[str, object], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise KeyMaterialError(f"JWK member {name!r} must be a base64url string")
    try:
        return b64url_decode(value)
    except Exception:
        raise KeyMaterialError(f"JWK member {name!r} is not valid base64url") from None


def _decode_multikey(value: str, table: dict[bytes, str]) -> tuple[KeyType, bytes]:
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 200:
        raise KeyMaterialError("Multikey values must be base58btc multibase ('z' prefix)")
    try:
        data = base58.b58decode(value[1:])
    except ValueError:
        raise KeyMaterialError("invalid base58btc in Multikey value") from None
    header, raw = data[:2], data[2:]
    if header not in table:
        raise UnsupportedError("unsupported multicodec key type", code=ErrorCode.KEY_UNSUPPORTED)
    return KeyType(table[header]), raw


class KeyPair:
    """A private key with its public key. ``repr`` shows only the public thumbprint."""

    __slots__ = ("_private", "public_key")

    def __init__(self, private: PrivateKeyObject) -> None:
        if isinstance(private, ec.EllipticCurvePrivateKey) and not isinstance(
            private.curve, ec.SECP256R1
        ):
            raise UnsupportedError(
                "only the P-256 curve is supported", code=ErrorCode.KEY_UNSUPPORTED
            )
        self._private = private
        self.public_key = PublicKey.from_object(private.public_key())

    def __repr__(self) -> str:
        return f"KeyPair({self.key_type.value}, thumbprint={self.public_key.thumbprint()!r})"

    def __reduce__(
        self,
    ) -> str | tuple[object, ...]:  # never let pickling copy the private key around silently
        raise TypeError("KeyPair objects cannot be pickled; save them with to_pem()")

    @property
    def key_type(self) -> KeyType:
        return self.public_key.key_type

    @property
    def algorithm(self) -> str:
        return self.key_type.algorithm

    @classmethod
    def generate(cls, key_type: KeyType | str = KeyType.ED25519) -> KeyPair:
        kt = _key_type(str(key_type))
        if kt is KeyType.ED25519:
            return cls(ed25519.Ed25519PrivateKey.generate())
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: bytes | str, passphrase: str | bytes | None = None) -> KeyPair:
        """Load a PKCS#8 PEM private key, decrypting it when ``passphrase`` is given."""
        data = _pem_bytes(pem)
        password = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
        try:
            key = serialization.load_pem_private_key(data, password=password)
        except UnsupportedAlgorithm:
            raise UnsupportedError(
                "unsupported key algorithm", code=ErrorCode.KEY_UNSUPPORTED
            ) from None
        except TypeError:
            raise KeyMaterialError(
                "the key needs a passphrase (or is not encrypted but one was given)",
                code=ErrorCode.KEY_PASSPHRASE,
            ) from None
        except ValueError:
            code = ErrorCode.KEY_PASSPHRASE if password else ErrorCode.KEY_INVALID
            raise KeyMaterialError(
                "unreadable private key PEM or wrong passphrase", code=code
            ) from None
        if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
            raise UnsupportedError("unsupported private key type", code=ErrorCode.KEY_UNSUPPORTED)
        return cls(key)

    @classmethod
    def load(cls, path: str | os.PathLike[str], passphrase: str | bytes | None = None) -> KeyPair:
        """Load a PEM file written by :meth:`save`."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise KeyMaterialError(f"cannot read key file: {exc.strerror}") from None
        return cls.from_pem(data, passphrase)

    @classmethod
    def from_jwk(cls, jwk: object) -> KeyPair:
        """From a private JWK (with ``d``); checks that ``d`` matches the public members."""
        if not isinstance(jwk, dict) or "d" not in jwk:
            raise KeyMaterialError(
                "a private JWK needs the 'd' member", code=ErrorCode.KEY_PRIVATE_REQUIRED
            )
        public = PublicKey.from_jwk(jwk)
        d = _jwk_bytes(jwk, "d")
        pair = cls.from_secret_bytes(public.key_type, d)
        if pair.public_key != public:
            raise KeyMaterialError("JWK private member 'd' does not match its public key")
        return pair

    @classmethod
    def from_secret_bytes(cls, key_type: KeyType | str, secret: bytes) -> KeyPair:
        """From an Ed25519 seed (32 bytes) or a P-256 private scalar (32 bytes, big-endian)."""
        kt = _key_type(str(key_type))
        if len(secret) != 32:
            raise KeyMaterialError(f"{kt} private keys are 32 bytes")
        try:
            if kt is KeyType.ED25519:
                return cls(ed25519.Ed25519PrivateKey.from_private_bytes(secret))
            return cls(ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256R1()))
        except ValueError:
            raise KeyMaterialError(f"invalid {kt} private key") from None

    @classmethod
    def from_multibase(cls, secret_multibase: str) -> KeyPair:
        """From a Multikey ``secretKeyMultibase``."""
        kt, raw = _decode_multikey(secret_multibase, _MULTICODEC_SECRET)
        return cls.from_secret_bytes(kt, raw)

    def _secret_bytes(self) -> bytes:
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            return self._private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
        return self._private.private_numbers().private_value.to_bytes(32, "big")

    def to_pem(self, passphrase: str | bytes | None = None) -> bytes:
        """PKCS#8 PEM, encrypted with the best available scheme when ``passphrase`` is given.

        An empty passphrase is refused rather than silently writing an unencrypted key (an empty
        environment variable must not turn encryption off).
        """
        password = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
        if password is not None and not password:
            raise UsageError("an empty passphrase would leave the key unencrypted")
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def save(self, path: str | os.PathLike[str], passphrase: str | bytes | None = None) -> None:
        """Write the PEM with owner-only permissions (0600), never world-readable."""
        target = Path(path)
        pem = self.to_pem(passphrase)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o600)
        # An existing file keeps its mode through O_TRUNC: tighten it before writing the key.
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)

    def to_private_jwk(self) -> dict[str, str]:
        """The private JWK (public members plus ``d``). Handle with care."""
        return {**self.public_key.to_jwk(), "d": b64url_encode(self._secret_bytes())}

    def to_secret_multibase(self) -> str:
        """Multikey ``secretKeyMultibase``. Handle with care."""
        header = {v: k for k, v in _MULTICODEC_SECRET.items()}[self.key_type.value]
        return "z" + base58.b58encode(header + self._secret_bytes()).decode("ascii")

    def sign(self, data: bytes) -> bytes:
        """Sign ``data``; ECDSA signatures come back as JOSE ``r || s``."""
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            return self._private.sign(data)
        der = self._private.sign(data, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(_P256_COORD, "big") + s.to_bytes(_P256_COORD, "big")
