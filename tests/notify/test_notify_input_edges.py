"""Malformed addresses and option values: a typed error naming the place, nothing claimed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from barnekoordinator.cli import main
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStatus
from barnekoordinator_plugins.notify import (
    Address,
    AddressFile,
    EmlFolder,
    NotifySettings,
    dispatch,
)
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
BAD = [
    "a@",
    "\\@",
    "<@",
    "a@[",
    "a@b,c@d",
    "æ@ø.no",
    "a@bærum.no",
    "a@b\u2028",
    # Past RFC 5321's limits, which the email package does not check (sweep, 2026-12-07).
    "x" * 65 + "@example.no",
    "a@" + "b" * 64 + ".no",
    "a@" + ".".join(["b" * 60] * 5) + ".no",
    "a@-example.no",
    "a@example-.no",
    "a@[127.0.0.1]",
]


def _message(who: str) -> OutboxMessage:
    return OutboxMessage(
        key=f"minutes-ready:case-1:{who}",
        case_id="case-1",
        kind=OutboxKind.MINUTES_READY,
        recipient=who,
        not_before=DAY,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store whose outbox holds two messages due on DAY."""
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as store:
        store.add_outbox([_message("hs"), _message("mor")])
    return path


def _remind(db: Path, out: Path, *options: str) -> list[str]:
    argv = ["remind", "--lang", "en", "--store", f"sqlite:{db}", "--outbox-dir", str(out)]
    argv += ["--as-of", str(DAY)]
    for option in options:
        argv += ["--option", option]
    return argv


def _untouched(db: Path) -> None:
    with SQLiteCaseStore(db, read_only=True) as store:
        pending = store.outbox(status=OutboxStatus.PENDING)
    assert len(pending) == 2
    assert all(e.attempts == 0 and e.claimed_until is None for e in pending)


@pytest.mark.parametrize("bad", BAD)
def test_a_malformed_address_in_the_book_is_refused_before_anything_is_claimed(
    db: Path, tmp_path: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, one line naming the entry's ref (never the address); the outbox is untouched."""
    book = tmp_path / "addresses.json"
    book.write_text(json.dumps({"hs": "hs@example.no", "mor": bad}), encoding="utf-8")
    with pytest.raises(InvalidConfiguration, match="entry 'mor'"):
        AddressFile(book)
    out = tmp_path / "eml"
    assert main(_remind(db, out, f"smtp.addresses={book}")) == 2
    err = capsys.readouterr().err
    assert "entry 'mor'" in err
    assert bad not in err
    assert "Traceback" not in err
    assert "unexpected" not in err
    assert len(err.strip().splitlines()) == 1
    _untouched(db)
    assert not out.exists() or not list(out.glob("*.eml"))


@pytest.mark.parametrize("bad", ["varsel@bærum.kommune.no", "a@", "a@[", "\\@"])
def test_a_malformed_from_address_is_refused_before_anything_is_claimed(
    db: Path, tmp_path: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-ASCII or malformed ``smtp.from_address`` is exit 2 on the EmlFolder path too."""
    book = tmp_path / "addresses.json"
    book.write_text(json.dumps({"hs": "hs@example.no", "mor": "mor@example.no"}))
    out = tmp_path / "eml"
    argv = _remind(db, out, f"smtp.addresses={book}", f"smtp.from_address={bad}")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "from_address" in err
    assert "Traceback" not in err
    assert "unexpected" not in err
    assert len(err.strip().splitlines()) == 1
    _untouched(db)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_a_line_separator_in_an_option_is_refused(
    db: Path, tmp_path: Path, separator: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """U+2028/U+2029 are refused where control characters are: exit 2, one line."""
    argv = _remind(db, tmp_path / "eml", f"smtp.service_name=a{separator}b")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "service_name" in err
    assert "Traceback" not in err
    assert "unexpected" not in err
    assert len(err.strip().splitlines()) == 1
    _untouched(db)


class _Book:
    """A vendor's address book that hands out an address the email package cannot take."""

    def address(self, ref: str) -> Address | None:
        return Address("a@" if ref == "mor" else f"{ref}@example.no")


def test_a_letter_that_cannot_be_built_is_undeliverable_and_the_run_goes_on(
    db: Path, tmp_path: Path
) -> None:
    """The other message is sent; the unbuildable one is settled once, with a typed reason."""
    out = tmp_path / "eml"
    with SQLiteCaseStore(db) as store:
        report = dispatch(
            store, sender=EmlFolder(out), book=_Book(), settings=NotifySettings(), now=NOW
        )
        assert report.count(OutboxStatus.SENT) == 1
        assert report.count(OutboxStatus.UNDELIVERABLE) == 1
        (failed,) = store.outbox(status=OutboxStatus.UNDELIVERABLE)
        assert failed.message.recipient == "mor"
        assert "cannot be built (IndexError)" in failed.note
        assert len(store.outbox(status=OutboxStatus.SENT)) == 1
        assert not store.outbox(status=OutboxStatus.PENDING)
    assert len(list(out.glob("*.eml"))) == 1
