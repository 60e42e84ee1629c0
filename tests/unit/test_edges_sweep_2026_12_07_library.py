"""The edge sweep of 2026-12-07, in the library: extra-language catalogues, text files and the
Casebook's clock.

No command takes an extra language (``--lang`` is nb, nn or en), so a malformed catalogue under
``$BARNEKOORDINATOR_LOCALE_PATH`` is met where an application asks for a text: it must be an
``InvalidConfiguration`` naming the file, not ``struct.error``. Each test failed before its fix.
"""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from barnekoordinator import _i18n
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.edges import read_text
from barnekoordinator.errors import InvalidConfiguration, InvalidInput
from barnekoordinator.history.case import open_case
from barnekoordinator.people import Child
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator.testing.exporters import staff_principal
from barnekoordinator.texts import LOCALE_PATH_ENV, read_mo, text
from barnekoordinator_plugins.memory import InMemoryCaseStore

_MAGIC = struct.pack("<I", 0x950412DE)


def _past_the_end() -> bytes:
    """A header and one message whose original and translation lie past the file's end."""
    header = _MAGIC + struct.pack("<6I", 0, 1, 28, 36, 0, 0)
    return header + struct.pack("<4I", 5, 1000, 5, 2000)


def _bad_utf8() -> bytes:
    """One message whose text is not UTF-8."""
    body = b"k\x04x\x00\xff\xfe\x00"
    header = _MAGIC + struct.pack("<6I", 0, 1, 28, 36, 0, 0)
    return header + struct.pack("<4I", 3, 44, 2, 48) + body


CATALOGUES = {
    "so": _MAGIC + b"garbage",  # cut short: the header is not all there
    "se": b"",  # empty
    "sv": _past_the_end(),  # was read as empty texts, shown in bokmål without a word
    "fi": _bad_utf8(),
}


@pytest.mark.parametrize("code", sorted(CATALOGUES))
def test_a_malformed_extra_catalogue_is_named(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``text(...).get(code)`` raised ``struct.error`` (or fell back to bokmål for a table that
    points past the end); now ``InvalidConfiguration`` names the catalogue's file."""
    mo = tmp_path / code / "LC_MESSAGES" / "barnekoordinator.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(CATALOGUES[code])
    monkeypatch.setenv(LOCALE_PATH_ENV, str(tmp_path))
    with pytest.raises(InvalidConfiguration) as caught:
        text("cli.recorded").get(code)
    assert f"catalogue {mo}: not a compiled gettext catalogue (.mo)" in str(caught.value)
    with pytest.raises(InvalidConfiguration, match="not a compiled gettext catalogue"):
        read_mo(mo)


def test_an_unreadable_catalogue_is_named(tmp_path: Path) -> None:
    """A folder where the file should be: named, not ``IsADirectoryError``."""
    with pytest.raises(InvalidConfiguration, match=f"catalogue {tmp_path}: cannot be read"):
        read_mo(tmp_path)


def test_the_catalogue_check_names_a_malformed_compiled_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_i18n check`` lists a malformed ``.mo`` as an error instead of crashing."""
    po = tmp_path / "so" / "LC_MESSAGES" / "barnekoordinator.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    po.with_suffix(".mo").write_bytes(CATALOGUES["so"])
    errors, _notes = _i18n.check([tmp_path])
    assert any(e.startswith("so: catalogue ") and "not a compiled" in e for e in errors), errors


def test_read_text_drops_a_byte_order_mark_and_names_bad_bytes(tmp_path: Path) -> None:
    """The shared text reader: strict UTF-8, a leading byte-order mark ignored."""
    path = tmp_path / "id.txt"
    path.write_bytes(b"\xef\xbb\xbf12345\n")
    assert read_text(str(path), 64) == "12345\n"
    path.write_bytes(b"12\xff")
    with pytest.raises(
        InvalidInput, match=r"^--x FILE: not UTF-8 text \(invalid byte at offset 2\)"
    ):
        read_text(str(path), 64, "--x FILE")


@pytest.mark.parametrize(
    "now",
    [
        datetime(9999, 12, 31, 23, 30, tzinfo=UTC),  # year 10000 in Oslo
        datetime(9999, 6, 1, 12, tzinfo=UTC),
        datetime(2200, 1, 1, 12, tzinfo=UTC),
        datetime(1899, 12, 31, 12, tzinfo=UTC),
    ],
)
def test_a_casebook_clock_outside_the_supported_dates_is_a_configuration_error(
    now: datetime,
) -> None:
    """A clock near 9999-12-31 let ``register_undring`` reckon past Python's calendar: a raw
    ``OverflowError`` out of ``Casebook.execute`` (edge sweep, 2026-12-07). The Casebook's day
    is now held to the dates the library supports; nothing is stored."""
    store = InMemoryCaseStore()
    book = Casebook(
        store, clock=FixedClock(now), sealing=TEST_SEALING_KEY, subject_secret=b"s" * 32
    )
    with pytest.raises(InvalidConfiguration, match="clock: expected a day 1900-01-01 to 2199"):
        book.today()
    ke = staff_principal("ke", "KE, koordinerende enhet")
    child = Child(ref="barn", birth_date=date(2020, 1, 1))
    with pytest.raises(InvalidConfiguration):
        book.open_case(ke, open_case(municipality_number="0301", subject=child))
    assert store.read_all() == []
