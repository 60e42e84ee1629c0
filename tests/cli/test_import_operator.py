"""``barnekoordinator import --operator LABEL``: the label is stored as the import's audit record's
``actor_label`` and shown to the family ("who has looked at our case", Min oversikt), so it is a
name or a job — never an identity number (issue 11).

Found by a sweep: ``--operator 23918800026`` was stored in clear (``import (23918800026)``) and
shown to the family, although a principal's ``display_label`` refuses six digits in a row. Now the
command refuses it before anything is read or opened (exit 2, one line, no store, no key), and so
does [`import_history()`][barnekoordinator.exchange.import_history] for library callers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from _cli_helpers import run_cli

from barnekoordinator.errors import InvalidInput
from barnekoordinator.exchange import import_history
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.exporters import into_casebook
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

NUMBER = synthetic_fodselsnummer(date(1988, 11, 23))
"""A synthetic (Tenor, month + 80) fødselsnummer given as the operator's label."""

LABELS = {
    "bare": NUMBER,
    "in a name": f"Kari ({NUMBER})",
    "split": f"{NUMBER[:6]} {NUMBER[6:]}",
    "in groups": f"{NUMBER[:4]}-{NUMBER[4:6]}-{NUMBER[6:9]}-{NUMBER[9:]}",
}


@pytest.fixture
def history(
    opened_case: str, people: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    """The opened case exported with its whole history (what ``import`` reads)."""
    target = tmp_path / "history.json"
    status, _, err = run_cli(
        capsys,
        "export", "--case", opened_case, "--principal", people["ke"], "--format", "fhir-r4",
        "--history", "--identifiers", "--output", str(target),
    )  # fmt: skip
    assert status == 0, err
    return target


def _shown(text: str) -> bool:
    """Whether ``text`` shows the number or a part of it that would identify it."""
    digits = "".join(c for c in text if c.isdigit())
    return NUMBER in digits or NUMBER[:6] in digits


@pytest.mark.parametrize("label", list(LABELS.values()), ids=list(LABELS))
def test_import_refuses_an_operator_label_holding_an_identity_number(
    history: Path,
    label: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit 2, one line naming --operator and not the label; no store and no key are made."""
    monkeypatch.delenv("BARNEKOORDINATOR_SEALING_KEY", raising=False)  # one would be made
    config = Path(tmp_path / "home" / "config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    fresh = tmp_path / "fresh.db"
    status, out, err = run_cli(
        capsys, "import", str(history), "--store", f"sqlite:{fresh}", "--operator", label
    )
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "--operator" in err
    assert not _shown(err)
    assert not fresh.exists()
    assert not config.exists() or not any(p.is_file() for p in config.rglob("*"))


def test_import_keeps_an_operator_label_that_is_a_name(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: a name is stored as the label, and the store holds no identity number."""
    fresh = tmp_path / "fresh.db"
    status, _, err = run_cli(
        capsys, "import", str(history), "--store", f"sqlite:{fresh}", "--operator", "Kari, arkiv"
    )
    assert status == 0, err
    store = SQLiteCaseStore(fresh)
    try:
        [case_id] = store.case_ids()
        [record] = store.read_audit(case_id)
    finally:
        store.close()
    assert record.actor_label == "import (Kari, arkiv)"


@pytest.mark.parametrize("label", list(LABELS.values()), ids=list(LABELS))
def test_import_history_refuses_the_label_and_stores_nothing(history: Path, label: str) -> None:
    """The library function behind ``--operator`` refuses it too, before anything is read."""
    store = InMemoryCaseStore()
    book = into_casebook(store)
    with pytest.raises(InvalidInput, match=r"^operator: ") as refused:
        import_history(book, history.read_bytes(), "fhir-r4", operator=label)
    assert not _shown(str(refused.value))
    assert store.case_ids() == []
