"""Bulk issuance: ``python -m issuer emitir-lote`` (alias ``issue-batch``) from a CSV file.

Rows become credentials through the service code of the HTTP endpoint; bad rows are reported
(code and fields, never values) without stopping the batch; a rerun, also after an interruption,
issues nothing twice.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import PIL.Image
import pytest
from sqlalchemy import Engine

from issuer.bulk import BATCH_CLIENT
from issuer.folder import Deposit, LocalFolderClient
from issuer.store import Store
from tests.helpers import read_qr
from tests.service.conftest import AppClient, CliResult
from tests.service.test_issue import SLUG, count_credentials, fresh_verifier, payload
from vcred.qr import decode_embedded
from vcred.verify import Verdict

COLUMNS = [
    "tipoDocumento", "numeroDocumento", "nombres", "apellidos",
    "entidad.nombre", "entidad.nit", "entidad.codigoDane",
    "numeroCertificado", "concepto", "vigencia", "placa", "fechaExpedicion", "fechaVencimiento",
]  # fmt: skip
BAD_ROWS = {5: "placa", 17: "numeroCertificado", 25: "vigencia"}
Run = Callable[..., CliResult]


def row(n: int) -> dict[str, str]:
    """Row ``n`` of the test batch (rows in BAD_ROWS break one field)."""
    values = {
        "tipoDocumento": "CC",
        "numeroDocumento": f"10{n:08d}",
        "nombres": "María Fernanda",
        "apellidos": "Jamioy Chindoy",
        "entidad.nombre": "Gobernación del Putumayo",
        "entidad.nit": "800094164-4",
        "entidad.codigoDane": "86001",
        "numeroCertificado": f"PYS-2026-{n:06d}",
        "concepto": "IMPUESTO_VEHICULOS_AUTOMOTORES",
        "vigencia": "2026",
        "placa": f"OQJ{n:02d}F",
        "fechaExpedicion": "2026-01-15",
        "fechaVencimiento": "2026-12-31",
    }
    broken = {"placa": "NO-VALE", "numeroCertificado": "", "vigencia": "dos mil"}
    if n in BAD_ROWS:
        values[BAD_ROWS[n]] = broken[BAD_ROWS[n]]
    return values


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(name="batch")
def batch_fixture(tmp_path: Path) -> Path:
    """A 30-row SVT-135 batch with 3 bad rows."""
    return write_csv(tmp_path / "lote.csv", [row(n) for n in range(1, 31)])


def emitir(cli: Run, batch: Path, out: Path, *extra: str) -> CliResult:
    return cli(
        "--json", "emitir-lote", "--entity", SLUG, "--tramite", "SVT-135",
        "--csv", str(batch), "--out", str(out), *extra,
    )  # fmt: skip


def issued_ids(out: Path) -> dict[int, str]:
    """Row number → credential id, from the ``.jwt`` files."""
    return {int(p.stem): payload(p.read_text())["id"] for p in out.glob("*.jwt")}


def test_a_batch_issues_the_good_rows_and_reports_the_bad_ones(
    cli: Run, entity: str, batch: Path, tmp_path: Path, engine: Engine, client: AppClient
) -> None:
    out = tmp_path / "salida"
    result = emitir(cli, batch, out)
    assert result.status == 1, result.stderr  # some rows were rejected
    report = result.json()
    assert report["total"] == 30 and len(report["issued"]) == 27
    assert count_credentials(engine) == 27
    assert "\r[" in result.stderr and "] 30/30" in result.stderr

    with (out / "rechazados.csv").open(encoding="utf-8", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert {int(r["fila"]): r["campos"] for r in rejected} == BAD_ROWS
    assert {r["codigo"] for r in rejected} == {"schema_violation"}
    text = (out / "rechazados.csv").read_text(encoding="utf-8")
    assert "NO-VALE" not in text and "dos mil" not in text and "1000000005" not in text

    ids = issued_ids(out)
    assert sorted(ids) == [n for n in range(1, 31) if n not in BAD_ROWS]
    assert len(set(ids.values())) == 27
    for n in ids:
        token = (out / f"{n}.jwt").read_text()
        subject = payload(token)["credentialSubject"]
        assert subject["numeroCertificado"] == f"PYS-2026-{n:06d}"
        assert subject["vigencia"] == 2026  # an integer, as the schema says
        assert subject["entidad"]["codigoDane"] == "86001"
        assert decode_embedded(read_qr(PIL.Image.open(out / f"{n}.png"))) == token
    # Issued as the service issues over HTTP: a verifier finds it valid.
    first = (out / "1.jwt").read_text()
    assert fresh_verifier(client).verify(first).verdict is Verdict.VALID


def test_a_rerun_issues_nothing_new(
    cli: Run, entity: str, batch: Path, tmp_path: Path, engine: Engine
) -> None:
    out = tmp_path / "salida"
    assert emitir(cli, batch, out).status == 1
    ids = issued_ids(out)

    again = emitir(cli, batch, out)
    assert again.status == 1
    assert again.json()["replayed"] == 27
    assert count_credentials(engine) == 27
    assert issued_ids(out) == ids

    resumed = emitir(cli, batch, out, "--resume")
    assert resumed.json()["skipped"] == 27
    assert {i["fila"]: i["id"] for i in resumed.json()["issued"]} == ids
    assert count_credentials(engine) == 27


def test_an_interrupted_batch_completes_on_rerun_without_duplicates(
    cli: Run,
    entity: str,
    batch: Path,
    tmp_path: Path,
    engine: Engine,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = LocalFolderClient.deposit
    calls: list[str] = []

    def failing(self: LocalFolderClient, **options: Any) -> Deposit:
        calls.append(options["credential_id"])
        if len(calls) == 10:  # the process dies after recording, before depositing
            raise OSError("disco lleno")
        return real(self, **options)

    monkeypatch.setattr(LocalFolderClient, "deposit", failing)
    out = tmp_path / "salida"
    interrupted = emitir(cli, batch, out)
    assert interrupted.status == 3
    assert count_credentials(engine) == 10  # rows 1-11 but the bad row 5; the 10th not deposited
    before = issued_ids(out)
    assert len(before) == 9

    monkeypatch.setattr(LocalFolderClient, "deposit", real)
    done = emitir(cli, batch, out, "--resume")
    assert done.status == 1
    assert count_credentials(engine) == 27
    after = issued_ids(out)
    assert len(after) == 27 and len(set(after.values())) == 27
    assert {n: after[n] for n in before} == before
    # The credential recorded before the interruption was signed again, not issued again.
    assert after[11] == calls[9]
    record = store.get_credential(SLUG, calls[9])
    assert record.client_ref == BATCH_CLIENT


def test_an_idempotency_column_names_each_row(
    cli: Run, entity: str, tmp_path: Path, engine: Engine
) -> None:
    columns = [*COLUMNS, "idempotencia"]
    rows = [{**row(n), "idempotencia": f"expediente-{n}"} for n in (1, 2)]
    first = emitir(cli, write_csv(tmp_path / "a.csv", rows, columns), tmp_path / "a")
    assert first.status == 0, first.stderr
    # Another file (another digest) with the same keys: nothing new.
    reordered = emitir(cli, write_csv(tmp_path / "b.csv", rows[::-1], columns), tmp_path / "b")
    assert reordered.status == 0
    assert count_credentials(engine) == 2
    assert issued_ids(tmp_path / "b") == {
        1: issued_ids(tmp_path / "a")[2],
        2: issued_ids(tmp_path / "a")[1],
    }
    # The same key with other claims is refused, not issued.
    changed = [{**rows[0], "numeroCertificado": "PYS-2026-999999"}]
    clash = emitir(cli, write_csv(tmp_path / "c.csv", changed, columns), tmp_path / "c")
    assert clash.status == 1
    assert clash.json()["rejected"] == [
        {"fila": 1, "codigo": "idempotency_mismatch", "campos": ["idempotencia"]}
    ]
    assert count_credentials(engine) == 2


def test_bad_usage_exits_2_before_issuing(
    cli: Run, entity: str, batch: Path, tmp_path: Path, engine: Engine
) -> None:
    unknown = write_csv(tmp_path / "x.csv", [{"nombre": "x"}], ["nombre"])
    assert emitir(cli, unknown, tmp_path / "x").status == 2
    assert emitir(cli, tmp_path / "no-existe.csv", tmp_path / "y").status == 2
    wrong_entity = cli(
        "issue-batch", "--entity", "nadie", "--tramite", "SVT-135",
        "--csv", str(batch), "--out", str(tmp_path / "z"),
    )  # fmt: skip
    assert wrong_entity.status == 2
    # --resume refuses a directory written for another file.
    other = write_csv(tmp_path / "otro.csv", [row(1)])
    assert emitir(cli, other, tmp_path / "o").status == 0
    refused = emitir(cli, batch, tmp_path / "o", "--resume")
    assert refused.status == 2
    assert json.loads(refused.stdout)["error"]["code"] == "usage"
    assert count_credentials(engine) == 1
