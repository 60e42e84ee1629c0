"""The translator's tool: extract, update, compile and check the gettext catalogues (decision 28).

``python -m barnekoordinator._i18n <command>``, with Babel (the ``i18n`` extra, in ``dev``):

``extract``
    Read the ``_N_("key", "bokmål")`` markers in the source into the template
    ``locale/barnekoordinator.pot`` (``pybabel extract -k _N_:1c,2``).
``update``
    Merge the template into each ``locale/<lang>/LC_MESSAGES/barnekoordinator.po``
    (``pybabel update``): a new or changed bokmål text arrives empty or fuzzy in nn, en and every
    extra language, to be translated. Bokmål is the source language: ``nb.po`` is filled from the
    msgids.
``compile``
    Write the ``.mo`` files the library reads at run time (``pybabel compile``); they are committed
    so a checkout, ``PYTHONPATH=src`` and an editable install work without a build step.
``check``
    Fail when the template is stale, a message lacks nb, nn or en (empty or fuzzy), a placeholder
    differs between languages, a key is defined twice or a ``.mo`` differs from its ``.po``; list
    what an extra language still lacks. ``--locale-dir DIR`` checks extra catalogues there too.
``absorb [MODULE[:NAME]]``
    Move the ``key: (nb, nn, en)`` entries (or ``key: Text``, as in the former ``texts.py``
    ``_CATALOGUE``) of a dict (default
    ``barnekoordinator._texts_edges:EDGE_TEXTS``) into the markers and the catalogues, then empty
    the dict in its source file.
``all``
    ``extract``, ``update`` and ``compile``.

Not imported by the library at run time.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import io
import json
import string
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from barnekoordinator.errors import InvalidInput
from barnekoordinator.texts import read_mo

DOMAIN: Final = "barnekoordinator"
PACKAGE: Final = Path(__file__).resolve().parent
LOCALE: Final = PACKAGE / "locale"
TEMPLATE: Final = LOCALE / f"{DOMAIN}.pot"
MARKERS: Final = PACKAGE / "_messages.py"
COMPLETE: Final = ("nb", "nn", "en")
_SOURCES: Final = (PACKAGE, PACKAGE.parent / "barnekoordinator_plugins")
_WIDTH: Final = 100


def placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a text (``{date}`` → ``"date"``)."""
    found: set[str] = set()
    for _literal, field, _spec, _conv in string.Formatter().parse(template):
        if field is not None:
            found.add(field.split(".")[0].split("[")[0])
    return frozenset(found)


def _marked_files() -> list[Path]:
    return sorted(
        path
        for root in _SOURCES
        for path in root.rglob("*.py")
        if path.name != "_i18n.py" and "_N_(" in path.read_text(encoding="utf-8")
    )


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])  # type: ignore[no-untyped-call]


def extract(output: Path | None = None) -> None:
    """Write the template (default ``locale/barnekoordinator.pot``) from the ``_N_`` markers."""
    output = output or TEMPLATE
    output.parent.mkdir(parents=True, exist_ok=True)
    _babel(
        "extract",
        "--no-default-keywords",
        "-k",
        "_N_:1c,2",
        "--add-location=never",
        "--omit-header",
        f"--width={_WIDTH}",
        "-o",
        str(output),
        *(str(p) for p in _marked_files()),
    )


def _po(code: str, locale: Path | None = None) -> Path:
    return (locale or LOCALE) / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=path.parent.parent.name, domain=DOMAIN)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=_WIDTH, no_location=True, omit_header=False)
    path.write_bytes(buf.getvalue())


def _languages(locale: Path | None = None) -> list[str]:
    return sorted(
        p.parent.parent.name for p in (locale or LOCALE).glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )


def update(fill: dict[str, dict[str, str]] | None = None) -> None:
    """Merge the template into every language's catalogue (``fill``: ``{lang: {key: text}}``)."""
    with TEMPLATE.open("rb") as f:
        template = read_po(f)
    for code in sorted({*COMPLETE, *_languages()}):
        path = _po(code)
        if path.exists():
            catalog = _read(path)
        else:
            catalog = Catalog(
                locale=code,
                domain=DOMAIN,
                project="barnekoordinator",
                copyright_holder="barnekoordinator contributors",
            )
        created = catalog.creation_date  # kept, so an update without changes changes no file
        catalog.update(template, no_fuzzy_matching=False)
        catalog.creation_date = created
        catalog.obsolete.clear()
        catalog.fuzzy = False  # the header: a fuzzy catalogue is not compiled
        given = (fill or {}).get(code, {})
        for message in catalog:
            if not message.id or not isinstance(message.context, str):
                continue
            new = message.id if code == "nb" else given.get(message.context)
            if new is not None:
                message.string = str(new)
                message.flags.discard("fuzzy")
        _write(path, catalog)


def compile_all() -> None:
    """Compile every ``.po`` into its ``.mo``."""
    _babel("compile", "-d", str(LOCALE), "-D", DOMAIN)


def _entries(catalog: Catalog) -> Iterable[Message]:
    return (m for m in catalog if m.id and not m.pluralizable)


