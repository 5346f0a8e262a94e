"""A safe default :class:`~vcred.fetch.Fetcher` over HTTPS, with the standard library only.

What it guarantees (each failure a :class:`~vcred.errors.FetchError` with its code):

- HTTPS only, unless ``allow_http=True`` (``FETCH_SCHEME_NOT_ALLOWED``), never a downgrade on
  redirect; TLS certificates and host names verified (RFC 9110 §4.3.4, RFC 6125).
- The host is resolved once, every address is checked, and the connection goes to exactly a
  checked address (no DNS rebinding between check and connect) while SNI and certificate checks
  still use the host name. Loopback, private, link-local, shared, multicast, reserved and
  unspecified addresses (IPv4, IPv6, and IPv4 embedded in IPv6) are refused unless
  ``allow_private=True`` (``FETCH_BLOCKED_ADDRESS``).
- Connect and per-read timeouts plus a total deadline over DNS, redirects, headers and body
  (``FETCH_TIMEOUT``); bodies are streamed and cut at ``max_bytes`` (``FETCH_TOO_LARGE``).
- At most ``max_redirects`` redirects, each hop checked as the first; any other non-2xx status
  is ``FETCH_HTTP_STATUS``. No content encodings are requested or accepted.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast
from urllib.parse import urljoin, urlsplit

from vcred.errors import ErrorCode, FetchError, UsageError

__all__ = ["HostResolver", "HttpFetcher", "is_public_address"]

#: ``(host, port, timeout_seconds) -> IP address strings``; the default uses ``getaddrinfo``.
HostResolver = Callable[[str, int, float], Sequence[str]]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_URL_LENGTH = 8192
_CHUNK = 64 * 1024
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _fail(message: str, code: ErrorCode = ErrorCode.FETCH_FAILED) -> FetchError:
    return FetchError(message, code=code)


def is_public_address(ip: _IPAddress) -> bool:
    """True for globally routable unicast addresses (IANA special-purpose registries)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: list[ipaddress.IPv4Address | None] = [ip.ipv4_mapped, ip.sixtofour]
        embedded.extend(ip.teredo or ())
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(e is not None and not is_public_address(e) for e in embedded):
            return False
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


# Lookups that outlive their deadline keep their thread until the resolver gives up; a bound on
# how many may be outstanding keeps a flood of hanging names from piling up threads.
_MAX_PENDING_LOOKUPS = 32
_pending_lookups = threading.BoundedSemaphore(_MAX_PENDING_LOOKUPS)


