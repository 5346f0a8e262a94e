"""The ``vcred`` command line: keygen, verify (exit code = verdict), QR encode/decode."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.helpers import NOW, did_key_signer, sample_credential
from vcred.__main__ import main
from vcred.jose import issue_vc_jwt


def test_keygen_writes_a_private_key_only_its_owner_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "key.pem"
    assert main(["keygen", "--type", "P-256", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["did"].startswith("did:key:zDna")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "PRIVATE" not in json.dumps(printed)


def test_verify_exits_zero_for_a_valid_credential(capsys: pytest.CaptureFixture[str]) -> None:
    signer, did = did_key_signer()
    credential = sample_credential(
        did, validFrom="2026-01-01T00:00:00Z", validUntil="2099-01-01T00:00:00Z"
    )
    token = issue_vc_jwt(credential, signer=signer)  # the CLI verifies at the real time
    assert main(["verify", token, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "valid"


def test_verify_exits_one_for_a_tampered_credential(capsys: pytest.CaptureFixture[str]) -> None:
    signer, did = did_key_signer()
    token = issue_vc_jwt(
        sample_credential(did, validUntil="2099-01-01T00:00:00Z"), signer=signer, now=NOW
    )
    head, payload, signature = token.split(".")
    assert main(["verify", f"{head}.{payload}.{signature[::-1]}", "--lang", "en"]) == 1
    assert "INVALID" in capsys.readouterr().out


def test_qr_encode_then_decode_gives_the_token_back(capsys: pytest.CaptureFixture[str]) -> None:
    signer, did = did_key_signer()
    token = issue_vc_jwt(sample_credential(did), signer=signer, now=NOW)
    assert main(["qr", "encode", token]) == 0
    payload = capsys.readouterr().out.strip()
    assert main(["qr", "decode", payload]) == 0
    assert capsys.readouterr().out.strip() == token


def test_bad_input_is_a_clear_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["qr", "decode", "VC1:not base45!"]) == 2
    assert capsys.readouterr().err.startswith("error [qr_")
