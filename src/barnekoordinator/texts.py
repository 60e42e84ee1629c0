"""Every user-facing text, read from gettext message catalogues (decision 28).

The texts live in gettext catalogues under ``barnekoordinator/locale/<lang>/LC_MESSAGES/``
(``barnekoordinator.po``, compiled to ``.mo``), so translators work with their own tools. Each
message has a stable dotted key as its ``msgctxt`` and the bokmål sentence as its ``msgid``
(bokmål is the source language); ``msgstr`` holds the text in the catalogue's language.
Placeholders are ``{name}`` (``python-brace-format``), filled by
[`Text.format()`][barnekoordinator.texts.Text.format] when the text is shown.

Bokmål (``nb``, the default), nynorsk (``nn``) and English (``en``) are complete, with **no
fallback**: the catalogue check (``python -m barnekoordinator._i18n check``, run by the tests)
fails when a message lacks one of them or a placeholder differs. More languages are catalogues,
not code: a ``<code>/LC_MESSAGES/barnekoordinator.mo`` in the package's ``locale`` directory or in
a directory named by the environment variable ``BARNEKOORDINATOR_LOCALE_PATH``
([`LOCALE_PATH_ENV`][barnekoordinator.texts.LOCALE_PATH_ENV]) makes ``Language("so")`` valid. Such
an extra language may be partial: a message it lacks is shown in bokmål, the legally authoritative
source text, and the check lists what is missing.

The compiled catalogues are read lazily, with the standard library only, the first time a text is
asked for, so importing this module costs nothing. How to add or translate a text:
``docs/how-to/translate.md``.
"""

from __future__ import annotations

import enum
import os
import re
import struct
from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from attrs import field, frozen
else:
    from barnekoordinator._classes import field, frozen

from barnekoordinator._texts_edges import EDGE_TEXTS
from barnekoordinator.errors import InvalidConfiguration, InvalidInput

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "LOCALE_PATH_ENV",
    "TEXTS",
    "Language",
    "Text",
    "language",
    "read_mo",
    "text",
    "texts_under",
]

LOCALE_PATH_ENV: Final = "BARNEKOORDINATOR_LOCALE_PATH"
"""Environment variable: extra locale directories (``os.pathsep``-separated) holding catalogues
of more languages as ``<code>/LC_MESSAGES/barnekoordinator.mo``."""

_DOMAIN: Final = "barnekoordinator"
# os.path, not pathlib: pathlib (with urllib.parse) costs every command 3 ms to start.
_LOCALE_DIR: Final = os.path.join(os.path.dirname(os.path.realpath(__file__)), "locale")
_COMPLETE: Final = ("nb", "nn", "en")
_CODE: Final = r"[a-z]{2,3}(_[A-Z]{2})?"
"""The form of an extra language's code (compiled on first use: only extra languages need it)."""


class Language(enum.StrEnum):
    """A language the texts exist in.

    The members are the three complete languages. ``Language(code)`` also accepts the code of an
    extra language whose catalogue is installed (see the module docs); such a value is a
    ``Language`` too, but is not listed when iterating over the class.
    """

    NB = "nb"
    """Bokmål (the default)."""
    NN = "nn"
    """Nynorsk."""
    EN = "en"
    """English."""

    @classmethod
    def _missing_(cls, value: object) -> Language | None:
        if isinstance(value, str) and value in _extra_languages():
            return _extra_member(cls, value)
        return None


@cache
def _extra_member(cls: type[Language], code: str) -> Language:
    member = str.__new__(cls, code)
    member._name_ = code.upper()
    member._value_ = code
    return member


def _locale_dirs() -> tuple[str, ...]:
    extra = os.environ.get(LOCALE_PATH_ENV, "")
    return (*(p for p in extra.split(os.pathsep) if p), _LOCALE_DIR)


def _catalogue_file(directory: str, code: str) -> str:
    return os.path.join(directory, code, "LC_MESSAGES", f"{_DOMAIN}.mo")


