"""The QR images of an issued credential: ``…/credenciales/{id}/qr.png|.svg?modo=…``.

``enlace`` encodes exactly the verifier link of the issue answer; ``embebido`` encodes the whole
signed credential, which decodes back to the token the folder holds and verifies. Only the
issuing entity's ``issue`` clients get them, and a rendered image is served from memory after.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import PIL.Image
import pytest

import issuer.routes.qr as qr_module
from tests.helpers import read_qr
from tests.service.conftest import AppClient
from tests.service.test_issue import (  # noqa: F401 - fixtures, used by name
    SLUG,
    fresh_verifier,
    headers_fixture,
    issue,
    make_client_fixture,
    token_of,
)
from vcred.qr import decode_embedded
from vcred.verify import Verdict


def decode_png(data: bytes) -> str:
    """The text of the single QR code in a PNG."""
    return read_qr(PIL.Image.open(io.BytesIO(data)))


@pytest.fixture(name="issued")
def issued_fixture(client: AppClient, headers: dict[str, str]) -> dict[str, Any]:
    """The issue endpoint's answer for one SVT-135 credential."""
    response = issue(client, headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def qr_path(issued: dict[str, Any], fmt: str = "png") -> str:
    """The QR URL path the issue answer links to."""
    url = str(issued["links"]["qr"][fmt])
    return url.removeprefix("http://localhost:8000")


def test_the_linked_qr_encodes_the_verifier_link(
    client: AppClient, headers: dict[str, str], issued: dict[str, Any]
) -> None:
    for query in ("", "?modo=enlace"):
        response = client.get(qr_path(issued) + query, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/png"
        assert response.headers["cache-control"].startswith("private, max-age=")
        assert response.headers["etag"].startswith('"')
        assert decode_png(response.content) == issued["links"]["verificar"]


def test_the_embedded_qr_holds_the_signed_credential_which_verifies(
    client: AppClient, headers: dict[str, str], issued: dict[str, Any]
) -> None:
    response = client.get(qr_path(issued) + "?modo=embebido", headers=headers)
    assert response.status_code == 200, response.text
    token = decode_embedded(decode_png(response.content))
    assert token == token_of(issued)
    assert fresh_verifier(client).verify(token).verdict is Verdict.VALID


@pytest.mark.parametrize("modo", ["enlace", "embebido"])
def test_the_svg_is_an_svg_document(
    client: AppClient, headers: dict[str, str], issued: dict[str, Any], modo: str
) -> None:
    response = client.get(qr_path(issued, "svg") + f"?modo={modo}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 - the service's own SVG
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_an_unchanged_image_is_not_sent_again(
    client: AppClient, headers: dict[str, str], issued: dict[str, Any]
) -> None:
    first = client.get(qr_path(issued), headers=headers)
    again = client.get(qr_path(issued), headers={**headers, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_rendered_image_is_served_from_the_cache(
    client: AppClient,
    headers: dict[str, str],
    issued: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = qr_module.render_png

    def counting(payload: str, **options: Any) -> bytes:
        calls.append(payload)
        return real(payload, **options)

    monkeypatch.setattr(qr_module, "render_png", counting)
    bodies = [client.get(qr_path(issued), headers=headers).content for _ in range(3)]
    assert len(calls) == 1 and bodies[0] == bodies[1] == bodies[2]
    # Another mode is another image.
    client.get(qr_path(issued) + "?modo=embebido", headers=headers)
    assert len(calls) == 2


def test_the_cache_is_bounded(
    client: AppClient,
    headers: dict[str, str],
    issued: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(qr_module, "CACHE_SIZE", 1)
    client.get(qr_path(issued), headers=headers)
    client.get(qr_path(issued) + "?modo=embebido", headers=headers)
    cache = client.app.state.qr_images
    assert cache.get((SLUG, issued["id"], "enlace", "png")) is None
    assert cache.get((SLUG, issued["id"], "embebido", "png")) is not None


def test_without_credentials_the_answer_is_401(client: AppClient, issued: dict[str, Any]) -> None:
    response = client.get(qr_path(issued))
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    wrong = client.get(qr_path(issued), headers={"Authorization": "Bearer nadie.nada"})
    assert wrong.status_code == 401


def test_clients_without_the_issue_scope_or_the_tramite_get_403(
    client: AppClient, make_client: Callable[..., dict[str, str]], issued: dict[str, Any]
) -> None:
    status_only = make_client(scopes=("status",))
    other_tramite = make_client(tramites=("SVT-029",))
    for headers, code in ((status_only, "scope_missing"), (other_tramite, "tramite_forbidden")):
        response = client.get(qr_path(issued), headers=headers)
        assert response.status_code == 403
        assert response.json()["code"] == code


def test_another_entity_cannot_get_the_qr(
    client: AppClient,
    cli: Callable[..., Any],
    make_client: Callable[..., dict[str, str]],
    issued: dict[str, Any],
) -> None:
    created = cli(
        "entity", "create", "--slug", "alcaldia-mocoa",
        "--nombre", "Alcaldía de Mocoa", "--nit", "800102891-6",
    )  # fmt: skip
    assert created.status == 0, created.stderr
    mocoa = make_client(slug="alcaldia-mocoa", tramites=())
    response = client.get(qr_path(issued), headers=mocoa)
    assert response.status_code == 403
    assert response.json()["code"] == "entity_forbidden"
    # Nor through its own entity's path: the credential is not one of its own.
    own_path = qr_path(issued).replace(SLUG, "alcaldia-mocoa")
    assert client.get(own_path, headers=mocoa).status_code == 404


def test_an_unknown_credential_or_mode_is_refused(
    client: AppClient, headers: dict[str, str], issued: dict[str, Any]
) -> None:
    unknown = f"/entidades/{SLUG}/credenciales/00000000-0000-4000-8000-000000000000/qr.png"
    response = client.get(unknown, headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    bad_mode = client.get(qr_path(issued) + "?modo=otro", headers=headers)
    assert bad_mode.status_code == 422
    assert bad_mode.json()["code"] == "request_invalid"
