"""`barnekoordinator demo --lang nn` prints nynorsk throughout (issue 16 item 5).

The story's chapter headings and the machine's codes are English; every Norwegian line the
library writes must be nynorsk. Bokmål words that differ in nynorsk must not appear, except in
the case text the people in the story write themselves (their tiltak, observations, minutes).
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
)
"""Bokmål words whose nynorsk form differs (ikkje, kven, eg, nokon, kva, korleis, viss …)."""

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
    assert "Status for tiltaka" in out  # the agenda, built in nynorsk
    assert "Ønska til Emma sjølv" in out
    assert "Kven har sett saka vår" in out