def _extra_languages() -> dict[str, str]:
    """Every extra language code with the catalogue it is read from (first directory wins)."""
    found: dict[str, str] = {}
    for directory in _locale_dirs():
        if not os.path.isdir(directory):
            continue
        for code in sorted(os.listdir(directory)):
            if code in _COMPLETE or code in found or not re.fullmatch(_CODE, code):
                continue
            if os.path.isfile(_catalogue_file(directory, code)):
                found[code] = _catalogue_file(directory, code)
    return found


def language(value: Language | str) -> Language:
    """Parse a language code, raising [`InvalidInput`][barnekoordinator.errors.InvalidInput] for
    anything but nb, nn, en and the extra languages whose catalogue is installed.
    """
    try:
        return Language(value)
    except ValueError:
        extra = "".join(f", {code!r}" for code in sorted(_extra_languages()))
        raise InvalidInput(
            f"unknown language {value!r}; expected 'nb', 'nn' or 'en'{extra}"
        ) from None


def read_mo(path: Path | str) -> dict[str, str]:
    """The messages of a compiled catalogue as ``{key: text}``, where the key is the msgctxt.

    The standard library's ``gettext.GNUTranslations`` looks messages up but cannot list them,
    and the catalogue is enumerated here (``TEXTS`` is a mapping), so the documented ``.mo``
    layout is read directly. Messages without a context (the header) are left out.

    Raises:
        InvalidConfiguration: naming the file — it cannot be read, is not a compiled gettext
            catalogue, is cut short or points past its end, holds text that is not UTF-8, or
            defines a key twice.
    """
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise InvalidConfiguration(
            f"catalogue {path}: cannot be read ({exc.strerror or 'unreadable'})"
        ) from None
    try:
        return _messages(data, str(path))
    except (struct.error, UnicodeDecodeError, OverflowError, MemoryError):
        raise InvalidConfiguration(
            f"catalogue {path}: not a compiled gettext catalogue (.mo): it is cut short, "
            "points past its end or holds text that is not UTF-8"
        ) from None


def _messages(data: bytes, where: str) -> dict[str, str]:
    """``read_mo()``'s work on the bytes; a malformed file raises ``struct.error`` (too short)
    or ``UnicodeDecodeError``, or ``InvalidConfiguration`` naming ``where``."""
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    if magic not in (0x950412DE, 0xDE120495):
        raise InvalidConfiguration(f"catalogue {where}: not a compiled gettext catalogue (.mo)")
    count, originals, translations = struct.unpack(order + "3I", data[8:20])
    # Each table is (length, offset) pairs, one a message: read whole, not pair by pair.
    o_table = struct.unpack_from(f"{order}{2 * count}I", data, originals)
    t_table = struct.unpack_from(f"{order}{2 * count}I", data, translations)
    size = len(data)
    found: dict[str, str] = {}
    # zip over the tables' slices, not indexing (a fifth of read_mo's time, on every start-up).
    pairs = zip(o_table[0::2], o_table[1::2], t_table[0::2], t_table[1::2], strict=True)
    for o_len, o_off, t_len, t_off in pairs:
        if o_off + o_len > size or t_off + t_len > size:  # a slice would be cut short silently
            raise struct.error("a message points past the end of the file")
        original = data[o_off : o_off + o_len].decode("utf-8")
        context, sep, _msgid = original.partition("\x04")
        if not sep:
            continue
        if context in found:
            raise InvalidConfiguration(f"catalogue {where}: the key {context!r} is defined twice")
        found[context] = data[t_off : t_off + t_len].decode("utf-8")
    return found


@cache
def _extra_catalogue(path: str) -> dict[str, str]:
    return read_mo(path)


