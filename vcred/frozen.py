"""A faster ``__init__`` for the frozen, slotted dataclasses built on every verification.

A frozen dataclass's generated ``__init__`` stores each field through ``object.__setattr__``,
looked up anew for every field; verifying one credential builds a dozen such objects. The
``__init__`` made here stores each field through its slot descriptor instead — what
``object.__setattr__`` ends up calling — so the objects are the same (same fields, defaults,
equality, hash, repr, and still frozen: assignment after construction raises
``FrozenInstanceError``). Only plain fields are supported; anything else is refused at import.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any, TypeVar

__all__ = ["fast_init"]

T = TypeVar("T")
_NO_VALUE = object()  # stands for "argument not given" where a field has a default factory


def fast_init(cls: type[T]) -> type[T]:
    """Give the frozen, slotted dataclass ``cls`` an ``__init__`` that stores through its slots."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__")
    namespace: dict[str, Any] = {"_fi_none": _NO_VALUE}
    signature: list[str] = []
    body: list[str] = []
    for position, item in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]
        slot = cls.__dict__.get(item.name)
        if not item.init or item.kw_only or not isinstance(slot, types.MemberDescriptorType):
            raise TypeError(f"{cls.__name__}.{item.name} is not a plain slotted field")
        if item.name == "self" or item.name.startswith("_fi_"):
            raise TypeError(f"{cls.__name__}.{item.name}: reserved field name")
        setter = f"_fi_set{position}"
        namespace[setter] = slot.__set__
        if item.default is not dataclasses.MISSING:
            namespace[f"_fi_default{position}"] = item.default
            signature.append(f"{item.name}=_fi_default{position}")
            value = item.name
        elif item.default_factory is not dataclasses.MISSING:
            namespace[f"_fi_factory{position}"] = item.default_factory
            signature.append(f"{item.name}=_fi_none")
            value = f"_fi_factory{position}() if {item.name} is _fi_none else {item.name}"
        else:
            signature.append(item.name)
            value = item.name
        body.append(f"    {setter}(self, {value})")
    source = f"def __init__(self, {', '.join(signature)}):\n" + ("\n".join(body) or "    pass")
    exec(source, namespace)  # noqa: S102 - built only from the class's own field names
    init = namespace["__init__"]
    original = cls.__dict__["__init__"]
    init.__qualname__ = original.__qualname__
    init.__annotations__ = dict(original.__annotations__)
    init.__doc__ = original.__doc__
    setattr(cls, "__init__", init)  # noqa: B010 - mypy refuses assigning to __init__
    return cls
