"""Where a recipient's e-mail goes: the address book protocol and its JSON file."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from typing import Final, Protocol, runtime_checkable

import attrs

from barnekoordinator.edges import file_name, read_file, read_json
from barnekoordinator.errors import InvalidConfiguration, InvalidInput, SchemaViolation
from barnekoordinator.texts import Language
from barnekoordinator_plugins.notify._settings import is_email_address

__all__ = ["MAX_ADDRESS_BOOK", "Address", "AddressBook", "AddressFile"]

MAX_ADDRESS_BOOK: Final = 16 << 20
"""The longest address book read, in bytes (16 MiB: well over 100,000 entries)."""


@attrs.frozen
class Address:
    """A recipient's e-mail address and the language their messages are written in."""

    email: str
    lang: Language = Language.NB


@runtime_checkable
class AddressBook(Protocol):
    """Resolves a recipient ref (a participant or principal ref in a case) to an address."""

    def address(self, ref: str) -> Address | None:
        """The address of ``ref``, or ``None`` when none is known (the message is then
        recorded as undeliverable)."""
        ...


class AddressFile:
    """An [`AddressBook`][barnekoordinator_plugins.notify.AddressBook] read from a JSON file.

    The file maps refs to an address, or to ``{"email": …, "lang": "nb"|"nn"|"en"}``::

        {"kari-helsesykepleier": "kari@kommune.no",
         "mor": {"email": "mor@example.no", "lang": "nn"}}

    Read once, when made: a regular file of at most 16 MiB (``MAX_ADDRESS_BOOK`` bytes) of
    UTF-8 JSON (read strictly, as [`read_json()`][barnekoordinator.edges.read_json] does).

    Raises:
        InvalidConfiguration: the file is missing, unreadable, no regular file, longer than
            that, or not such an object (the message names ``smtp addresses`` and the file).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        shown = os.fspath(path)
        where = f"smtp addresses {shown!r}"
        try:
            regular = stat.S_ISREG(os.stat(file_name(shown, where, InvalidConfiguration)).st_mode)
        except OSError as exc:
            raise InvalidConfiguration(f"{where}: cannot be read ({exc.strerror})") from None
        if not regular:
            # A device or a pipe could be endless (/dev/zero), or block the run (a FIFO).
            raise InvalidConfiguration(f"{where}: expected a regular file")
        try:
            data = read_json(read_file(shown, MAX_ADDRESS_BOOK, where), where)
        except InvalidConfiguration:
            raise
        except SchemaViolation as exc:
            raise InvalidConfiguration(
                f"{where}: expected a JSON object of refs",
                problems=[f"at {path}: {problem}" for path, problem in exc.problems],
            ) from None
        except InvalidInput as exc:  # unreadable, too long, not UTF-8 or not JSON
            raise InvalidConfiguration(str(exc)) from None
        self._book = _book(shown, data)

    def address(self, ref: str) -> Address | None:
        """The address of ``ref``, or ``None``."""
        return self._book.get(ref)


def _book(shown: str, data: object) -> Mapping[str, Address]:
    if not isinstance(data, dict):
        raise InvalidConfiguration(f"smtp addresses {shown!r}: expected a JSON object of refs")
    book: dict[str, Address] = {}
    for ref, value in data.items():
        entry = value if isinstance(value, dict) else {"email": value}
        email, lang = entry.get("email"), entry.get("lang", "nb")
        if not isinstance(email, str) or "@" not in email:
            raise InvalidConfiguration(
                f"smtp addresses {shown!r}: entry {ref!r} has no e-mail address"
            )
        if not is_email_address(email):
            # Checked here, before anything is claimed: the email package crashes on some
            # malformed addresses. The message names the entry's ref, never the address.
            raise InvalidConfiguration(
                f"smtp addresses {shown!r}: entry {ref!r} is not a plain ASCII e-mail address "
                "(local@domain)"
            )
        if lang not in ("nb", "nn", "en"):
            raise InvalidConfiguration(
                f"smtp addresses {shown!r}: entry {ref!r}: lang must be nb, nn or en"
            )
        book[str(ref)] = Address(email, Language(lang))
    return book