def _getaddrinfo(host: str, port: int, timeout: float) -> list[str]:
    """``getaddrinfo`` in a daemon thread, so a slow DNS answer cannot outlive the deadline."""
    result: list[str] = []
    failure: list[BaseException] = []
    if not _pending_lookups.acquire(blocking=False):
        raise _fail("too many DNS lookups pending", ErrorCode.FETCH_TIMEOUT)

    def run() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            result.extend(str(info[4][0]) for info in infos)
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)
        finally:
            _pending_lookups.release()

    worker = threading.Thread(target=run, name="vcred-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _fail("DNS resolution timed out", ErrorCode.FETCH_TIMEOUT)
    if failure:
        raise _fail("the host name could not be resolved")
    return result


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    https: bool
    host: str
    port: int
    request_path: str


class _DeadlineSocket:
    """The few socket methods ``http.client`` uses, each read bounded by the total deadline."""

    def __init__(self, sock: socket.socket, deadline: float, read_timeout: float) -> None:
        self.sock = sock
        self._deadline = deadline
        self._read_timeout = read_timeout

    def arm(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("total deadline exceeded")
        self.sock.settimeout(min(self._read_timeout, remaining))

    def sendall(self, data: bytes) -> None:
        self.arm()
        self.sock.sendall(data)

    def makefile(self, mode: str = "rb", *_args: object, **_kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        self.sock.close()


class _DeadlineReader(io.RawIOBase):
    def __init__(self, owner: _DeadlineSocket) -> None:
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self._owner.arm()
        return self._owner.sock.recv_into(buffer)


def _is_ip(address: object) -> bool:
    try:
        ipaddress.ip_address(address)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


class HttpFetcher:
    """Fetch bytes over HTTPS safely (see the module docstring for every guarantee).

    ``ssl_context`` replaces the default verifying context (tests trust a test CA with it);
    ``resolve_host`` replaces DNS resolution (``HostResolver``).
    """

    def __init__(
        self,
        *,
        allow_http: bool = False,
        allow_private: bool = False,
        connect_timeout: float = 5.0,
        read_timeout: float = 5.0,
        total_timeout: float = 15.0,
        max_bytes: int = 1024 * 1024,
        max_redirects: int = 3,
        ssl_context: ssl.SSLContext | None = None,
        resolve_host: HostResolver | None = None,
        user_agent: str = "vcred",
        accept: str = "*/*",
    ) -> None:
        if min(connect_timeout, read_timeout, total_timeout) <= 0 or max_bytes < 1:
            raise UsageError("timeouts and max_bytes must be positive")
        if max_redirects < 0:
            raise UsageError("max_redirects must be ≥ 0")
        self.allow_http = allow_http
        self.allow_private = allow_private
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._ssl_context = ssl_context
        self._resolve_host: HostResolver = resolve_host or _getaddrinfo
        self._headers = {"User-Agent": user_agent, "Accept": accept, "Connection": "close"}

    def __repr__(self) -> str:
        return (
            f"HttpFetcher(allow_http={self.allow_http}, allow_private={self.allow_private}, "
            f"max_bytes={self.max_bytes}, total_timeout={self.total_timeout})"
        )

    def fetch(self, url: str) -> bytes:
        """GET ``url`` and return the body of its 2xx response."""
        deadline = time.monotonic() + self.total_timeout
        current = url
        for _hop in range(self.max_redirects + 1):
            target = self._check_url(current)
            addresses = self._addresses(target, deadline)
            try:
                location = self._exchange(target, addresses, deadline)
            except FetchError:
                raise
            except TimeoutError:
                raise _fail("the fetch timed out", ErrorCode.FETCH_TIMEOUT) from None
            except (ssl.SSLError, ssl.CertificateError):
                raise _fail("TLS handshake or certificate verification failed") from None
            except (OSError, http.client.HTTPException) as exc:
                raise _fail(f"the fetch failed: {type(exc).__name__}") from None
            if isinstance(location, bytes):
                return location
            current = urljoin(target.url, location)
            if target.url.lower().startswith("https:") and not current.lower().startswith("https:"):
                # Never a downgrade: an https fetch stays https on every redirect hop.
                raise _fail(
                    "redirect from https to another scheme", ErrorCode.FETCH_SCHEME_NOT_ALLOWED
                )
        raise _fail("too many redirects", ErrorCode.FETCH_HTTP_STATUS)

    # -- steps ----------------------------------------------------------------------------
    def _check_url(self, url: object) -> _Target:
        if not isinstance(url, str) or len(url) > _MAX_URL_LENGTH:
            raise _fail("the URL must be a string of reasonable length")
        if not url.isascii() or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
            raise _fail("the URL must be ASCII without spaces or control characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise _fail("the URL cannot be parsed") from None
        scheme = parts.scheme.lower()
        if scheme != "https" and not (scheme == "http" and self.allow_http):
            raise _fail(f"scheme {scheme!r} is not allowed", ErrorCode.FETCH_SCHEME_NOT_ALLOWED)
        if parts.username is not None or parts.password is not None:
            raise _fail("credentials in URLs are not allowed")
        host = parts.hostname
        if not host:
            raise _fail("the URL has no host")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        default = 443 if scheme == "https" else 80
        return _Target(url, scheme == "https", host, port or default, path)

    def _addresses(self, target: _Target, deadline: float) -> list[str]:
        try:
            addresses = [str(ipaddress.ip_address(target.host))]
        except ValueError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _fail("total deadline exceeded", ErrorCode.FETCH_TIMEOUT) from None
            addresses = list(dict.fromkeys(self._resolve_host(target.host, target.port, remaining)))
        # Only IP literals go on: a resolver that answers anything else is ignored.
        addresses = [a for a in addresses if _is_ip(a)]
        if not addresses:
            raise _fail("the host name resolved to no address")
        if self.allow_private:
            return addresses
        allowed = []
        for address in addresses:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                continue
            if is_public_address(ip):
                allowed.append(address)
        if not allowed:
            raise _fail(
                "the host resolves only to non-public addresses", ErrorCode.FETCH_BLOCKED_ADDRESS
            )
        return allowed

    def _connect(self, target: _Target, addresses: list[str], deadline: float) -> socket.socket:
        last: OSError = OSError("no address to connect to")
        for address in addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("total deadline exceeded")
            ip = ipaddress.ip_address(address)
            family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(min(self.connect_timeout, remaining))
                sock.connect((address, target.port))  # the checked address, never a re-resolve
                if not target.https:
                    return sock
                if self._ssl_context is None:  # made once, on first use (loads the CA store)
                    self._ssl_context = ssl.create_default_context()
                context = self._ssl_context
                # SNI and certificate verification use the host name from the URL.
                return context.wrap_socket(sock, server_hostname=target.host)
            except (ssl.SSLError, ssl.CertificateError, TimeoutError):
                sock.close()
                raise
            except OSError as exc:
                sock.close()
                last = exc
        raise last

    def _exchange(self, target: _Target, addresses: list[str], deadline: float) -> bytes | str:
        """One request: the body of a 2xx, or the Location of a redirect to follow."""
        raw = self._connect(target, addresses, deadline)
        wrapper = _DeadlineSocket(raw, deadline, self.read_timeout)
        connection = http.client.HTTPConnection(target.host, target.port)
        connection.default_port = 443 if target.https else 80  # Host header without :443
        connection.sock = cast(socket.socket, wrapper)
        try:
            connection.putrequest("GET", target.request_path, skip_accept_encoding=True)
            for name, value in self._headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            try:
                return self._handle(response)
            finally:
                response.close()
        finally:
            connection.close()
            raw.close()

    def _handle(self, response: http.client.HTTPResponse) -> bytes | str:
        status = response.status
        if status in _REDIRECTS and self.max_redirects:
            location = response.getheader("Location")
            if location:
                return location
        if not 200 <= status < 300:
            raise _fail(f"HTTP status {status}", ErrorCode.FETCH_HTTP_STATUS)
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise _fail(f"unrequested content encoding {encoding!r}")
        declared = response.getheader("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > self.max_bytes:
            raise _fail(f"response larger than {self.max_bytes} bytes", ErrorCode.FETCH_TOO_LARGE)
        body = bytearray()
        while True:
            chunk = response.read(min(_CHUNK, self.max_bytes + 1 - len(body)))
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > self.max_bytes:
                raise _fail(
                    f"response larger than {self.max_bytes} bytes", ErrorCode.FETCH_TOO_LARGE
                )
