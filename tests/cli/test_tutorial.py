"""The command-line tutorial runs as written: its ``sh`` blocks, in order, in one shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from barnekoordinator.testing.leaks import identifier_runs

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "tutorials" / "scripting-from-the-command-line.md"


def test_the_scripted_case_of_the_tutorial_runs(tmp_path: Path) -> None:
    """Every block succeeds (``set -e``) in a fresh folder, with the real command line."""
    blocks = re.findall(r"```sh\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) >= 8
    script = 'set -eu\nbarnekoordinator() { python -m barnekoordinator "$@"; }\n' + "\n".join(
        blocks
    )
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("BARNEKOORDINATOR_")
    }
    env["PYTHONPATH"] = str(ROOT / "src")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, check=False
    )
    output = done.stdout.decode() + done.stderr.decode()
    assert done.returncode == 0, output
    assert "Traceback" not in output
    assert "stafettlogg.closed, case.closed" in output
    assert not identifier_runs(output)  # no full identity number printed
