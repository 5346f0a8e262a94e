"""FastAPI dependencies: what a route may ask for, as ``Annotated`` aliases.

Everything comes from ``app.state`` (set once by :func:`issuer.app.create_app`): the settings,
the store, the key store and the clock. Nothing here keeps state of its own, so any number of
workers behave like one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, cast

from fastapi import Depends, Header, Request

from issuer.auth import Authenticator
from issuer.issuance import IssuerService
from issuer.keystore import KeyStore
from issuer.settings import Settings
from issuer.store import ClientRecord, Store

__all__ = [
    "ClientDep",
    "ClockDep",
    "IssuerServiceDep",
    "KeyStoreDep",
    "SettingsDep",
    "StoreDep",
    "get_client",
    "get_clock",
    "get_issuer_service",
    "get_keystore",
    "get_settings",
    "get_store",
]

Clock = Callable[[], datetime]


def get_settings(request: Request) -> Settings:
    """The service's settings."""
    return cast(Settings, request.app.state.settings)


def get_store(request: Request) -> Store:
    """The store (all SQL)."""
    return cast(Store, request.app.state.store)


def get_keystore(request: Request) -> KeyStore:
    """Where the entities' private keys live."""
    return cast(KeyStore, request.app.state.keystore)


def get_clock(request: Request) -> Clock:
    """The clock (injected in tests)."""
    return cast(Clock, request.app.state.clock)


def get_issuer_service(request: Request) -> IssuerService:
    """The issuance and status use cases (with their caches)."""
    return cast(IssuerService, request.app.state.issuer_service)


def get_client(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> ClientRecord:
    """The API client the request authenticates as (401 problem otherwise)."""
    return cast(Authenticator, request.app.state.authenticator).authenticate(authorization)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
KeyStoreDep = Annotated[KeyStore, Depends(get_keystore)]
ClockDep = Annotated[Clock, Depends(get_clock)]
IssuerServiceDep = Annotated[IssuerService, Depends(get_issuer_service)]
ClientDep = Annotated[ClientRecord, Depends(get_client)]
