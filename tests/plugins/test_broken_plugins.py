"""A plugin host that survives its plugins (issue 17 item 3): a real installed distribution
(a ``.dist-info`` on ``sys.path``) whose plugin fails to import, or has an unknown hook."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from barnekoordinator.cli import main
from barnekoordinator.errors import PluginLoadError
from barnekoordinator.plugins import BLOCK_ENV, get_plugin_manager

PLUGINS = {
    "bk_broken_import": "raise RuntimeError('the vendor forgot a file')\n",
    "bk_bad_hook": (
        "from barnekoordinator.hookspecs import hookimpl\n\n"
        "@hookimpl\ndef barnekoordinator_case_stor(config):\n    return None\n"
    ),
}


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[None]:
    """Two broken plugins installed as a distribution with entry points."""
    for module, code in PLUGINS.items():
        (tmp_path / f"{module}.py").write_text(code)
    info = tmp_path / "bk_vendor-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bk-vendor\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[barnekoordinator]\nbroken-import = bk_broken_import\nbad-hook = bk_bad_hook\n"
    )
    sys.path.insert(0, str(tmp_path))
    yield
    sys.path.remove(str(tmp_path))
    for module in PLUGINS:
        sys.modules.pop(module, None)


def test_a_broken_plugin_is_named_not_a_traceback(installed: None) -> None:
    with pytest.raises(PluginLoadError) as failed:
        get_plugin_manager()
    assert set(failed.value.plugins) == {"broken-import", "bad-hook"}
    assert "RuntimeError" in failed.value.plugins["broken-import"]
    assert "barnekoordinator_case_stor" in failed.value.plugins["bad-hook"]
    assert "--block" in str(failed.value)


def test_the_others_still_load_when_tolerated(installed: None) -> None:
    pm = get_plugin_manager(tolerate_broken=True)
    assert set(pm.broken) == {"broken-import", "bad-hook"}
    assert pm.get_plugin("sqlite") is not None
    assert pm.get_plugin("bad-hook") is None


def test_blocking_by_option_or_environment(
    installed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_plugin_manager(block=["broken-import", "bad-hook"]).broken == {}
    monkeypatch.setenv(BLOCK_ENV, "broken-import, bad-hook")
    assert get_plugin_manager().broken == {}


def test_plugins_command_lists_broken_and_exits_3(
    installed: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plugins", "--lang", "en"]) == 3
    out = capsys.readouterr().out
    assert "broken-import: BROKEN" in out
    assert "sqlite:" in out


def test_other_commands_exit_3_in_one_line_and_block_works(
    installed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"sqlite:{tmp_path / 'none.db'}"
    assert main(["verify", "--lang", "en", "--store", store]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "broken-import" in err
    assert "Traceback" not in err
    main(
        [
            "verify",
            "--lang",
            "en",
            "--store",
            store,
            "--block",
            "broken-import",
            "--block",
            "bad-hook",
        ]
    )
    assert "could not be loaded" not in capsys.readouterr().err
