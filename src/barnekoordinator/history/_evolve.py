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

[`maker()`][barnekoordinator.history._evolve.maker] and
[`copier()`][barnekoordinator.history._evolve.copier] compile, per class, what attrs' own
``__init__`` would do for the values the fold makes once per event; for a slotted class they set
the slots on the class's [`unfrozen()`][barnekoordinator.history._evolve.unfrozen] twin, which the
decoder's structure functions and envelopes use as well.

[`Draft`][barnekoordinator.history._evolve.Draft] and
[`DraftSteps`][barnekoordinator.history._evolve.DraftSteps] serve run evolvers (a concept's
``run_evolvers``): a run of events that add to or update one module's state is gathered in a draft
and copied once.
"""

from __future__ import annotations

import inspect
import itertools
import linecache
import operator
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

import attrs
from pyrsistent import pvector
from pyrsistent.typing import PVector

from barnekoordinator.errors import HistoryError

T = TypeVar("T")
StepT = TypeVar("StepT", bound=Callable[..., None])


_VECTOR: Any = type(pvector())
"""The runtime class of a persistent vector (``pyrsistent``'s C ``PVector``)."""

EMPTY: PVector[Any] = pvector()
"""The empty vector (immutable, so shared as every item field's default)."""


def vector(items: Iterable[Any]) -> PVector[Any]:
    """``items`` as a persistent vector (a vector is returned as it is).

    The converter of the append-only item fields (decision 29): a value built by hand
    with a tuple or a list gets a vector; the fold's copies, which already hold one,
    pay one type check.
    """
    if type(items) is _VECTOR:
        return cast("PVector[Any]", items)
    return pvector(items)


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
    """[`evolve()`][barnekoordinator.history._evolve.evolve] with the changes as a dict (which is
    not modified).
    """
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


def slot_setter(cls: type, name: str) -> Callable[[Any, Any], None] | None:
    """The ``__set__`` of the slot that holds the field ``name`` of ``cls`` (on it or a base)."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            slot = klass.__dict__[name]
            return slot.__set__ if isinstance(slot, types.MemberDescriptorType) else None
    return None


def unfrozen(cls: type[T]) -> type[T] | None:
    """The *unfrozen twin* of the slotted class ``cls``: a private subclass with no slot of its
    own and ``object``'s ``__setattr__``, so that code compiled for ``cls`` sets an instance's
    slots by plain assignment (the interpreter's own slot store, a fifth of a call to the slot's
    ``__set__``) and then gives it its class: ``made.__class__ = cls``.

    Python allows that assignment between classes of one layout, which a subclass with no slot
    of its own has; a probe on one instance checks it. The result is an instance of ``cls``
    itself, as if its slots had been set one by one: a twin is a step in making a value and is
    never seen outside the function that makes it. The caller sets every slot ``cls``'s
    ``__init__`` would (with what it would store) before the assignment.

    ``None`` (set the slots through their ``__set__``) for a class whose instances have a
    ``__dict__``, whose metaclass is not ``type``, that has an ``__init_subclass__`` of its own or
    a base's (making the twin would run it) or a ``__del__``, or that the probe refuses.

    Assigning ``__class__`` raises the ``object.__setattr__`` audit event (PEP 578): a process
    with an audit hook sees one per value made this way, and the functions that use a twin make
    the value the slower way if a hook refuses the assignment.
    """
    made = _UNFROZEN.get(cls, _NO_TWIN_YET)
    if made is _NO_TWIN_YET:
        made = _UNFROZEN[cls] = _make_unfrozen(cls)
    return cast("type[T] | None", made)


_NO_TWIN_YET: Any = object()
_UNFROZEN: dict[type, type | None] = {}
"""The [`unfrozen()`][barnekoordinator.history._evolve.unfrozen] twin of each class, made once."""


def _make_unfrozen(cls: type) -> type | None:
    if (
        type(cls) is not type
        or "__slots__" not in cls.__dict__
        or cls.__dictoffset__ != 0
        or any("__init_subclass__" in klass.__dict__ for klass in cls.__mro__[:-1])
        or hasattr(cls, "__del__")  # the probe below would be finalized half made
    ):
        return None
    twin = type(
        cls.__name__,
        (cls,),
        {
            "__slots__": (),
            # Both, so the interpreter stores slots itself: a class that defines either one in
            # Python has every assignment go through Python.
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": cls.__module__,
            "__qualname__": f"{cls.__qualname__}.<unfrozen>",
            "__doc__": f"The unfrozen twin of {cls.__qualname__} (history._evolve.unfrozen).",
        },
    )
    probe: Any = _new(twin)
    try:
        probe.__class__ = cls
    except Exception:  # another layout, or an audit hook refused it
        return None
    return twin


def stores_only(cls: object) -> bool:
    """An attrs class whose generated ``__init__`` only stores its arguments in their slots: no
    validator, converter, pre- or post-init hook, field left out of ``__init__``, alias, and no
    slot but the fields' (a cached hash has one). Its instances can be made by setting the
    slots, as that ``__init__`` does (decision 40)."""
    if not (isinstance(cls, type) and attrs.has(cls)):
        return False
    fields = attrs.fields(cls)
    init_file = getattr(getattr(cls.__init__, "__code__", None), "co_filename", "")
    slots = {name for klass in cls.__mro__ for name in klass.__dict__.get("__slots__", ())}
    slots.discard("__weakref__")
    return (
        "attrs generated" in init_file
        and not hasattr(cls, "__attrs_post_init__")
        and not hasattr(cls, "__attrs_pre_init__")
        and all(
            f.init
            and f.validator is None
            and f.converter is None
            and f.alias == f.name
            and slot_setter(cls, f.name) is not None
            for f in fields
        )
        and slots == {f.name for f in fields}
    )


_MADE_NAMES = itertools.count()


def _compiled(source: str, what: str, cls: type, scope: dict[str, Any]) -> Any:
    """The function ``source`` defines, compiled once with ``scope`` (shown in tracebacks)."""
    name = f"<barnekoordinator {what} {cls.__qualname__} {next(_MADE_NAMES)}>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    exec(compile(source, name, "exec"), scope)  # noqa: S102 - our own source, as attrs does
    return scope[what]


def maker(cls: type[T]) -> Callable[..., T]:
    """A function that makes an instance of the attrs class ``cls`` from its fields, by keyword,
    as ``cls(...)`` does, for the values the fold builds once per event.

    For a class whose ``__init__`` only stores its arguments
    ([`stores_only()`][barnekoordinator.history._evolve.stores_only]), the function sets the
    slots itself (about half of attrs' frozen ``__init__``, which goes through
    ``object.__setattr__`` by name), on the class's
    [`unfrozen()`][barnekoordinator.history._evolve.unfrozen] twin when it has one (each slot
    stored in a fifth of the time); a default is the field's own value. Any other class (a
    factory default, a validator) is returned as it is.
    """
    made = _MAKERS.get(cls)
    if made is None:
        made = _MAKERS[cls] = _make_maker(cls)
    return made


_MAKERS: dict[type, Callable[..., Any]] = {}


def _make_maker(cls: type[T]) -> Callable[..., T]:
    if not stores_only(cls):
        return cls
    fields = attrs.fields(cast(Any, cls))
    if any(isinstance(f.default, attrs.Factory) for f in fields):  # type: ignore[arg-type]
        return cls
    # The parameters are the fields' names, which never start with "_" here (attrs gives such
    # a field an alias without it, and stores_only() refuses aliases): every other name in the
    # function does, so no field can shadow it.
    twin = unfrozen(cls)
    scope: dict[str, Any] = {"_new": _new, "_cls": cls, "_twin": twin}
    params, body = [], []
    for i, f in enumerate(fields):
        if f.default is attrs.NOTHING:
            params.append(f.name)
        else:
            scope[f"_d{i}"] = f.default
            params.append(f"{f.name}=_d{i}")
        scope[f"_s{i}"] = slot_setter(cls, f.name)
        body.append(f"    _made.{f.name} = {f.name}" if twin else f"    _s{i}(_made, {f.name})")
    head = [
        f"def make(*, {', '.join(params)}):",
        f"    _made = _new({'_twin' if twin else '_cls'})",
    ]
    tail = ["    return _made"]
    if twin is not None:  # the instance becomes a cls (or, if refused, the class makes it)
        arguments = ", ".join(f"{f.name}={f.name}" for f in fields)
        tail = [
            "    try:",
            "        _made.__class__ = _cls",
            "    except Exception:",
            f"        return _cls({arguments})",
            *tail,
        ]
    source = "\n".join([*head, *body, *tail])
    made: Callable[..., T] = _compiled(source + "\n", "make", cls, scope)
    return made


def copier(cls: type[T]) -> Callable[[T, dict[str, Any]], T]:
    """A [`copy_with()`][barnekoordinator.history._evolve.copy_with] specialised for instances of
    exactly ``cls``.

    Same semantics (converters, every validator, post-init); for the aggregates
    copied on every folded event, whose per-call overhead matters. Instances of
    subclasses go through [`copy_with()`][barnekoordinator.history._evolve.copy_with].
    """
    made = _COPIERS.get(cls)
    if made is None:
        made = _COPIERS[cls] = _make_copier(cls)
    return made


_COPIERS: dict[type, Callable[[Any, dict[str, Any]], Any]] = {}
"""The [`copier()`][barnekoordinator.history._evolve.copier] of each class, made once."""


def _make_copier(cls: type[T]) -> Callable[[T, dict[str, Any]], T]:
    layout = _layout(cls)
    if not layout.dict_backed and stores_only(cls):
        return _slotted_copier(cls, layout)
    if layout.fallback or not layout.dict_backed or layout.post_init:
        return copy_with
    size = len(layout.fields)
    validators = layout.validators
    init_names = layout.init_names
    converters = layout.converters

    def copy(inst: T, changes: dict[str, Any], /) -> T:
        if type(inst) is not cls:
            return copy_with(inst, changes)
        state = inst.__dict__.copy()
        state.update(changes)
        if converters:
            for name in changes.keys() & converters.keys():
                state[name] = converters[name](state[name])
        # An unknown name would have added a key (the common case costs a len()).
        if len(state) != size and not changes.keys() <= init_names:
            raise _unknown(cls, layout, changes)
        new = _new(cls)
        _set_dict(new, "__dict__", state)
        for field, validator in validators:
            validator(new, field, state[field.name])
        return new

    return copy


def _slotted_copier(cls: type[T], layout: _Layout) -> Callable[[T, dict[str, Any]], T]:
    """The copier of a slotted class whose ``__init__`` only stores its arguments: every slot
    set from the instance, then each change (no converter or validator to run), in code
    compiled for the class rather than a loop over its fields; on the class's
    [`unfrozen()`][barnekoordinator.history._evolve.unfrozen] twin when it has one."""
    fields = attrs.fields(cast(Any, cls))
    twin = unfrozen(cls)
    scope: dict[str, Any] = {
        "_new": _new,
        "_cls": cls,
        "_twin": twin,
        "_copy_with": copy_with,
        "_setter": layout.setter,
        "_setattr": setattr,
        "_names": layout.init_names,
        "_unknown": _unknown,
        "_layout": layout,
    }
    body = []
    for i, f in enumerate(fields):
        scope[f"s{i}"] = layout.setter[f.name]
        body.append(
            f"    made.{f.name} = inst.{f.name}" if twin else f"    s{i}(made, inst.{f.name})"
        )
    if twin is None:
        made_as, change, tail = "_cls", "        _setter[name](made, value)", []
    else:  # the copy becomes a cls (or, if an audit hook refuses, is made the slower way)
        made_as, change = "_twin", "        _setattr(made, name, value)"
        tail = [
            "    try:",
            "        made.__class__ = _cls",
            "    except Exception:",
            "        return _copy_with(inst, changes)",
        ]
    source = "\n".join(
        [
            "def copy(inst, changes, /):",
            "    if inst.__class__ is not _cls:",
            "        return _copy_with(inst, changes)",
            "    if not changes.keys() <= _names:",
            "        raise _unknown(_cls, _layout, changes)",
            f"    made = _new({made_as})",
            *body,
            "    for name, value in changes.items():",
            change,
            *tail,
            "    return made",
        ]
    )
    made: Callable[[T, dict[str, Any]], T] = _compiled(source + "\n", "copy", cls, scope)
    return made


def last_index(items: Sequence[Any], item_id: str) -> int:
    """The index of the last item whose ``id`` is ``item_id``, or -1."""
    # Updates nearly always concern recent items (the latest meeting's minutes,
    # an active tiltak), so search from the end: replaying a long case must not
    # be quadratic in Python.
    for index in range(len(items) - 1, -1, -1):
        if items[index].id == item_id:
            return index
    return -1


class Draft(Generic[T]):
    """Changes to one frozen attrs value, gathered and then applied with one copy.

    For run evolvers (a concept's ``run_evolvers``): folding a run of events that each add to or
    update a tuple field of the same state would copy the state, and the ever longer tuple, once per
    event. A draft keeps what a run appends in a list per field and makes one copy at the end (with
    the class's [`copier()`][barnekoordinator.history._evolve.copier], so with
    [`copy_with()`][barnekoordinator.history._evolve.copy_with]'s semantics: every validator runs
    then, on the result); a run of one costs what a plain ``+ (item,)`` would. A tuple field is
    turned into a whole list only when an update concerns an item from before the run. A
    persistent-vector field (decision 29) is never copied whole: the run is appended with
    ``extend`` and an earlier item replaced with ``set``, both O(log n).
    """

    __slots__ = ("base", "changes", "lists", "tails")

    def __init__(self, base: T) -> None:
        self.base = base
        self.changes: dict[str, Any] = {}
        self.lists: set[str] = set()  # fields held in ``changes`` as whole lists
        self.tails: dict[str, list[Any]] = {}  # items appended after the field's value

    def append(self, name: str, item: Any) -> None:
        """Add ``item`` at the end of the tuple field ``name``."""
        if name in self.lists:
            self.changes[name].append(item)
            return
        tail = self.tails.get(name)
        if tail is None:
            self.tails[name] = [item]
        else:
            tail.append(item)

    def items(self, name: str) -> list[Any]:
        """The tuple field ``name`` as a list this draft may change in place."""
        if name in self.lists:
            found: list[Any] = self.changes[name]
            return found
        found = list(self._value(name))
        found.extend(self.tails.pop(name, ()))
        self.changes[name] = found
        self.lists.add(name)
        return found

    def get(self, name: str) -> Any:
        """The field ``name`` as changed so far (a list if `items()` took it)."""
        tail = self.tails.get(name)
        if not tail:
            return self._value(name)
        value = self._value(name)
        return value.extend(tail) if type(value) is _VECTOR else (*value, *tail)

    def set(self, name: str, value: Any) -> None:
        """Give the field ``name`` a new value."""
        self.tails.pop(name, None)
        self.lists.discard(name)
        self.changes[name] = value

    def replace_last(
        self, name: str, item_id: str, make: Callable[[Any], Any], missing: str
    ) -> None:
        """Replace the last item of the tuple field ``name`` whose ``id`` is ``item_id``.

        ``make`` gets the item and returns its replacement.

        Raises:
            HistoryError: there is no such item (``missing`` says which).
        """
        tail = self.tails.get(name)
        if tail:
            index = last_index(tail, item_id)
            if index >= 0:
                tail[index] = make(tail[index])
                return
        value = self._value(name)
        if type(value) is _VECTOR:
            # A vector field: replace the one item (O(log n), the rest shared).
            index = last_index(value, item_id)
            if index < 0:
                raise HistoryError(missing)
            self.changes[name] = value.set(index, make(value[index]))
            return
        items = self.items(name)
        index = last_index(items, item_id)
        if index < 0:
            raise HistoryError(missing)
        items[index] = make(items[index])

    def update_last(self, name: str, item_id: str, changes: dict[str, Any], missing: str) -> None:
        """`replace_last()` with a copy of the item with ``changes``."""
        self.replace_last(name, item_id, lambda item: copier(type(item))(item, changes), missing)

    def result(self) -> T:
        """``base`` with the changes (``base`` itself if there are none)."""
        if not self.changes and not self.tails:
            return self.base
        lists = self.lists
        final = {
            name: self._sequence(name, value) if name in lists else value
            for name, value in self.changes.items()
        }
        for name, tail in self.tails.items():
            value = self._value(name)
            # A vector field appends the run (O(log n) per item, the rest shared).
            final[name] = value.extend(tail) if type(value) is _VECTOR else (*value, *tail)
        copied: T = copier(type(self.base))(self.base, final)
        return copied

    def _sequence(self, name: str, items: list[Any]) -> Any:
        """``items`` as the kind of sequence the field ``name`` holds (vector or tuple)."""
        return pvector(items) if type(getattr(self.base, name)) is _VECTOR else tuple(items)

    def _value(self, name: str) -> Any:
        changes = self.changes
        return changes[name] if name in changes else getattr(self.base, name)


class DraftSteps(Generic[T]):
    """How each event class changes a [`Draft`][barnekoordinator.history._evolve.Draft] of one
    module's state.

    A module lists one step per event class (each called as
    ``step(case, draft, event)``) when it builds this value, and folds a run
    with `fold()`; `classes` are the classes its concept folds in
    runs (its ``Concept.run_evolvers``). The mapping is copied and frozen.
    """

    __slots__ = ("_steps",)

    def __init__(self, steps: Mapping[type, Callable[[Any, Draft[T], Any], None]]) -> None:
        self._steps: Mapping[type, Callable[[Any, Draft[T], Any], None]] = types.MappingProxyType(
            dict(steps)
        )

    @property
    def classes(self) -> tuple[type, ...]:
        """The event classes with a step."""
        return tuple(self._steps)

    def fold(self, case: Any, draft: Draft[T], run: Sequence[Any]) -> None:
        """Apply the steps of the recorded events ``run``, in order, to ``draft``."""
        steps = self._steps
        for recorded in run:
            event = recorded.event
            steps[type(event)](case, draft, event)
