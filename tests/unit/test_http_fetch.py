"""HttpFetcher against a real local HTTPS server (a trustme CA), plus address-policy checks."""

from __future__ import annotations

import gzip
import ipaddress
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
import trustme
from hypothesis import given, settings
from hypothesis import strategies as st

from vcred.errors import ErrorCode, FetchError, UsageError
from vcred.fetch import Fetcher
from vcred.http_fetch import HttpFetcher, is_public_address

BODY = b'{"ok": true}'


@dataclass
class Server:
    host: str  # as written in a URL authority
    port: int
    stop: threading.Event
    requests: list[dict[str, str]] = field(default_factory=list)

    def url(self, path: str, host: str | None = None, scheme: str = "https") -> str:
        return f"{scheme}://{host or self.host}:{self.port}{path}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        info = self.server.info
        info.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        routes = {
            "/ok": lambda: self._send(200, BODY, Content_Type="application/json"),
            "/big": lambda: self._send(200, b"x" * 5000),
            "/missing": lambda: self._send(404, b"no"),
            "/gzip": lambda: self._send(200, gzip.compress(BODY), Content_Encoding="gzip"),
            "/redirect": lambda: self._send(302, Location="/ok"),
            "/redirect-abs": lambda: self._send(302, Location=info_url("/ok")),
            "/redirect-http": lambda: self._send(302, Location=info_url("/ok", scheme="http")),
            "/loop": lambda: self._send(302, Location="/loop"),
            "/redirect-private": lambda: self._send(
                302, Location=f"https://private.test:{info.port}/ok"
            ),
        }

        def info_url(path: str, scheme: str = "https") -> str:
            return info.url(path, scheme=scheme)

        if self.path in routes:
            routes[self.path]()
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(5):
                self.wfile.write(b"400\r\n" + b"y" * 0x400 + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/slow":
            info.stop.wait(5)
            self._send(200, BODY)
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                if info.stop.wait(0.05):
                    return
                self.wfile.write(b"z")
                self.wfile.flush()
        else:
            self._send(500, b"unknown route")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    info: Server
    tls: ssl.SSLContext | None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        with self.tls.wrap_socket(request, server_side=True) as wrapped:
            super().finish_request(wrapped, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early are part of the tests


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def _serve(ca: trustme.CA | None, bind: str, family: socket.AddressFamily) -> Iterator[Server]:
    class Bound(_Server):
        address_family = family

    httpd = Bound((bind, 0), Handler)
    if ca is not None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1", "::1", "vcred.test").configure_cert(tls)
        httpd.tls = tls
    else:
        httpd.tls = None
    host = f"[{bind}]" if family == socket.AF_INET6 else bind
    httpd.info = Server(host=host, port=httpd.server_address[1], stop=threading.Event())
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield httpd.info
    finally:
        httpd.info.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(scope="module")
def server(ca: trustme.CA) -> Iterator[Server]:
    yield from _serve(ca, "127.0.0.1", socket.AF_INET)


@pytest.fixture(scope="module")
def plain_server() -> Iterator[Server]:
    yield from _serve(None, "127.0.0.1", socket.AF_INET)


def _ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def server6(ca: trustme.CA) -> Iterator[Server]:
    if not _ipv6_available():
        # Public-sector services must work dual stack: CI machines must have ::1.
        if os.environ.get("CI") == "true":
            pytest.fail("no IPv6 loopback on this machine")
        pytest.skip("no IPv6 loopback on this machine")
    yield from _serve(ca, "::1", socket.AF_INET6)


def _fetcher(context: ssl.SSLContext, **options: Any) -> HttpFetcher:
    settings_: dict[str, Any] = {
        "allow_private": True,
        "ssl_context": context,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 4.0,
    }
    settings_.update(options)
    return HttpFetcher(**settings_)


def _code(fetcher: HttpFetcher, url: str) -> ErrorCode:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    return info.value.code


# -- the happy path -------------------------------------------------------------------------------


def test_fetches_over_https_when_private_addresses_are_allowed(
    server: Server, client_context: ssl.SSLContext
) -> None:
    fetcher = _fetcher(client_context)
    assert isinstance(fetcher, Fetcher)
    assert fetcher.fetch(server.url("/ok")) == BODY
    sent = server.requests[-1]
    assert sent["host"] == f"127.0.0.1:{server.port}"
    assert sent["connection"] == "close"
    assert "accept-encoding" not in sent  # no compression asked for: no decompression bombs


def test_host_names_resolve_once_and_connect_to_the_checked_address(
    server: Server, client_context: ssl.SSLContext
) -> None:
    lookups: list[str] = []

    def resolve(host: str, port: int, timeout: float) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    fetcher = _fetcher(client_context, resolve_host=resolve)
    assert fetcher.fetch(server.url("/ok", host="vcred.test")) == BODY
    assert lookups == ["vcred.test"]
    # SNI and certificate checks used the name, the socket went to the checked address.
    assert server.requests[-1]["host"] == f"vcred.test:{server.port}"


def test_localhost_through_the_system_resolver(
    server: Server, client_context: ssl.SSLContext
) -> None:
    # localhost may resolve to ::1 first, where nothing listens: the next address is tried.
    assert _fetcher(client_context).fetch(server.url("/ok", host="localhost")) == BODY


def test_chunked_bodies_are_read(server: Server, client_context: ssl.SSLContext) -> None:
    assert _fetcher(client_context).fetch(server.url("/chunked")) == b"y" * 5 * 0x400


def test_plain_http_only_when_explicitly_allowed(
    plain_server: Server, client_context: ssl.SSLContext
) -> None:
    url = plain_server.url("/ok", scheme="http")
    assert _code(_fetcher(client_context), url) is ErrorCode.FETCH_SCHEME_NOT_ALLOWED
    assert _fetcher(client_context, allow_http=True).fetch(url) == BODY


def test_ipv6_loopback(server6: Server, client_context: ssl.SSLContext) -> None:
    assert _fetcher(client_context).fetch(server6.url("/ok")) == BODY
    blocked = _fetcher(client_context, allow_private=False)
    assert _code(blocked, server6.url("/ok")) is ErrorCode.FETCH_BLOCKED_ADDRESS


# -- refusals -------------------------------------------------------------------------------------


def test_loopback_is_refused_by_default_before_connecting(
    server: Server, client_context: ssl.SSLContext
) -> None:
    before = len(server.requests)
    fetcher = _fetcher(client_context, allow_private=False)
    assert _code(fetcher, server.url("/ok")) is ErrorCode.FETCH_BLOCKED_ADDRESS
    assert _code(fetcher, server.url("/ok", host="localhost")) is ErrorCode.FETCH_BLOCKED_ADDRESS
    assert len(server.requests) == before


@pytest.mark.parametrize(
    "answers",
    [["10.0.0.7"], ["169.254.169.254"], ["::ffff:127.0.0.1"], ["fd00::1", "192.168.0.1"]],
)
def test_names_resolving_to_private_addresses_are_refused(
    answers: list[str], client_context: ssl.SSLContext
) -> None:
    fetcher = _fetcher(
        client_context, allow_private=False, resolve_host=lambda host, port, timeout: answers
    )
    assert _code(fetcher, "https://rebind.example/did.json") is ErrorCode.FETCH_BLOCKED_ADDRESS


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/did.json",
        "ftp://example.com/did.json",
        "file:///etc/passwd",
        "gopher://example.com/",
        "//example.com/did.json",
    ],
)
def test_other_schemes_are_refused(url: str, client_context: ssl.SSLContext) -> None:
    assert _code(_fetcher(client_context), url) is ErrorCode.FETCH_SCHEME_NOT_ALLOWED


