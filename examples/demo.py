"""End to end, with no network: issue an SVT-135 certificate, render its QR codes, verify it from
the scanned QR, revoke it, and verify again.

    python3 dev.py run
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qrcode

from examples.demo_setup import DemoIssuer
from vcred import (
    VerificationResult,
    encode_embedded,
    linked_payload,
    qr_version,
    render_png,
    render_svg,
)
from vcred.qr import new_share_token

OUT = Path(__file__).resolve().parents[1] / "out"


def show(title: str, result: VerificationResult) -> None:
    icon = {"valid": "✔", "invalid": "✘", "indeterminate": "?"}[result.verdict.value]
    print(f"\n{icon} {title}: {result.verdict.value.upper()}  (entidad: {result.issuer_name})")
    for check in result.checks:
        outcome, name, code = check.outcome.value, check.check.value, check.code.value
        print(f"   {outcome:13} {name:16} {code:22} {check.message_es}")


def decode_png(png: bytes) -> str:
    """Read the QR back from the rendered image, as a phone would (zxing-cpp, a dev dependency)."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:  # pragma: no cover - the demo still runs without the dev extra
        return ""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return results[0].text if results else ""


def main() -> None:
    clock_now = [datetime.now(UTC).replace(microsecond=0)]
    demo = DemoIssuer.create(clock=lambda: clock_now[0])
    print("Emisor:", "Gobernación del Putumayo", demo.signer.key_id)

    token = demo.issue_paz_y_salvo()
    credential_id = next(iter(demo.indexes))
    print(f"\n1. Emitido SVT-135 (Certificado de paz y salvo) {credential_id}")
    print(f"   vc+jwt de {len(token)} bytes: {token[:72]}…")

    OUT.mkdir(exist_ok=True)
    embedded = encode_embedded(token)
    png = render_png(embedded)
    (OUT / "svt-135-embebido.png").write_bytes(png)
    (OUT / "svt-135-embebido.svg").write_text(render_svg(embedded), encoding="utf-8")
    link = linked_payload("https://verificador.localhost/v", new_share_token())
    (OUT / "svt-135-enlace.png").write_bytes(render_png(link))
    print(f"\n2. QR embebido: versión {qr_version(embedded)} (el vc+jwt tal cual necesita más)")
    print(f"   {len(embedded)} caracteres alfanuméricos → {OUT / 'svt-135-embebido.png'}")
    print(f"   QR enlazado (versión {qr_version(link)}): {link}")
    code = qrcode.QRCode(border=1)
    code.add_data(link)
    code.print_ascii(invert=True)

    scanned = decode_png(png) or embedded
    assert scanned == embedded, "the rendered QR must decode to exactly what was encoded"
    verifier = demo.verifier(clock=lambda: clock_now[0])
    show("3. Verificación del QR escaneado", verifier.verify(scanned))

    demo.revoke(credential_id)
    clock_now[0] += timedelta(minutes=6)  # past the status list's 5-minute TTL
    show("4. Tras revocar, verificación de nuevo", verifier.verify(scanned))


if __name__ == "__main__":
    main()
