"""The value classes of the start-up path, built without importing attrs (decision 36).

The facts, results, settings, texts, references and services that ``barnekoordinator assess``
builds are attrs classes in what they mean: they are written as attrs classes (``frozen``,
``define``, ``field``, with attrs' arguments and semantics), mypy checks them through attrs'
own plugin, and ``attrs.fields()``, ``attrs.evolve()``, ``attrs.asdict()`` and cattrs work on
them. What differs is *when* their methods are made. attrs writes each class's ``__init__``,
``__eq__``, ``__hash__`` and ``__repr__`` as source text and compiles it at import, and
importing attrs itself costs about twice an empty Python's start-up; together that kept
``assess`` above its start-up target (issue 17, item 4).

Here the same methods are written ahead of time, by ``python -m barnekoordinator._classgen``,
into ``barnekoordinator._generated`` (checked in, compiled to bytecode like any module, and
checked to be current by ``_classgen --check`` in CI). :func:`frozen` and :func:`define` read
a class's fields, find its generated methods, and build the slotted class from them. The class's
``__attrs_attrs__`` (what ``attrs.fields()`` returns) is made on first use, by attrs, from the
same fields: attrs is imported then, and only then.

When a class has no generated methods, or its fields no longer match the ones the methods were
generated from (a field added and ``_classgen`` not run), the class is built by attrs exactly
as before, and its name is added to :data:`BUILT_BY_ATTRS`: slower to import, never wrong. A
test holds that list empty, and holds every generated class equal in behaviour to the class
attrs builds from the same fields.

Supported, because the classes on the path use it: ``kw_only``, ``cache_hash``, defaults,
``factory``, ``converter``, validators (``validator=`` or the ``@field.validator`` decorator;
they receive a [`FieldRef`][barnekoordinator._classes.FieldRef] with the field's ``name``
rather than attrs' ``Attribute``), ``repr=False``, ``eq=False``, ``metadata``,
``__attrs_post_init__``, a ``Generic`` base. Anything else (inheritance between such classes,
``order``, a class's own ``__init__``/``__eq__``/``__hash__``/``__repr__``, methods using
``super()``) is refused with a ``TypeError`` when the class is defined.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Final, TypeVar

__all__ = [
    "BUILT_BY_ATTRS",
    "NOTHING",
    "FieldRef",
    "define",
    "field",
    "field_names",
    "fields",
    "fingerprint",
    "frozen",
]

C = TypeVar("C", bound=type)


class _Nothing:
    """No default was given (attrs' ``NOTHING``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOTHING"


NOTHING: Final = _Nothing()

BUILT_BY_ATTRS: Final[list[str]] = []
"""``module.QualName`` of each class that had no current generated methods and went to attrs."""

GENERATED_PACKAGE: Final = "barnekoordinator._generated"

SPECS: Final[dict[str, list[Spec]]] = {}
"""Every class built here, by module, in the order defined (what ``_classgen`` reads)."""


class FieldRef:
    """What a validator receives as its second argument: the field's name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"FieldRef({self.name!r})"


class _Field:
    """One field as written in the class body (``field(...)`` or a plain default)."""

    __slots__ = ("converter", "default", "eq", "factory", "metadata", "repr", "validators")

    def __init__(
        self,
        *,
        default: Any = NOTHING,
        factory: Callable[[], Any] | None = None,
        converter: Callable[[Any], Any] | None = None,
        validator: Callable[..., Any] | None = None,
        repr: bool = True,
        eq: bool = True,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if default is not NOTHING and factory is not None:
            raise TypeError("give a field either a default or a factory, not both")
        self.default = default
        self.factory = factory
        self.converter = converter
        self.validators: list[Callable[..., Any]] = [] if validator is None else [validator]
        self.repr = repr
        self.eq = eq
        self.metadata = metadata or {}

    def validator(self, method: Callable[..., Any]) -> Callable[..., Any]:
        """Add ``method`` as a validator of this field (attrs' ``@x.validator``)."""
        self.validators.append(method)
        return method


def field(**kwargs: Any) -> Any:
    """A field with attrs' arguments (``default``, ``factory``, ``converter``, ``validator``,
    ``repr``, ``eq``, ``metadata``); ``eq=False`` leaves it out of ``==`` and the hash."""
    return _Field(**kwargs)


class Spec:
    """What a class's methods are generated from: its fields and its options."""

    __slots__ = ("cache_hash", "cls", "fields", "frozen", "kw_only", "post_init")

    def __init__(self, cls: type, *, frozen: bool, kw_only: bool, cache_hash: bool) -> None:
        if cache_hash and not frozen:
            raise TypeError(f"{cls.__qualname__}: cache_hash needs a frozen class")
        for base in cls.__mro__[1:-1]:
            if "__attrs_attrs__" in base.__dict__ or "_bk_spec" in base.__dict__:
                raise TypeError(f"{cls.__qualname__}: inheriting fields is not supported here")
        # Not inspect.get_annotations: inspect is not imported on the start-up path.
        annotations: dict[str, str] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
        self.fields: dict[str, _Field] = {}
        for name, annotation in annotations.items():
            if str(annotation).startswith(("ClassVar", "typing.ClassVar", "Final")):
                continue
            value = cls.__dict__.get(name, NOTHING)
            self.fields[name] = value if isinstance(value, _Field) else _Field(default=value)
        own = {"__init__", "__repr__", "__eq__", "__ne__", "__hash__", "__setattr__"}
        if own.intersection(cls.__dict__):  # (a class's own __eq__ sets __hash__ = None)
            names = ", ".join(sorted(own.intersection(cls.__dict__)))
            raise TypeError(f"{cls.__qualname__}: its own {names} is not supported here")
        for value in cls.__dict__.values():
            function = getattr(value, "__func__", value)
            if "__class__" in getattr(getattr(function, "__code__", None), "co_freevars", ()):
                raise TypeError(f"{cls.__qualname__}: a method using super() is not supported")
        self.cls = cls
        self.frozen = frozen
        self.kw_only = kw_only
        self.cache_hash = cache_hash
        self.post_init = "__attrs_post_init__" in cls.__dict__

    def members(self) -> dict[str, Any]:
        """The class's own members other than its fields (what a built class keeps)."""
        skip = {*self.fields, "__dict__", "__weakref__"}
        return {k: v for k, v in self.cls.__dict__.items() if k not in skip}


def fingerprint(spec: Spec) -> str:
    """The shape the generated methods depend on: options, and each field's name and kind."""
    options = f"{'frozen' if spec.frozen else 'define'}{',kw_only' * spec.kw_only}"
    options += f"{',cache_hash' * spec.cache_hash}{',post_init' * spec.post_init}"
    parts = [options]
    for name, f in spec.fields.items():
        kind = "=" if f.default is not NOTHING else "()" if f.factory is not None else ""
        parts.append(
            f"{name}{kind}{'>c' * (f.converter is not None)}{'!v' * len(f.validators)}"
            f"{'' if f.repr else '~r'}{'' if f.eq else '~e'}"
        )
    return ";".join(parts)


class _LazyFields:
    """``__attrs_attrs__``: attrs' ``Attribute`` tuple, made by attrs on first use."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def __get__(self, instance: object, owner: type) -> Any:
        made = _attrs_class(self.spec, {}).__attrs_attrs__
        type.__setattr__(owner, "__attrs_attrs__", made)
        return made


def _attrs_class(spec: Spec, namespace: dict[str, Any]) -> Any:
    """The class attrs builds from ``spec``'s fields, with ``namespace`` (from ``Spec.members``,
    or empty) as its other members."""
    import attrs

    body = dict(namespace)
    for name, f in spec.fields.items():
        body[name] = attrs.field(
            default=attrs.Factory(f.factory) if f.factory is not None else f.default,
            converter=f.converter,
            validator=list(f.validators) or None,
            repr=f.repr,
            eq=f.eq,
            metadata=f.metadata,
        )
    body["__annotations__"] = dict(spec.cls.__dict__.get("__annotations__", {}))  # noqa: RUF063
    for name in ("__orig_bases__", "__parameters__"):  # a Generic class
        if name in spec.cls.__dict__:
            body[name] = spec.cls.__dict__[name]
    body["__module__"] = spec.cls.__module__
    body["__qualname__"] = spec.cls.__qualname__
    shell = type(spec.cls)(spec.cls.__name__, spec.cls.__bases__, body)
    make = attrs.frozen if spec.frozen else attrs.define
    return make(shell, kw_only=spec.kw_only, cache_hash=spec.cache_hash)


def _methods(spec: Spec) -> dict[str, Any] | None:
    """The generated methods for ``spec``'s class, or None when there are none that match."""
    module_name = spec.cls.__module__.removeprefix("barnekoordinator.").replace(".", "_")
    try:
        module = importlib.import_module(f"{GENERATED_PACKAGE}.{module_name}")
    except ModuleNotFoundError:
        return None
    name = spec.cls.__qualname__
    if module.FINGERPRINTS.get(name) != fingerprint(spec):
        return None
    made: dict[str, Any] = getattr(module, name)(spec.fields, spec.cls)
    return made


def _build(spec: Spec) -> Any:
    SPECS.setdefault(spec.cls.__module__, []).append(spec)
    namespace = spec.members()
    methods = _methods(spec)
    if methods is None:
        BUILT_BY_ATTRS.append(f"{spec.cls.__module__}.{spec.cls.__qualname__}")
        return _attrs_class(spec, namespace)
    slots = [*spec.fields, "__weakref__"]
    if spec.cache_hash:
        slots.append("_bk_hash")
    namespace.update(methods)
    namespace["__slots__"] = tuple(slots)
    namespace["__match_args__"] = () if spec.kw_only else tuple(spec.fields)
    namespace["__attrs_attrs__"] = _LazyFields(spec)
    namespace["_bk_spec"] = spec
    if spec.frozen:
        namespace["__setattr__"] = _frozen_setattr
        namespace["__delattr__"] = _frozen_delattr
    namespace["__ne__"] = _ne
    namespace["__getstate__"] = _getstate
    namespace["__setstate__"] = _setstate
    return type(spec.cls)(spec.cls.__name__, spec.cls.__bases__, namespace)


def _ne(self: Any, other: object) -> Any:
    result = self.__eq__(other)
    return NotImplemented if result is NotImplemented else not result


def _frozen_setattr(self: object, name: str, value: object) -> None:
    from attrs.exceptions import FrozenInstanceError

    raise FrozenInstanceError


def _frozen_delattr(self: object, name: str) -> None:
    from attrs.exceptions import FrozenInstanceError

    raise FrozenInstanceError


def _getstate(self: Any) -> dict[str, Any]:
    return {name: getattr(self, name) for name in type(self)._bk_spec.fields}


def _setstate(self: Any, state: dict[str, Any]) -> None:
    spec: Spec = type(self)._bk_spec
    for name in spec.fields:
        if name in state:
            object.__setattr__(self, name, state[name])
    if spec.cache_hash:
        object.__setattr__(self, "_bk_hash", None)


def frozen(maybe_cls: C | None = None, *, kw_only: bool = False, cache_hash: bool = False) -> Any:
    """attrs' ``frozen``: a slotted class whose instances cannot change."""

    def wrap(cls: C) -> C:
        built: C = _build(Spec(cls, frozen=True, kw_only=kw_only, cache_hash=cache_hash))
        return built

    return wrap if maybe_cls is None else wrap(maybe_cls)


def define(maybe_cls: C | None = None, *, kw_only: bool = False) -> Any:
    """attrs' ``define``: a slotted class; converters and validators run on assignment too."""

    def wrap(cls: C) -> C:
        built: C = _build(Spec(cls, frozen=False, kw_only=kw_only, cache_hash=False))
        return built

    return wrap if maybe_cls is None else wrap(maybe_cls)


def field_names(cls: type) -> tuple[str, ...]:
    """The names of ``cls``'s fields, in order, without importing attrs (any attrs class)."""
    spec: Spec | None = cls.__dict__.get("_bk_spec")
    if spec is not None:
        return tuple(spec.fields)
    return tuple(a.name for a in cls.__attrs_attrs__)  # type: ignore[attr-defined]


def fields(cls: type) -> Any:
    """attrs' ``fields(cls)`` (imports attrs: not for the start-up path)."""
    import attrs

    return attrs.fields(cls)
