"""``assess`` of a valid facts file stays quick to start (issue 17 item 4, decision 25).

A whole process, as a user runs it: what it imports decides most of its start-up time. A valid
document is checked without jsonschema and read without cattrs; stdnum is imported only when a
national identity number is checked. An invalid document still gets jsonschema's every problem.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACTS = ROOT / "examples" / "facts" / "bk-01-baseline-eligible.json"
HEAVY = ("jsonschema", "referencing", "cattrs", "stdnum", "barnekoordinator.rights.decisions")

_PROBE = """
import contextlib, io, json, sys
from barnekoordinator.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    status = main(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def _probe(*argv: str) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    probed: dict[str, object] = json.loads(run.stdout)
    return probed


def test_assess_of_a_valid_file_imports_no_jsonschema_cattrs_or_stdnum() -> None:
    probed = _probe("assess", "--as-of", "2026-01-01", str(FACTS))
    assert probed["status"] == 0
    modules = probed["modules"]
    assert isinstance(modules, list)
    loaded = sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY)
    assert loaded == []


def test_assess_of_an_invalid_file_asks_jsonschema_for_every_problem(tmp_path: Path) -> None:
    document = json.loads(FACTS.read_text("utf-8"))
    document["bti_level"] = 9
    document["child"]["birth_date"] = "not a date"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), "utf-8")
    probed = _probe("assess", "--as-of", "2026-01-01", str(bad))
    assert probed["status"] == 2
    modules = probed["modules"]
    assert isinstance(modules, list)
    assert "jsonschema" in modules
