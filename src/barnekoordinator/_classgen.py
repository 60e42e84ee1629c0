"""Write the methods of the start-up path's value classes ahead of time (decision 36).

``python -m barnekoordinator._classgen`` imports each module of :data:`MODULES`, reads the
fields of every class it defines with ``barnekoordinator._classes.frozen``/``define``, and
writes ``barnekoordinator/_generated/<module>.py``: for each class, a function that returns
its ``__init__``, ``__repr__``, ``__eq__`` and ``__hash__`` (and, for a mutable class with
converters or validators, ``__setattr__``), written as attrs writes them. With ``--check``
it writes nothing and exits 1 when a file is not what it would write (CI runs that).

Run it after adding, removing or changing a field of such a class. Until then the class is
built by attrs at import, as a safe fallback (``_classes.BUILT_BY_ATTRS`` names it, and a
test fails).
"""

from __future__ import annotations

import importlib
import sys
import zlib
from pathlib import Path

from barnekoordinator._classes import GENERATED_PACKAGE, NOTHING, SPECS, Spec, fingerprint
from barnekoordinator._generating import write_or_check

MODULES = (
    "barnekoordinator.clock",
    "barnekoordinator.config",
    "barnekoordinator.legal_basis",
    "barnekoordinator.services",
    "barnekoordinator.texts",
    "barnekoordinator.rights.eligibility._facts",
    "barnekoordinator.rights.eligibility._results",
)


def _lines(items: list[str], indent: str) -> list[str]:
    return [f"{indent}{item}," for item in items]


def _init(spec: Spec) -> list[str]:
    params = []
    seen_default = False
    for name, f in spec.fields.items():
        if f.factory is not None:
            params.append(f"{name}=NOTHING")
        elif f.default is not NOTHING:
            params.append(f"{name}=_d_{name}")
        elif seen_default and not spec.kw_only:
            raise TypeError(f"{spec.cls.__qualname__}.{name}: no default after a default")
        else:
            params.append(name)
        seen_default = seen_default or f.factory is not None or f.default is not NOTHING
    head = ["self", *(["*"] if spec.kw_only else []), *params]
    body = ["    def __init__(", *_lines(head, "        "), "    ):"]
    for name, f in spec.fields.items():
        if f.factory is not None:
            body += [f"        if {name} is NOTHING:", f"            {name} = _f_{name}()"]
        value = f"_c_{name}({name})" if f.converter is not None else name
        body.append(f"        _setattr(self, {name!r}, {value})")
    if spec.cache_hash:
        body.append("        _setattr(self, '_bk_hash', None)")
    for name, f in spec.fields.items():
        for i in range(len(f.validators)):
            body.append(f"        _v_{name}_{i}(self, _r_{name}, self.{name})")
    if spec.post_init:
        body.append("        self.__attrs_post_init__()")
    return body


def _repr(spec: Spec) -> list[str]:
    shown = [name for name, f in spec.fields.items() if f.repr]
    parts = [f"{name}={{self.{name}!r}}" for name in shown]
    texts = [f'f"{part}, "' for part in parts[:-1]] + ([f'f"{parts[-1]})"'] if parts else [])
    head = "f\"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}(" + ('"' if parts else ')"')
    return [
        "    def __repr__(self):",
        "        return (",
        f"            {head}",
        *(f"            {text}" for text in texts),
        "        )",
    ]


def _eq(spec: Spec) -> list[str]:
    compared = [name for name, f in spec.fields.items() if f.eq]
    mine = [f"self.{name}" for name in compared]
    theirs = [f"other.{name}" for name in compared]
    body = [
        "    def __eq__(self, other):",
        "        if other.__class__ is not self.__class__:",
        "            return NotImplemented",
    ]
    if not mine:
        return [*body, "        return True"]
    return [
        *body,
        "        return (",
        *_lines(mine, "            "),
        "        ) == (",
        *_lines(theirs, "            "),
        "        )",
    ]


