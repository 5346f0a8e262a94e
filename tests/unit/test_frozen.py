"""``fast_init`` gives frozen, slotted dataclasses a faster ``__init__`` that builds the very same
objects: same fields, defaults and default factories, equality and repr, still frozen."""

from __future__ import annotations

import copy
import dataclasses
import inspect
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcred.credential.model import CredentialInfo
from vcred.formats.base import Envelope, SecuredCredential, VerifyContext
from vcred.frozen import fast_init
from vcred.jose.claims import JwtTimes
from vcred.jose.jws import CompactJws
from vcred.jose.vc_jwt import VerifiedJwt
from vcred.status.checker import StatusOutcome
from vcred.status.entry import StatusEntry
from vcred.trust import TrustDecision
from vcred.verify.result import CheckResult, VerificationResult

FAST_CLASSES = [
    CheckResult,
    CredentialInfo,
    VerificationResult,
    StatusOutcome,
    StatusEntry,
    Envelope,
    VerifyContext,
    SecuredCredential,
    VerifiedJwt,
    JwtTimes,
    CompactJws,
    TrustDecision,
]


@dataclasses.dataclass(frozen=True, slots=True)
class Reference:
    a: Any
    b: Any = None
    c: Any = dataclasses.field(default_factory=dict)
    d: tuple[Any, ...] = ()


@fast_init
@dataclasses.dataclass(frozen=True, slots=True)
class Fast:
    a: Any
    b: Any = None
    c: Any = dataclasses.field(default_factory=dict)
    d: tuple[Any, ...] = ()


values = st.none() | st.integers() | st.text(max_size=5) | st.tuples(st.integers())


@given(
    st.lists(values, min_size=1, max_size=4),
    st.dictionaries(st.sampled_from("bcd"), values, max_size=3),
)
def test_builds_what_the_dataclass_init_builds(args: list[Any], kwargs: dict[str, Any]) -> None:
    kwargs = {k: v for k, v in kwargs.items() if "abcd".index(k) >= len(args)}
    ref, fast = Reference(*args, **kwargs), Fast(*args, **kwargs)
    assert dataclasses.astuple(ref) == dataclasses.astuple(fast)
    assert repr(fast) == repr(ref).replace("Reference", "Fast", 1)
    assert fast == Fast(*args, **kwargs)


def test_refuses_what_the_dataclass_init_refuses() -> None:
    for bad in ((), (1, 2, 3, 4, 5)):
        with pytest.raises(TypeError):
            Fast(*bad)
    with pytest.raises(TypeError):
        Fast(1, a=2)
    with pytest.raises(TypeError):
        Fast(1, e=2)


def test_default_factories_make_fresh_values() -> None:
    first, second = Fast(1), Fast(1)
    assert first.c == {} and first.c is not second.c
    marker: dict[str, int] = {}
    assert Fast(1, c=marker).c is marker


def test_objects_stay_frozen_and_copyable() -> None:
    fast = Fast(1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.a = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del fast.b  # type: ignore[misc]
    assert copy.deepcopy(fast) == fast
    assert dataclasses.replace(fast, b=5) == Fast(1, 5)


@pytest.mark.parametrize("cls", FAST_CLASSES)
def test_library_classes_keep_their_signature(cls: type[Any]) -> None:
    params = list(inspect.signature(cls).parameters.values())
    fields = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fields]
    for param, item in zip(params, fields, strict=True):
        if item.default is not dataclasses.MISSING:
            assert param.default is item.default
        elif item.default_factory is dataclasses.MISSING:
            assert param.default is inspect.Parameter.empty
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_refuses_classes_it_cannot_speed_up() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordOnly:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class PostInit:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True, slots=True)
    class Reserved:
        _fi_set0: int

    for cls in (NoSlots, NotFrozen, KeywordOnly, PostInit, Reserved, int):
        with pytest.raises(TypeError):
            fast_init(cls)
