"""FastAPI dependencies: what a route may ask for, as ``Annotated`` aliases.

Everything comes from ``app.state`` (set once by :func:`issuer.app.create_app`): the settings,
the store, the key store and the clock. Nothing here keeps state of its own, so any number of
workers behave like one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, cast

from fastapi import Depends, Request

from issuer.keystore import KeyStore
from issuer.settings import Settings
from issuer.store import Store

__all__ = [
    "ClockDep",
    "KeyStoreDep",
    "SettingsDep",
    "StoreDep",
    "get_clock",
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


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
KeyStoreDep = Annotated[KeyStore, Depends(get_keystore)]
ClockDep = Annotated[Clock, Depends(get_clock)]