@pytest.mark.parametrize(
    "url",
    [
        "https://user:secret@example.com/",
        "https:///no-host",
        "https://example.com:99999/",
        "https://example.com/a b",
        "https://example.com/\r\nX-Injected: 1",
        "https://exämple.com/",
    ],
)
def test_malformed_urls_fail_cleanly(url: str, client_context: ssl.SSLContext) -> None:
    assert _code(_fetcher(client_context), url) is ErrorCode.FETCH_FAILED


def test_oversized_bodies_are_cut_at_the_cap(
    server: Server, client_context: ssl.SSLContext
) -> None:
    fetcher = _fetcher(client_context, max_bytes=1000)
    assert _code(fetcher, server.url("/big")) is ErrorCode.FETCH_TOO_LARGE  # Content-Length
    assert _code(fetcher, server.url("/chunked")) is ErrorCode.FETCH_TOO_LARGE  # streamed
    assert _fetcher(client_context, max_bytes=len(BODY)).fetch(server.url("/ok")) == BODY


def test_slow_server_times_out(server: Server, client_context: ssl.SSLContext) -> None:
    fetcher = _fetcher(client_context, read_timeout=0.3)
    started = time.monotonic()
    assert _code(fetcher, server.url("/slow")) is ErrorCode.FETCH_TIMEOUT
    assert time.monotonic() - started < 2


