"""``checkpoint`` says where its key came from in the language asked for, all of the line.

The first line was half translated: "signert med a new key created in …/checkpoint.key (public
key in …: keep a copy with your checkpoints; verify needs it)" in bokmål — the phrase naming the
key's source came from ``_cli/_keys.py`` in English. It now goes through the catalogue like the
rest of the line. The test failed before the fix. Synthetic identities only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _cli_helpers import run_cli

ENGLISH = {"signed", "with", "a", "new", "key", "file", "created", "in", "public", "keep"}
ENGLISH |= {"copy", "your", "checkpoints", "needs", "it"}
NORWEGIAN = {"signert", "med", "en", "ein", "ny", "nøkkel", "nøkkelfilen", "nøkkelfila"}
NORWEGIAN |= {"laget", "laga", "offentlig", "offentleg", "ta", "vare", "på", "kopi", "sammen"}
NORWEGIAN |= {"saman", "sjekkpunktene", "sjekkpunkta", "trenger", "treng", "den", "han"}


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys are found and made in a home folder of the test's own."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("BARNEKOORDINATOR_CHECKPOINT_KEY", raising=False)
    monkeypatch.delenv("BARNEKOORDINATOR_CHECKPOINT_KEY_FILE", raising=False)
    return home


def _words(line: str, config: Path) -> set[str]:
    """The words of ``line`` with the key files' paths taken out ("checkpoint.key" is a name)."""
    line = line.replace(str(config / "barnekoordinator"), "PATH")
    line = re.sub(r"PATH/checkpoint\.(key|pub)", " ", line)
    return {word.lower() for word in re.findall(r"[^\W\d_]+", line)} - {"verify"}


def _first_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, lang: str) -> str:
    output = tmp_path / f"{lang}-{len(list(tmp_path.iterdir()))}.checkpoint"
    status, out, err = run_cli(capsys, "checkpoint", "--output", str(output), "--lang", lang)
    assert status == 0, err
    return out.splitlines()[0]


def test_the_key_line_is_in_the_language_asked_for(
    opened_case: str,
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new key, then the key file found again, in each language: bokmål and nynorsk have no
    English word on the first line, English no Norwegian word; ``--json`` keeps its English
    ``signed_with`` (it is read by programs, not people)."""
    for lang in ("nb", "nn"):
        monkeypatch.setenv("XDG_CONFIG_HOME", str(home / lang))
        created = _first_line(capsys, tmp_path, lang)
        found = _first_line(capsys, tmp_path, lang)
        assert created.startswith("signert med "), created
        assert str(home / lang / "barnekoordinator" / "checkpoint.pub") in created
        for line in (created, found):
            assert not _words(line, home / lang) & ENGLISH, line
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "en"))
    created = _first_line(capsys, tmp_path, "en")
    found = _first_line(capsys, tmp_path, "en")
    key = home / "en" / "barnekoordinator" / "checkpoint.key"
    assert created == (
        f"signed with a new key created in {key} (public key in {key.with_suffix('.pub')}: "
        "keep a copy with your checkpoints; verify needs it)"
    )
    assert found == f"signed with key file {key}"
    for line in (created, found):
        assert not _words(line, home / "en") & NORWEGIAN, line
    status, out, _ = run_cli(
        capsys, "checkpoint", "--output", str(tmp_path / "j.checkpoint"), "--json", "--lang", "nb"
    )
    assert status == 0
    assert json.loads(out)["signed_with"] == f"key file {key}"
