"""`barnekoordinator demo --lang nn` prints nynorsk throughout (issue 16 item 5).

Every line the demo prints in words is a ``demo.*`` catalogue text in the run's language: the
chapter headings, the story's lines and the library's own texts. Only the machine's codes
(``evaluation-due``), ids, dates and file paths stay as they are, and so does the case text the
people in the story write themselves (their tiltak, observations, minutes): neither bokmål-only
nor English words may appear anywhere else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from barnekoordinator.cli import main

BOKMAL_ONLY = (
    "ikke",
    "hvem",
    "jeg",
    "noen",
    "hva",
    "hvordan",
    "hvis",
    "egne",
    "ønsker",
    "tiltakene",
    "beslutning",
    "mangler",
    "foreslått",
    "forslaget",
    "ganger",
    "endringer",
    "opprettet",
    "saken",
    "skriver",
    "selv",
    "hun",
    "avgjort",
    "allerede",
    "fortsatt",
    "nå",
    "fra",
    "hvert",
    "hver",
    "dager",
    "behandlet",
    "ligger",
    "deltakere",
    "godtatt",
    "skrevet",
)
"""Bokmål words whose nynorsk form differs (ikkje, kven, eg, nokon, kva, korleis, viss …)."""

ENGLISH = (
    "the",
    "and",
    "of",
    "is",
    "refused",
    "accepted",
    "proposed",
    "written",
    "overdue",
    "due",
    "case",
    "child",
    "holder",
    "verified",
    "message",
    "letter",
    "school",
    "mode",
    "met",
    "appoint",
    "unexpected",
    "files",
)
"""English words the demo printed before its story was catalogued (all absent in nynorsk)."""

CODE_OR_PATH = re.compile(r"\S*/\S*|\S+:\S+|\b[a-z0-9]+(?:-[a-z0-9]+)+\b")
"""A file path, an entry key (``stafettlogg:t-fysio``) or a code (``evaluation-due``)."""

WRITTEN_BY_PEOPLE = (
    "Fysioterapi to ganger i uken",
    "Foreldrene forteller om lite søvn og slitne kvelder.",
)
"""Case text the people in the story wrote (bokmål is their choice, not the library's)."""


def test_demo_in_nynorsk_prints_no_bokmal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every line of the nynorsk demo is free of bokmål-only words (people's own text aside)."""
    assert main(["demo", "--store", f"sqlite:{tmp_path / 'demo.db'}", "--lang", "nn"]) == 0
    out = capsys.readouterr().out
    for quoted in WRITTEN_BY_PEOPLE:
        out = out.replace(quoted, "")
    found = [
        (word, line)
        for line in out.splitlines()
        for word in BOKMAL_ONLY
        if re.search(rf"\b{word}\b", line, flags=re.IGNORECASE)
    ]
    assert found == []
    english = [
        (word, line)
        for line in out.splitlines()
        for word in ENGLISH
        if re.search(rf"\b{word}\b", CODE_OR_PATH.sub(" ", line), flags=re.IGNORECASE)
    ]
    assert english == []
    assert "== 1. Koordinerande eining opprettar ei sak for ein syntetisk familie" in out
    assert "avvist: samtykket frå foreldra dekkjer ikkje PPT enno" in out
    assert "Emma, no seks, skriv si eiga stemme sjølv" in out
    assert "1 sak(er), 36 hending(ar), 47 loggpost(ar): alt verifisert" in out
    assert "Status for tiltaka" in out  # the agenda, built in nynorsk
    assert "Ønska til Emma sjølv" in out
    assert "Kven har sett saka vår" in out


@pytest.mark.parametrize(
    ("lang", "first", "verified"),
    [
        (
            "en",
            "== 1. Koordinerende enhet opens a case for a synthetic family",
            "1 case(s), 36 event(s), 47 audit record(s): all verified",
        ),
        (
            "nb",
            "== 1. Koordinerende enhet oppretter en sak for en syntetisk familie",
            "1 sak(er), 36 hendelse(r), 47 loggpost(er): alt verifisert",
        ),
    ],
)
def test_demo_speaks_the_language_asked_for(
    lang: str, first: str, verified: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--lang en`` prints English and ``--lang nb`` bokmål, from the same catalogue keys."""
    assert main(["demo", "--store", f"sqlite:{tmp_path / 'demo.db'}", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert first in out
    assert verified in out


def test_demo_json_keeps_its_keys_with_titles_in_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--json --lang nn``: the same keys; the chapter titles are the nynorsk ones."""
    import json

    args = ["demo", "--store", f"sqlite:{tmp_path / 'd.db'}", "--output", str(tmp_path / "o")]
    assert main([*args, "--json", "--lang", "nn"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {
        "store",
        "output",
        "case_id",
        "referred_to_open_case",
        "ok",
        "counts",
        "chapters",
        "files",
    }
    assert all(set(c) == {"chapter", "verdict"} for c in document["chapters"])
    assert document["chapters"][9]["chapter"] == "10. Kva mor ser i dag, og kven som har sett"
