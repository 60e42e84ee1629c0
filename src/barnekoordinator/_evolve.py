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

import inspect
import operator
import types
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
        "getter",
        "init_names",
        "post_init",
        "setter",
        "setters",
        "validators",
    )

    def __init__(self, cls: type) -> None:
        fields = attrs.fields(cls)
        self.fields = {f.alias or f.name: f for f in fields}
        self.init_names = frozenset(self.fields)
        self.converters: dict[str, Callable[[Any], Any]] = {
            f.alias or f.name: f.converter for f in fields if f.converter is not None
        }
        self.validators = tuple((f, f.validator) for f in fields if f.validator is not None)
        self.post_init = getattr(cls, "__attrs_post_init__", None)
        self.dict_backed = "__slots__" not in cls.__dict__
        self.fallback = (
            not fields
            or any(not f.init for f in fields)
            or any(f.name != (f.alias or f.name) for f in fields)
            or any(
                not callable(c) or isinstance(c, attrs.Converter) for c in self.converters.values()
            )
        )
        # Slotted classes: every field read at once, and written through the slot
        # descriptors' setters (what attrs' own __init__ ends up calling).
        self.getter: Callable[[Any], Any] = operator.attrgetter(*(f.name for f in fields))
        self.setters: tuple[Callable[[Any, Any], None], ...] = ()
        self.setter: dict[str, Callable[[Any, Any], None]] = {}
        if not self.dict_backed and not self.fallback:
            descriptors = [inspect.getattr_static(cls, f.name, None) for f in fields]
            if all(isinstance(d, types.MemberDescriptorType) for d in descriptors):
                self.setters = tuple(d.__set__ for d in descriptors)
                self.setter = dict(zip((f.name for f in fields), self.setters, strict=True))
            else:  # pragma: no cover - attrs puts every field of a slotted class in a slot
                self.fallback = True


_LAYOUTS: dict[type, _Layout] = {}
_new = object.__new__
_set_dict = object.__setattr__


def _layout(cls: type) -> _Layout:
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = _Layout(cls)
    return layout


def _unknown(cls: type, layout: _Layout, changes: dict[str, Any]) -> TypeError:
    unknown = next(alias for alias in changes if alias not in layout.init_names)
    return TypeError(f"{cls.__name__} has no field {unknown!r}")


def evolve(inst: T, /, **changes: Any) -> T:
    """A copy of the attrs instance ``inst`` with ``changes`` (by init name)."""
    return copy_with(inst, changes)


def copy_with(inst: T, changes: dict[str, Any], /) -> T:
    """:func:`evolve` with the changes as a dict (which is not modified)."""
    cls = type(inst)
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _layout(cls)
    if layout.fallback:
        result: T = attrs.evolve(cast(Any, inst), **changes)
        return result
    if not changes.keys() <= layout.init_names:
        raise _unknown(cls, layout, changes)
    # Not a fallback, so every field's name is its init name.
    converters = layout.converters
    if converters:
        changes = {
            alias: convert(value) if (convert := converters.get(alias)) is not None else value
            for alias, value in changes.items()
        }
    new = _new(cls)
    if layout.dict_backed:
        state = inst.__dict__.copy()  # one C-level copy of every field
        state.update(changes)
        _set_dict(new, "__dict__", state)
        for field, validator in layout.validators:
            validator(new, field, state[field.name])
    else:
        for set_slot, value in zip(layout.setters, layout.getter(inst)):  # noqa: B905
            set_slot(new, value)
        setter = layout.setter
        for alias, value in changes.items():
            setter[alias](new, value)
        for field, validator in layout.validators:
            validator(new, field, getattr(new, field.name))
    if layout.post_init is not None:
        new.__attrs_post_init__()  # type: ignore[attr-defined]
    return new


def copier(cls: type[T]) -> Callable[[T, dict[str, Any]], T]:
    """A :func:`copy_with` specialised for instances of exactly ``cls``.

    Same semantics (converters, every validator, post-init); for the aggregates
    copied on every folded event, whose per-call overhead matters. Instances of
    subclasses go through :func:`copy_with`.
    """
    layout = _layout(cls)
    if layout.fallback or not layout.dict_backed or layout.converters or layout.post_init:
        return copy_with
    size = len(layout.fields)
    validators = layout.validators
    init_names = layout.init_names

    def copy(inst: T, changes: dict[str, Any], /) -> T:
        if type(inst) is not cls:
            return copy_with(inst, changes)
        state = inst.__dict__.copy()
        state.update(changes)
        # An unknown name would have added a key (the common case costs a len()).
        if len(state) != size and not changes.keys() <= init_names:
            raise _unknown(cls, layout, changes)
        new = _new(cls)
        _set_dict(new, "__dict__", state)
        for field, validator in validators:
            validator(new, field, state[field.name])
        return new

    return copy
