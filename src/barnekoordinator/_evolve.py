"""A faster ``attrs.evolve`` for the fold's hot path (replay speed, issue 2).

Replaying a long case copies the case and its nested state once or more per
event, and ``attrs.evolve`` spends most of its time in a generic per-field loop.
This version caches each class's layout and copies slots directly, with the
same semantics as the generated ``__init__``:

* a changed value goes through the field's converter, if it has one
  (unchanged values were converted when they were first set);
* **every** validator runs after all slots are set, as attrs' own ``__init__``
  does, so invariants are still checked on every transition;
* ``__attrs_post_init__`` runs if the class has one.

Aggregates that are copied on every event (``Case``, the stafettlogg state) are
dict-backed attrs classes (``slots=False``): their copy is one C-level dict
copy, whatever their number of fields. Slotted classes are copied slot by slot.
Classes with fields excluded from ``__init__`` or converters that take
``self`` go through ``attrs.evolve``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import attrs

T = TypeVar("T")


class _Layout:
    __slots__ = (
        "converters",
        "dict_backed",
        "fallback",
        "fields",
        "names",
        "post_init",
        "validators",
    )

    def __init__(self, cls: type) -> None:
        fields = attrs.fields(cls)
        self.fields = {f.alias or f.name: f for f in fields}
        self.names = tuple((f.name, f.alias or f.name) for f in fields)
        self.converters: dict[str, Callable[[Any], Any]] = {
            f.alias or f.name: f.converter for f in fields if f.converter is not None
        }
        self.validators = tuple((f, f.validator) for f in fields if f.validator is not None)
        self.post_init = getattr(cls, "__attrs_post_init__", None)
        self.dict_backed = "__slots__" not in cls.__dict__
        self.fallback = (
            any(not f.init for f in fields)
            or any(f.name != (f.alias or f.name) for f in fields)
            or any(
                not callable(c) or isinstance(c, attrs.Converter) for c in self.converters.values()
            )
        )


_LAYOUTS: dict[type, _Layout] = {}


def evolve(inst: T, /, **changes: Any) -> T:
    """A copy of the attrs instance ``inst`` with ``changes`` (by init name)."""
    cls = type(inst)
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = _Layout(cls)
    if layout.fallback:
        result: T = attrs.evolve(cast(Any, inst), **changes)
        return result
    fields = layout.fields
    for alias in changes:
        if alias not in fields:
            raise TypeError(f"{cls.__name__} has no field {alias!r}")
    new = object.__new__(cls)
    converters = layout.converters
    if layout.dict_backed:
        state = new.__dict__
        state.update(inst.__dict__)  # one C-level copy of every field
        for alias, value in changes.items():
            convert = converters.get(alias)
            state[alias] = convert(value) if convert is not None else value
        for field, validator in layout.validators:
            validator(new, field, state[field.name])
        if layout.post_init is not None:
            new.__attrs_post_init__()  # type: ignore[attr-defined]
        return new
    setattr_ = object.__setattr__
    for name, alias in layout.names:
        if alias in changes:
            value = changes[alias]
            convert = converters.get(alias)
            setattr_(new, name, convert(value) if convert is not None else value)
        else:
            setattr_(new, name, getattr(inst, name))
    for field, validator in layout.validators:
        validator(new, field, getattr(new, field.name))
    if layout.post_init is not None:
        new.__attrs_post_init__()  # type: ignore[attr-defined]
    return new