def check(extra_dirs: Sequence[Path] = ()) -> tuple[list[str], list[str]]:
    """The catalogue's problems (errors) and what extra languages still lack (notes)."""
    errors: list[str] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.pot"
        extract(fresh)
        with fresh.open("rb") as f:
            wanted = read_po(f)
    with TEMPLATE.open("rb") as f:
        committed = read_po(f)
    keys = [(m.context, m.id) for m in _entries(wanted)]
    if keys != [(m.context, m.id) for m in _entries(committed)]:
        errors.append(f"{TEMPLATE.name} is stale: run `python -m barnekoordinator._i18n all`")
    errors += _duplicates(keys)
    sources = {str(m.context): str(m.id) for m in _entries(wanted)}
    for code in COMPLETE:
        errors += _check_language(code, LOCALE, sources, complete=True, notes=notes)
    for code in _languages():
        if code not in COMPLETE:
            errors += _check_language(code, LOCALE, sources, complete=False, notes=notes)
    for directory in extra_dirs:
        for code in _languages(directory):
            errors += _check_language(code, directory, sources, complete=False, notes=notes)
    from barnekoordinator._texts_edges import EDGE_TEXTS

    if EDGE_TEXTS:
        notes.append(
            f"{len(EDGE_TEXTS)} text(s) in _texts_edges.EDGE_TEXTS: run "
            "`python -m barnekoordinator._i18n absorb`"
        )
    return errors, notes


def _duplicates(keys: Sequence[tuple[object, object]]) -> list[str]:
    seen: dict[object, object] = {}
    errors = []
    for context, msgid in keys:
        if context in seen:
            errors.append(f"the key {context!r} is defined twice")
        seen[context] = msgid
    return errors


def _check_language(
    code: str, locale: Path, sources: dict[str, str], *, complete: bool, notes: list[str]
) -> list[str]:
    path = _po(code, locale)
    if not path.exists():
        return [f"{code}: no catalogue {path}"]
    catalog = _read(path)
    errors: list[str] = []
    translated: dict[str, str] = {}
    lacking: list[str] = []
    for key, source in sources.items():
        message = catalog.get(source, context=key)
        value = str(message.string) if message is not None and message.string else ""
        if message is None or not value or message.fuzzy:
            lacking.append(key)
            continue
        translated[key] = value
        if placeholders(value) != placeholders(source):
            errors.append(
                f"{code}: {key}: placeholders {sorted(placeholders(value))} differ from the "
                f"bokmål {sorted(placeholders(source))}"
            )
        if code == "nb" and value != source:
            errors.append(f"nb: {key}: msgstr differs from the msgid (bokmål is the source)")
    if lacking and complete:
        errors += [f"{code}: {key}: missing or fuzzy translation" for key in lacking]
    elif lacking:
        notes.append(f"{code}: incomplete, {len(lacking)} of {len(sources)} messages lack a text")
    mo = path.with_suffix(".mo")
    try:
        compiled = read_mo(mo) if mo.exists() else None
    except InvalidInput as exc:  # a malformed .mo: named, then compiled again like a stale one
        errors.append(f"{code}: {exc}")
        compiled = None
    if compiled != translated:
        errors.append(f"{code}: {mo.name} is stale: run `python -m barnekoordinator._i18n compile`")
    return errors


# --- absorb: `key: (nb, nn, en)` dicts into the catalogues ------------------------------------


def _literal(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def add_messages(entries: dict[str, tuple[str, str, str]], title: str) -> None:
    """Append markers for ``entries`` under ``title`` and put their texts in the catalogues."""
    lines = [f"# --- {title}", "# fmt: off"]
    lines += [f"_N_({_literal(key)}, {_literal(nb)})" for key, (nb, _nn, _en) in entries.items()]
    lines += ["# fmt: on", f"# --- end of {title}", ""]
    with MARKERS.open("a", encoding="utf-8") as f:
        f.write("\n" + "\n".join(lines))
    extract()
    update(
        {
            "nn": {key: nn for key, (_nb, nn, _en) in entries.items()},
            "en": {key: en for key, (_nb, _nn, en) in entries.items()},
        }
    )
    compile_all()


def absorb(spec: str = "barnekoordinator._texts_edges:EDGE_TEXTS") -> int:
    """Move the entries of the dict ``module:NAME`` into the catalogues; empty it in its source."""
    module_name, _, name = spec.partition(":")
    name = name or "EDGE_TEXTS"
    module = importlib.import_module(module_name)
    entries = {
        key: value if isinstance(value, tuple) else (value.nb, value.nn, value.en)
        for key, value in getattr(module, name).items()  # (nb, nn, en) or an old Text
    }
    if not entries:
        return 0
    add_messages(entries, f"absorbed from {module_name}.{name}")
    source_file = Path(str(module.__file__))
    source = source_file.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        target: ast.expr | None = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == name and isinstance(value, ast.Dict):
            lines = source.splitlines(keepends=True)
            start, end = value.lineno - 1, (value.end_lineno or value.lineno)
            head = lines[start][: value.col_offset]
            tail = lines[end - 1][value.end_col_offset or 0 :]
            source = "".join([*lines[:start], head + "{}" + tail, *lines[end:]])
            source_file.write_text(source, encoding="utf-8")
            break
    return len(entries)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status is 1 when ``check`` finds a problem."""
    parser = argparse.ArgumentParser(prog="python -m barnekoordinator._i18n")
    parser.add_argument(
        "command", choices=("extract", "update", "compile", "check", "absorb", "all")
    )
    parser.add_argument("source", nargs="?", default="barnekoordinator._texts_edges:EDGE_TEXTS")
    parser.add_argument("--locale-dir", action="append", type=Path, default=[])
    args = parser.parse_args(argv)
    if args.command in ("extract", "all"):
        extract()
    if args.command in ("update", "all"):
        update()
    if args.command in ("compile", "all"):
        compile_all()
    if args.command == "absorb":
        print(f"absorbed {absorb(args.source)} text(s)")
    if args.command == "check":
        errors, notes = check(args.locale_dir)
        for line in notes:
            print(f"note: {line}")
        for line in errors:
            print(f"error: {line}", file=sys.stderr)
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
