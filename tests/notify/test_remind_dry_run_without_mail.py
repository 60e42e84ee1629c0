"""``barnekoordinator remind --dry-run`` needs no mail settings: it sends nothing.

``remind --dry-run --as-of DAY`` exited 2 ("the smtp plugin is not configured; give --option
smtp.host=… or --outbox-dir DIR") although a dry run "lists what is due; sends and changes
nothing" (sweep 2026-12-07). It now lists what is due from the store alone, and still changes
nothing: the outbox, the events and the audit trail are as they were.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from barnekoordinator._cli.remind import message_ref
from barnekoordinator.cli import main
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStatus
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

DAY = date(2026, 6, 1)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store whose outbox holds two messages due on DAY and one due later."""
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as store:
        store.add_outbox(
            [
                OutboxMessage(
                    key=f"meeting-called:case-1:meeting:m1:{who}:{not_before}",
                    case_id="case-1",
                    kind=OutboxKind.MEETING_CALLED,
                    recipient=who,
                    not_before=not_before,
                    on=date(2026, 6, 10),
                )
                for who, not_before in (("hs", DAY), ("mor", DAY), ("far", date(2026, 6, 5)))
            ]
        )
    return path


def _state(path: Path) -> tuple[object, ...]:
    """The outbox (key, status, attempts) and the stored bytes of the store's files."""
    with SQLiteCaseStore(path, read_only=True) as store:
        outbox = sorted((e.message.key, e.status, e.attempts) for e in store.outbox())
    files = sorted(
        (f.name, hashlib.sha256(f.read_bytes()).hexdigest())
        for f in path.parent.iterdir()
        if f.name.startswith(path.name) and not f.name.endswith(("-wal", "-shm"))
    )
    return (outbox, files)


@pytest.mark.parametrize("as_json", [False, True])
def test_a_dry_run_needs_no_mail_settings_and_changes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    """No --option smtp.…, no --outbox-dir: exit 0, the two messages due are listed, and the
    store is as it was (the third message is not yet due)."""
    before = _state(db)
    args = ["remind", "--lang", "en", "--store", f"sqlite:{db}", "--dry-run", "--as-of", str(DAY)]
    assert main([*args, "--json"] if as_json else args) == 0
    out = capsys.readouterr().out
    if as_json:
        lines = [json.loads(line) for line in out.splitlines()]
        with SQLiteCaseStore(db, read_only=True) as store:
            due = {e.message.key for e in store.outbox() if e.message.not_before <= DAY}
        assert {line["ref"] for line in lines} == {message_ref(key) for key in due}
        assert len(lines) == 2
    else:
        assert out.count("meeting-called") == 2
        assert "2 message(s) due" in out
    assert _state(db) == before
    with SQLiteCaseStore(db, read_only=True) as store:
        assert len(store.outbox(status=OutboxStatus.PENDING)) == 3
    # Sending still needs them: exit 2, one line, nothing sent.
    assert main(args[:-3] + args[-2:]) == 2
    err = capsys.readouterr().err
    assert "smtp" in err
    assert len(err.strip().splitlines()) == 1
    assert _state(db) == before
