"""Run the issuer with uvicorn, dual stack by default (issue #3, item 1).

``serve(settings, host="::", port=8000)`` migrates the database to the newest schema (once, in
this process, before any worker starts), binds the listening socket itself and hands it to
uvicorn. The default host ``::`` is bound with ``IPV6_V6ONLY`` off, so one socket takes IPv6
and IPv4 (as ``::ffff:a.b.c.d``) connections; another address binds only its own family. On a
machine without IPv6 the default falls back to ``0.0.0.0``.

With ``workers > 1`` every worker builds its app from the ``VCRED_ISSUER_*`` environment
(:func:`app_from_env`); state lives in the database, so the workers behave as one.
"""

from __future__ import annotations

import inspect
import ipaddress
import logging
import os
import socket
from typing import Any, cast

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from issuer.app import create_app
from issuer.db import migrate
from issuer.settings import Settings

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "app_from_env", "bind_socket", "serve"]

DEFAULT_HOST = "::"
DEFAULT_PORT = 8000

logger = logging.getLogger("issuer")


def app_from_env() -> FastAPI:
    """The app of one worker, from the ``VCRED_ISSUER_*`` environment (uvicorn factory)."""
    return create_app(Settings.from_env())


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``; ``::`` serves IPv4 too (``IPV6_V6ONLY`` off)."""
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            unspecified = ipaddress.ip_address(str(address[0]).split("%")[0]).is_unspecified
            # Dual stack on the unspecified address, whatever the system default
            # (net.ipv6.bindv6only) says; a specific IPv6 address serves only IPv6.
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0 if unspecified else 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _bind_default(host: str, port: int) -> socket.socket:
    try:
        return bind_socket(host, port)
    except OSError:
        if host != DEFAULT_HOST or (socket.has_ipv6 and _ipv6_works()):
            raise
        logger.warning("IPv6 is not available here; serving IPv4 only on 0.0.0.0")
        return bind_socket("0.0.0.0", port)  # noqa: S104 - the fallback of the dual-stack default


def _ipv6_works() -> bool:
    try:
        socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close()
    except OSError:
        return False
    return True


def _announce(sock: socket.socket, workers: int) -> None:
    # After uvicorn.Config has set up logging, so the line looks like uvicorn's own.
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("uvicorn.error").info(
        "Emisor vcred en / issuer serving on http://%s:%d (%d worker%s)",
        shown,
        port,
        workers,
        "" if workers == 1 else "s",
    )


def serve(
    settings: Settings,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    workers: int = 1,
    migrate_first: bool = True,
    log_level: str = "info",
) -> None:
    """Serve the issuer until interrupted (SIGINT/SIGTERM stop it gracefully)."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if migrate_first:
        migrate(settings.database_url)
    sock = _bind_default(host, port)
    common: dict[str, Any] = {
        "log_level": log_level,
        "server_header": False,
        "proxy_headers": True,
    }
    try:
        if workers == 1:
            config = uvicorn.Config(create_app(settings), **common)
            _announce(sock, workers)
            uvicorn.Server(config).run(sockets=[sock])
            return
        # Workers are new processes: they read the same settings back from the environment.
        os.environ.update(settings.to_env())
        config = uvicorn.Config(
            "issuer.server:app_from_env", factory=True, workers=workers, **common
        )
        server = uvicorn.Server(config)
        _announce(sock, workers)
        supervisor = cast(Any, Multiprocess)
        if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn < 0.36
            supervisor(config, target=server.run, sockets=[sock]).run()
        else:
            supervisor(config, sockets=[sock]).run()
    finally:
        sock.close()
