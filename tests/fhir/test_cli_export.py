"""``barnekoordinator export`` and ``import`` on real SQLite files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from barnekoordinator.cli import main
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load
from barnekoordinator.testing.exporters import into_casebook, rich_case
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

Check = Callable[[dict[str, Any]], None]
"""The ``check_bundle`` fixture's type."""


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, Path]:
    """A SQLite store with the rich case, its sealing key in the environment, a principal file."""
    run = rich_case()
    db = tmp_path / "db" / "cases.db"
    db.parent.mkdir()
    store = SQLiteCaseStore(db)
    into_casebook(store, run)
    store.close()
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY", TEST_SEALING_KEY.to_text())
    monkeypatch.setenv("BARNEKOORDINATOR_SUBJECT_SECRET", "exporter-contract-secret-32bytes")
    principal = tmp_path / "ke.json"
    principal.write_text(
        json.dumps(
            {
                "subject": "ke",
                "display_label": "Siri, koordinerende enhet",
                "assurance": "high",
                "roles": ["koordinerende-enhet"],
                "municipality_number": "0301",
            }
        )
    )
    return f"sqlite:{db}", run.case.id, principal


def test_export_writes_a_valid_bundle_and_import_restores_the_case(
    stored: tuple[str, str, Path], tmp_path: Path, check_bundle: Check
) -> None:
    url, case_id, principal = stored
    out = tmp_path / "case.json"
    args = ["export", "--store", url, "--case", case_id, "--principal", str(principal)]
    assert (
        main([*args, "--format", "fhir-r4", "--output", str(out), "--identifiers", "--history"])
        == 0
    )
    check_bundle(json.loads(out.read_bytes()))
    assert main([*args, "--format", "fhir-r4", "--output", str(out)]) == 2  # never overwritten
    fresh = tmp_path / "fresh.db"
    assert main(["import", str(out), "--store", f"sqlite:{fresh}", "--operator", "test"]) == 0
    restored = SQLiteCaseStore(fresh)
    original = SQLiteCaseStore(Path(url.removeprefix("sqlite:")))
    try:
        assert back_office_load(restored, case_id) == back_office_load(original, case_id)
        assert restored.read_audit(case_id)[0].action == "import"
    finally:
        restored.close()
        original.close()


def test_export_for_a_service_and_unknown_format(
    stored: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, case_id, principal = stored
    args = ["export", "--store", url, "--case", case_id, "--principal", str(principal)]
    assert main([*args, "--format", "fhir-r4-document", "--for", "helsestasjon"]) == 0
    bundle = json.loads(capsys.readouterr().out)
    assert bundle["type"] == "document"
    assert main([*args, "--format", "archive-nope"]) == 2
    assert "known:" in capsys.readouterr().err


def test_import_refuses_a_scoped_bundle_and_stores_nothing(
    stored: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, case_id, principal = stored
    out = tmp_path / "scoped.json"
    args = ["export", "--store", url, "--case", case_id, "--principal", str(principal)]
    assert main([*args, "--format", "fhir-r4", "--output", str(out)]) == 0
    fresh = tmp_path / "fresh.db"
    assert main(["import", str(out), "--store", f"sqlite:{fresh}"]) == 2
    assert "$.meta.tag" in capsys.readouterr().err
    assert not fresh.exists()  # the file is read and refused before the store is made


def test_a_refused_import_makes_no_store_and_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by the fifth sweep: a refused file still made an empty store and a new sealing
    key in the user's configuration folder, and said so on a second line."""
    monkeypatch.delenv("BARNEKOORDINATOR_SEALING_KEY", raising=False)
    monkeypatch.setenv("BARNEKOORDINATOR_SUBJECT_SECRET", "exporter-contract-secret-32bytes")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    assert main(["import", str(bad), "--store", f"sqlite:{fresh}", "--operator", "t"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "expected a FHIR Bundle" in err
    assert not fresh.exists()
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.key"))