def test_total_deadline_bounds_a_dripping_body(
    server: Server, client_context: ssl.SSLContext
) -> None:
    fetcher = _fetcher(client_context, read_timeout=1.0, total_timeout=0.5)
    started = time.monotonic()
    assert _code(fetcher, server.url("/drip")) is ErrorCode.FETCH_TIMEOUT
    assert time.monotonic() - started < 1.5


def test_non_2xx_and_encoded_responses(server: Server, client_context: ssl.SSLContext) -> None:
    fetcher = _fetcher(client_context)
    assert _code(fetcher, server.url("/missing")) is ErrorCode.FETCH_HTTP_STATUS
    assert _code(fetcher, server.url("/gzip")) is ErrorCode.FETCH_FAILED


def test_untrusted_certificates_and_wrong_names_fail(
    server: Server, client_context: ssl.SSLContext
) -> None:
    # The system trust store does not know the test CA.
    assert _code(HttpFetcher(allow_private=True), server.url("/ok")) is ErrorCode.FETCH_FAILED
    # The address is pinned, but the certificate must still match the name in the URL.
    other = _fetcher(client_context, resolve_host=lambda host, port, timeout: ["127.0.0.1"])
    assert _code(other, server.url("/ok", host="other.example")) is ErrorCode.FETCH_FAILED


# -- redirects ------------------------------------------------------------------------------------


def test_redirects_are_followed_with_the_same_checks(
    server: Server, client_context: ssl.SSLContext
) -> None:
    fetcher = _fetcher(client_context)
    assert fetcher.fetch(server.url("/redirect")) == BODY
    assert fetcher.fetch(server.url("/redirect-abs")) == BODY
    assert _code(fetcher, server.url("/redirect-http")) is ErrorCode.FETCH_SCHEME_NOT_ALLOWED
    assert _code(fetcher, server.url("/loop")) is ErrorCode.FETCH_HTTP_STATUS
    no_redirects = _fetcher(client_context, max_redirects=0)
    assert _code(no_redirects, server.url("/redirect")) is ErrorCode.FETCH_HTTP_STATUS


def test_a_redirect_to_a_private_address_is_refused(
    server: Server, client_context: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend 127.0.0.1 is public so the first hop is allowed; the redirect target
    # (private.test → 127.0.0.2) is checked again and refused before any connection.
    monkeypatch.setattr("vcred.http_fetch.is_public_address", lambda ip: str(ip) == "127.0.0.1")
    names = {"vcred.test": ["127.0.0.1"], "private.test": ["127.0.0.2"]}
    fetcher = _fetcher(
        client_context,
        allow_private=False,
        resolve_host=lambda host, port, timeout: names[host],
    )
    assert fetcher.fetch(server.url("/redirect", host="vcred.test")) == BODY
    url = server.url("/redirect-private", host="vcred.test")
    assert _code(fetcher, url) is ErrorCode.FETCH_BLOCKED_ADDRESS
    assert server.requests[-1]["path"] == "/redirect-private"


def test_bad_settings_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        HttpFetcher(total_timeout=0)
    with pytest.raises(UsageError):
        HttpFetcher(max_redirects=-1)


# -- the address policy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address under test, nothing binds to it
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "192.0.2.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",
        "2002:a00:1::1",
        "64:ff9b::a00:1",
        "2001:db8::1",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2800:3f0::1"])
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def _is_public_literal(url: str) -> bool:
    try:
        host = urlsplit(url).hostname or ""
        return is_public_address(ipaddress.ip_address(host))
    except ValueError:
        return False


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_property_arbitrary_urls_raise_only_fetch_errors(tail: str) -> None:
    fetcher = HttpFetcher(resolve_host=lambda host, port, timeout: ["10.0.0.1"], total_timeout=1)
    for url in (tail, "https://" + tail, "https://example.com/" + tail):
        if _is_public_literal(url):  # never reach out to the network from a property test
            continue
        with pytest.raises(FetchError):
            fetcher.fetch(url)


def test_hanging_dns_lookups_cannot_pile_up_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lookups past their deadline keep a thread until DNS answers; only a bounded number may."""
    import threading

    from vcred import http_fetch

    release = threading.Event()

    def hang(*args: object, **kwargs: object) -> list[object]:
        release.wait(10)
        return []

    monkeypatch.setattr(http_fetch.socket, "getaddrinfo", hang)
    try:
        codes = set()
        for _ in range(http_fetch._MAX_PENDING_LOOKUPS + 1):
            with pytest.raises(FetchError) as caught:
                http_fetch._getaddrinfo("hangs.example", 443, 0.001)
            codes.add(caught.value.message)
        assert "too many DNS lookups pending" in codes
    finally:
        release.set()
