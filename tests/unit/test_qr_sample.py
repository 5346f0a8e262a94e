"""The real SVT-135 certificate, as the demo issuer signs it with Ed25519, fits the QR budget."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image

from examples.demo_setup import DemoIssuer
from tests.helpers import read_qr
from vcred import decode_embedded, encode_embedded, qr_version, render_png
from vcred.errors import QrError

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_svt_135_embedded_qr_is_version_19_or_less_and_scans_back() -> None:
    token = DemoIssuer.create(clock=lambda: NOW).issue_paz_y_salvo()
    payload = encode_embedded(token)
    assert qr_version(payload) <= 19
    try:
        plain = qr_version(token)
    except QrError:  # does not fit any QR version at all
        plain = 41
    assert plain >= 28  # what a plain vc+jwt in byte mode needs
    scanned = read_qr(Image.open(io.BytesIO(render_png(payload))))
    assert scanned == payload
    assert decode_embedded(scanned) == token