@frozen(kw_only=True)
class Text:
    """One sentence or paragraph in bokmål, nynorsk and English (and any extra language)."""

    nb: str
    nn: str
    en: str
    key: str = field(default="", eq=False, repr=False)
    """The catalogue key (msgctxt) this text was read under; empty for a text made in code."""
    parts: tuple[tuple[Text, str], ...] = field(default=(), eq=False, repr=False)
    """For a [`join()`][barnekoordinator.texts.Text.join]ed text: the texts and separators."""

    def get(self, lang: Language | str = Language.NB) -> str:
        """The text in ``lang`` (``"nb"``, ``"nn"``, ``"en"`` or an installed extra language).

        An extra language's missing message is shown in bokmål; nb, nn and en have no fallback.
        """
        if lang == "nb":
            return self.nb
        if lang == "nn":
            return self.nn
        if lang == "en":
            return self.en
        code = language(lang).value
        if self.parts:
            return "".join(sep + part.get(code) for part, sep in self.parts)
        if self.key:
            path = _extra_languages().get(code)
            if path is None:  # the catalogue went away since Language(code) was made
                raise InvalidInput(f"no catalogue for language {code!r} any more")
            return _extra_catalogue(path).get(self.key) or self.nb
        return self.nb

    def format(self, lang: Language | str = Language.NB, **values: object) -> str:
        """The text in ``lang`` with its placeholders (``{date}``, ``{service}``) filled in."""
        template = self.get(lang)
        return template.format(**values) if values else template

    def join(self, other: Text, sep: str = " ") -> Text:
        """A new text: this one followed by ``other`` in each language."""
        mine = self.parts or ((self, ""),)
        return Text(
            nb=self.nb + sep + other.nb,
            nn=self.nn + sep + other.nn,
            en=self.en + sep + other.en,
            parts=(*mine, (other, sep)),
        )


def _load() -> dict[str, tuple[str, str, str, str]]:
    """Every text's words by key: ``(nb, nn, en, key)``, the catalogue key, or ``""`` for a text
    not yet absorbed into the catalogues."""
    nb, nn, en = (read_mo(_catalogue_file(_LOCALE_DIR, code)) for code in _COMPLETE)
    lacking = sorted((nb.keys() ^ nn.keys()) | (nb.keys() ^ en.keys()))
    if lacking:  # a packaging error: the catalogue check in the tests catches it first
        raise RuntimeError(f"texts missing from the nb, nn or en catalogue: {', '.join(lacking)}")
    twice = sorted(nb.keys() & EDGE_TEXTS.keys())
    if twice:
        raise RuntimeError(f"texts defined twice: {', '.join(twice)}")
    loaded = {key: (nb[key], nn[key], en[key], key) for key in nb}
    for key, (e_nb, e_nn, e_en) in EDGE_TEXTS.items():  # not yet absorbed (`_i18n absorb`)
        loaded[key] = (e_nb, e_nn, e_en, "")
    return loaded


@cache
def _loaded() -> dict[str, tuple[str, str, str, str]]:
    return _load()


_MADE: dict[str, Text] = {}
"""The texts made so far: one ``Text`` a key, made when first asked for (a command shows a few
dozen of the catalogue's hundreds)."""


def _made(key: str) -> Text:
    made = _MADE.get(key)
    if made is None:
        nb, nn, en, catalogued = _loaded()[key]
        # setdefault: when two threads make the same text, both get the one kept.
        made = _MADE.setdefault(key, Text(nb=nb, nn=nn, en=en, key=catalogued))
    return made


class _Texts(Mapping[str, Text]):
    """The catalogue, read on first use."""

    def __init__(self, prefix: str = "") -> None:
        self._prefix = prefix

    def __getitem__(self, key: str) -> Text:
        return _made(self._prefix + key)

    def __iter__(self) -> Iterator[str]:
        cut = len(self._prefix)
        return (key[cut:] for key in _loaded() if key.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._prefix + key in _loaded()


TEXTS: Final[Mapping[str, Text]] = _Texts()
"""Every catalogued text by key (read from the compiled catalogues on first use)."""


def texts_under(prefix: str) -> Mapping[str, Text]:
    """The texts whose key starts with ``prefix`` (``"overview."``), by the rest of the key."""
    return _Texts(prefix)


def text(key: str) -> Text:
    """The catalogued text with this key (a programming error if missing)."""
    return TEXTS[key]
