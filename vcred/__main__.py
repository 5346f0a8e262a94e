"""``vcred`` on the command line: make keys, verify a credential, encode and decode QR payloads.

    vcred keygen [--type Ed25519|P-256] [--out key.pem] [--passphrase-env VAR]
    vcred verify [TOKEN | -] [--trust registry.json] [--lang es|en] [--json]
    vcred qr encode [TOKEN | -] [--png out.png]      vcred qr decode [PAYLOAD | -]

``verify`` exits 0 when the credential is valid, 1 when invalid and 2 when undecided; it reaches
``did:web`` documents and status lists through :class:`~vcred.http_fetch.HttpFetcher` (HTTPS,
public addresses only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from vcred.did import did_key_from_public_key
from vcred.errors import VcredError
from vcred.http_fetch import HttpFetcher
from vcred.keys import KeyPair, KeyType
from vcred.qr import decode_embedded, encode_embedded, qr_version, render_png
from vcred.trust import TrustRegistry
from vcred.verify import Verdict, create_verifier

__all__ = ["main"]

_EXIT = {Verdict.VALID: 0, Verdict.INVALID: 1, Verdict.INDETERMINATE: 2}


def _text(value: str | None) -> str:
    if value is None or value == "-":
        return sys.stdin.read().strip()
    return value.strip()


def _keygen(args: argparse.Namespace) -> int:
    pair = KeyPair.generate(KeyType(args.type))
    passphrase = os.environ.get(args.passphrase_env) if args.passphrase_env else None
    if args.passphrase_env and not passphrase:
        print(f"environment variable {args.passphrase_env} is empty", file=sys.stderr)
        return 2
    if args.out:
        pair.save(args.out, passphrase)
    did = did_key_from_public_key(pair.public_key)
    print(
        json.dumps(
            {
                "did": did,
                "publicKeyJwk": pair.public_key.to_jwk(),
                "publicKeyMultibase": pair.public_key.to_multibase(),
                "file": args.out,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def _verify(args: argparse.Namespace) -> int:
    trust = TrustRegistry.from_file(args.trust) if args.trust else None
    verifier = create_verifier(fetcher=HttpFetcher(), trust=trust)
    result = verifier.verify(_text(args.token))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"{result.verdict.value.upper()}  {result.issuer_name or result.issuer or ''}")
        for check in result.checks:
            message = check.message_es if args.lang == "es" else check.message_en
            print(f"  {check.outcome.value:13} {check.check.value:16} {message}")
    return _EXIT[result.verdict]


def _qr(args: argparse.Namespace) -> int:
    if args.action == "encode":
        payload = encode_embedded(_text(args.text))
        if args.png:
            Path(args.png).write_bytes(render_png(payload))
        print(payload)
        print(f"QR version {qr_version(payload)} (ECC M)", file=sys.stderr)
    else:
        print(decode_embedded(_text(args.text)))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vcred", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    keygen = commands.add_parser("keygen", help="generate an issuer or holder key")
    keygen.add_argument("--type", choices=[t.value for t in KeyType], default="Ed25519")
    keygen.add_argument("--out", help="write the private key here (PKCS#8 PEM, mode 0600)")
    keygen.add_argument("--passphrase-env", help="encrypt with the passphrase in this variable")
    keygen.set_defaults(run=_keygen)
    verify = commands.add_parser("verify", help="verify a credential and explain the verdict")
    verify.add_argument("token", nargs="?", help="vc+jwt, data: URL or QR payload; - for stdin")
    verify.add_argument("--trust", help="trust registry JSON file")
    verify.add_argument("--lang", choices=["es", "en"], default="es")
    verify.add_argument("--json", action="store_true", help="print the whole result as JSON")
    verify.set_defaults(run=_verify)
    qr = commands.add_parser("qr", help="encode or decode an embedded QR payload")
    qr.add_argument("action", choices=["encode", "decode"])
    qr.add_argument("text", nargs="?", help="token or payload; - for stdin")
    qr.add_argument("--png", help="also write the QR image (encode)")
    qr.set_defaults(run=_qr)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except VcredError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