def _hash(spec: Spec) -> list[str]:
    if not spec.frozen:
        return []
    seed = zlib.crc32(f"{spec.cls.__module__}.{spec.cls.__qualname__}".encode())
    hashed = [f"self.{name}" for name, f in spec.fields.items() if f.eq]
    items = _lines([str(seed), *hashed], "    ")
    value = ["hash(", "    (", *(f"    {item}" for item in items), "    )", ")"]
    if not spec.cache_hash:
        return [
            "    def __hash__(self):",
            f"        return {value[0]}",
            *(f"        {line}" for line in value[1:]),
        ]
    return [
        "    def __hash__(self):",
        "        if self._bk_hash is None:",
        "            _setattr(",
        "                self,",
        '                "_bk_hash",',
        *(f"                {line}" for line in value[:-1]),
        "                ),",
        "            )",
        "        return self._bk_hash",
    ]


def _setattr_hook(spec: Spec) -> list[str]:
    hooked = {n: f for n, f in spec.fields.items() if f.converter is not None or f.validators}
    if spec.frozen or not hooked:
        return []
    body = ["    def __setattr__(self, name, value):"]
    for name, f in hooked.items():
        body.append(f"        if name == {name!r}:")
        if f.converter is not None:
            body.append(f"            value = _c_{name}(value)")
        for i in range(len(f.validators)):
            body.append(f"            _v_{name}_{i}(self, _r_{name}, value)")
    return [*body, "        _setattr(self, name, value)"]


def _factory(spec: Spec) -> list[str]:
    name = spec.cls.__qualname__
    lines = [
        "",
        "",
        f"def {name}(fields, cls):",
        f'    """The methods of {spec.cls.__module__}.{name} '
        f'({fingerprint(spec).split(";")[0]})."""',
    ]
    for field_name, f in spec.fields.items():
        lines.append(f"    f_{field_name} = fields[{field_name!r}]")
        if f.default is not NOTHING:
            lines.append(f"    _d_{field_name} = f_{field_name}.default")
        if f.factory is not None:
            lines.append(f"    _f_{field_name} = f_{field_name}.factory")
        if f.converter is not None:
            lines.append(f"    _c_{field_name} = f_{field_name}.converter")
        for i in range(len(f.validators)):
            lines.append(f"    _v_{field_name}_{i} = f_{field_name}.validators[{i}]")
        if f.validators:
            lines.append(f"    _r_{field_name} = FieldRef({field_name!r})")
    methods = [_init(spec), _repr(spec), _eq(spec), _hash(spec), _setattr_hook(spec)]
    returned = []
    for method in filter(None, methods):
        lines += ["", *method]
        method_name = method[0].removeprefix("    def ").split("(")[0]
        returned.append(f'"{method_name}": {method_name}')
    if not spec.frozen:
        returned.append('"__hash__": None')  # as attrs.define: mutable, so unhashable
    return [*lines, "", "    return {", *_lines(returned, "        "), "    }"]


def render(module_name: str) -> str:
    """The generated module for ``module_name``'s classes."""
    specs = SPECS.get(module_name, [])
    out = [
        f'"""Generated by ``python -m barnekoordinator._classgen`` from {module_name}: '
        "do not edit.",
        "",
        "Each function returns the methods of one class, as attrs would write them (decision 36).",
        '"""',
        "",
        "# ruff: noqa",
        "# mypy: ignore-errors",
        "",
        "from barnekoordinator._classes import NOTHING, FieldRef",
        "",
        "_setattr = object.__setattr__",
        "",
        "FINGERPRINTS = {",
        *_lines([f"{s.cls.__qualname__!r}: {fingerprint(s)!r}" for s in specs], "    "),
        "}",
    ]
    for spec in specs:
        out += _factory(spec)
    return "\n".join(out) + "\n"


def target(module_name: str) -> Path:
    """The generated file for ``module_name``."""
    package = importlib.import_module(GENERATED_PACKAGE)
    stem = module_name.removeprefix("barnekoordinator.").replace(".", "_")
    return Path(package.__path__[0]) / f"{stem}.py"


def main(argv: list[str] | None = None) -> int:
    """Write the generated modules; with ``--check`` only report drift (exit 1)."""
    args = sys.argv[1:] if argv is None else argv
    for module_name in MODULES:
        importlib.import_module(module_name)
    files = {target(name): render(name) for name in MODULES}
    return write_or_check(files, check="--check" in args, command="barnekoordinator._classgen")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
