"""Loading the eligibility, decision and complaint scenario tables (TOML, stdlib tomllib)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.rights.eligibility import EligibilityFacts
from barnekoordinator.rights.wire import facts_from_json

HERE = Path(__file__).parent
KE = {"ref": "ke-1", "role": "koordinerende enhet", "service": "koordinerende-enhet"}


def load(file: str, table: str) -> list[dict[str, Any]]:
    """The rows of ``table`` in ``file``."""
    with (HERE / file).open("rb") as fh:
        rows: list[dict[str, Any]] = tomllib.load(fh)[table]
    return rows


def params(rows: list[dict[str, Any]]) -> list[Any]:
    """One pytest parameter per row; the test id is the scenario name."""
    names = [row["name"] for row in rows]
    assert len(names) == len(set(names)), "scenario names must be unique"
    return [pytest.param(row, id=row["name"]) for row in rows]


def day(value: str | date) -> date:
    """A TOML date or ISO string as a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _isoformat(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _isoformat(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_isoformat(v) for v in value]
    return value


def facts_document(row: dict[str, Any]) -> dict[str, Any]:
    """The row's facts as an eligibility-facts.v1 document, with `judged` expanded."""
    document: dict[str, Any] = _isoformat(dict(row.get("facts", {})))
    judged = row.get("judged", {})
    if judged:
        author = row.get("judged_by", KE)
        on = str(row.get("judged_on", row["as_of"]))
        judgements = dict(document.get("judgements", {}))
        for term, conclusion in judged.items():
            judgements[term] = {"conclusion": conclusion, "author": author, "assessed_on": on}
        document["judgements"] = judgements
    return document


def facts(row: dict[str, Any]) -> EligibilityFacts:
    """The row's facts, validated through the public JSON schema."""
    return facts_from_json(facts_document(row))


def settings(row: dict[str, Any]) -> MunicipalSettings:
    """The row's municipal settings (defaults unless given)."""
    return MunicipalSettings.from_mapping(row.get("settings", {}))
