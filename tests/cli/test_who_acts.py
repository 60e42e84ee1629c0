"""Who acts: a verified token, or a development principal only where the configuration says so."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from _cli_helpers import run_cli

from barnekoordinator.clock import SystemClock
from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.oidc import LoopbackOidcProvider

SHOW = ("case", "show", "--case", "no-such-case")


def test_as_is_refused_without_the_configuration_flag(
    store_url: str, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, one line saying how to allow it, and the store is never opened (not created)."""
    status, out, err = run_cli(capsys, *SHOW, "--as", people["ke"])
    assert status == 2
    assert out == ""
    assert err.strip() == (
        "barnekoordinator case: --as: development principals are refused by the configuration; "
        "set $BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS=1 to allow them for local scripting "
        "on the embedded store"
    )
    assert not Path(store_url.removeprefix("sqlite:")).exists()


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_the_flag_must_say_yes(
    value: str, store_url: str, people: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Only 1, true or yes allow it; a value nobody meant is an error, not a yes."""
    monkeypatch.setenv("BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS", value)
    assert run_cli(capsys, *SHOW, "--as", people["ke"])[0] == 2
    monkeypatch.setenv("BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS", "maybe")
    status, _, err = run_cli(capsys, *SHOW, "--as", people["ke"])
    assert status == 2
    assert "expected 1, true, yes" in err


def test_as_acts_only_on_the_embedded_store(
    people: dict[str, str], development: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server store (PostgreSQL) takes verified logins only."""
    status, _, err = run_cli(
        capsys, *SHOW, "--as", people["ke"], "--store", "postgresql://localhost/none"
    )
    assert status == 2
    assert "acts only on the embedded store" in err


def test_the_flag_is_false_by_default_and_typed() -> None:
    """``Config.allow_development_principals`` is off unless set, and only a bool sets it."""
    assert Config().allow_development_principals is False
    with pytest.raises(InvalidConfiguration, match="expected true or false"):
        Config(allow_development_principals="yes")  # type: ignore[arg-type]


def test_someone_must_act(store_url: str, people: dict[str, str],
                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """Neither or both of --token and --as: a usage error."""
    status, _, err = run_cli(capsys, *SHOW)
    assert status == 2
    assert "expected --token FILE" in err
    status, _, err = run_cli(capsys, *SHOW, "--as", people["ke"], "--token", people["ke"])
    assert status == 2
    assert "give one of them" in err


def test_a_verified_token_acts_and_a_forged_one_is_refused(
    store_url: str,
    people: dict[str, str],
    development: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--token``: an ID-porten token of the child (14, synthetic) is verified by the issuer
    configured with ``--option`` and the child sees its own case (pbrl § 3-4 as the policy
    applies it); a token signed by nobody the issuer knows is refused (exit 1, one line), and
    neither the token nor the identity number is echoed."""
    person = synthetic_fodselsnummer(date(2012, 5, 3))
    child_id = tmp_path / "child-id"
    child_id.write_text(person)
    status, out, _ = run_cli(
        capsys, "case", "open", "--as", people["ke"], "--municipality", "0301",
        "--born", "2012-05-03", "--child-id-file", str(child_id), "--allow-synthetic", "--json",
    )  # fmt: skip
    case_id = json.loads(out)["case_id"]
    with LoopbackOidcProvider(clock=SystemClock()) as provider:
        claims = provider.claims(
            audience="bk-test-client", pid=person, acr="idporten-loa-high", amr=["TestID"],
            locale="nb", auth_time=provider.now(),
        )  # fmt: skip
        token = tmp_path / "token"
        token.write_text(provider.token(claims) + "\n")
        options = [
            "--option", f"idporten.issuer={provider.issuer}",
            "--option", "idporten.audience=bk-test-client",
            "--option", "idporten.synthetic_identities=true",
        ]  # fmt: skip
        show = ("case", "show", "--case", case_id, "--token", str(token), *options, "--json")
        status, out, err = run_cli(capsys, *show)
        assert status == 0, err
        assert json.loads(out)["roles"] == ["child"]
        assert person not in out + err
        forged = tmp_path / "forged"
        forged.write_text(token.read_text()[:-12] + "AAAAAAAAAAA\n")
        status, out, err = run_cli(capsys, *show[:5], str(forged), *options)
        assert status == 1
        assert out == ""
        assert len(err.splitlines()) == 1
        assert forged.read_text().strip() not in err
        assert person not in err
