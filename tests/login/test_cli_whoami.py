"""``barnekoordinator whoami``: 0 accepted, 1 rejected, 2 usage, 3 issuer unreachable.

The command verifies with the plugins configured through ``--option`` and the real
clock (it is an edge), so the loopback provider here mints tokens by the real clock
too.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _login_helpers import AUDIENCE, PERSON, idporten_claims

from barnekoordinator._cli.whoami import read_token
from barnekoordinator.cli import main
from barnekoordinator.clock import SystemClock
from barnekoordinator.errors import TokenRejected
from barnekoordinator.testing.oidc import LoopbackOidcProvider

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def live_idp() -> Iterator[LoopbackOidcProvider]:
    """A loopback provider on the real clock (whoami uses the real clock)."""
    with LoopbackOidcProvider(clock=SystemClock()) as provider:
        yield provider


def options(provider: LoopbackOidcProvider, **extra: str) -> list[str]:
    """``--option`` arguments configuring ID-porten to trust ``provider``."""
    settings = {
        "issuer": provider.issuer,
        "audience": AUDIENCE,
        "synthetic_identities": "true",
        **extra,
    }
    return [
        arg for key, value in settings.items() for arg in ("--option", f"idporten.{key}={value}")
    ]


def token_file(tmp_path: Path, token: str | bytes) -> str:
    """Write ``token`` to a file (with a trailing newline, as editors do)."""
    path = tmp_path / "token.jwt"
    path.write_bytes(token if isinstance(token, bytes) else (token + "\n").encode())
    return str(path)


def test_an_accepted_token(
    tmp_path: Path, live_idp: LoopbackOidcProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0 and the principal, the identity number redacted, the token nowhere."""
    token = live_idp.token(idporten_claims(live_idp, sub="pairwise-1"))
    status = main(
        ["whoami", "--lang", "en", "--token", token_file(tmp_path, token), *options(live_idp)]
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "accepted:          yes" in captured.out
    assert "subject:           idporten:pairwise-1" in captured.out
    assert f"national id:       {PERSON[:6]}*****" in captured.out
    assert "assurance:         high" in captured.out
    assert PERSON not in captured.out + captured.err
    assert token not in captured.out + captured.err


def test_json_output(
    tmp_path: Path, live_idp: LoopbackOidcProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--json`` prints one object with the redacted identity."""
    token = live_idp.token(idporten_claims(live_idp))
    status = main(
        [
            "whoami",
            "--lang",
            "en",
            "--token",
            token_file(tmp_path, token),
            "--json",
            *options(live_idp),
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert data["accepted"] is True
    assert data["identity_provider"] == "idporten"
    assert data["national_id"] == PERSON[:6] + "*****"
    assert data["synthetic"] is True
    assert data["amr"] == ["TestID"]
    assert data["assurance"] == "high"


def test_a_rejected_token(
    tmp_path: Path, live_idp: LoopbackOidcProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 1 with the reason (and the code in JSON)."""
    token = live_idp.token(idporten_claims(live_idp, acr="idporten-loa-low"))
    path = token_file(tmp_path, token)
    assert main(["whoami", "--lang", "en", "--token", path, *options(live_idp)]) == 1
    out = capsys.readouterr().out
    assert "accepted:          no" in out
    assert "assurance-too-low" in out
    assert main(["whoami", "--lang", "en", "--token", path, "--json", *options(live_idp)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data == {"accepted": False, "code": "assurance-too-low", "reason": data["reason"]}
    assert token not in data["reason"]


def test_a_token_from_an_issuer_nobody_trusts(
    tmp_path: Path, live_idp: LoopbackOidcProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    """No configured issuer answers: exit 1, saying so."""
    with LoopbackOidcProvider(clock=SystemClock()) as stranger:
        token = stranger.token(idporten_claims(stranger))
    assert (
        main(
            [
                "whoami",
                "--lang",
                "en",
                "--token",
                token_file(tmp_path, token),
                "--json",
                *options(live_idp),
            ]
        )
        == 1
    )
    assert json.loads(capsys.readouterr().out)["code"] == "unknown-issuer"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xff\xfe not utf-8", "malformed"),
        (b"A" * 70_000, "too-large"),
        (b"not a token", "malformed"),
    ],
)
def test_a_bad_token_file(
    tmp_path: Path,
    live_idp: LoopbackOidcProvider,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    code: str,
) -> None:
    """Non-UTF-8, oversized or garbage token files are rejections (exit 1)."""
    assert (
        main(
            [
                "whoami",
                "--lang",
                "en",
                "--token",
                token_file(tmp_path, content),
                "--json",
                *options(live_idp),
            ]
        )
        == 1
    )
    assert json.loads(capsys.readouterr().out)["code"] == code


def test_read_token_reads_at_most_the_limit() -> None:
    """The reader stops after the size limit instead of reading everything."""
    with pytest.raises(TokenRejected) as caught:
        read_token(io.BytesIO(b"a" * 10_000_000))
    assert caught.value.code == "too-large"
    assert read_token(io.BytesIO(b"  abc.def.ghi \r\n")) == "abc.def.ghi"


def test_usage_errors(
    tmp_path: Path, live_idp: LoopbackOidcProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2: no such file, no issuer configured, invalid options, a malformed --option."""
    assert (
        main(
            ["whoami", "--lang", "en", "--token", str(tmp_path / "missing.jwt"), *options(live_idp)]
        )
        == 2
    )
    assert "cannot read" in capsys.readouterr().err
    path = token_file(tmp_path, "a.b.c")
    assert main(["whoami", "--lang", "en", "--token", path]) == 2
    assert "no issuer is configured" in capsys.readouterr().err
    assert (
        main(["whoami", "--lang", "en", "--token", path, *options(live_idp, clock_skew="9999")])
        == 2
    )
    assert "clock_skew: expected 0 to 300 seconds" in capsys.readouterr().err
    assert main(["whoami", "--lang", "en", "--token", path, "--option", "idporten-audience"]) == 2
    assert "PLUGIN.KEY=VALUE" in capsys.readouterr().err
    argv = ["whoami", "--lang", "en", "--token", path, "--option", "idportn.audience=x"]
    assert main(argv) == 2  # a misspelt plugin is refused, not ignored
    assert "no plugin named 'idportn' (not loaded)" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["whoami"])
    assert caught.value.code == 2


def test_an_unreachable_issuer_is_exit_3(
    tmp_path: Path, live_idp: LoopbackOidcProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issuer cannot be reached: a runtime error (3), not a rejection."""
    token = live_idp.token(idporten_claims(live_idp))
    path = token_file(tmp_path, token)
    arguments = options(live_idp)
    live_idp.close()
    assert main(["whoami", "--lang", "en", "--token", path, *arguments]) == 3
    assert "cannot be fetched" in capsys.readouterr().err


def test_the_nonce_option(
    tmp_path: Path, live_idp: LoopbackOidcProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--nonce`` must match the token's nonce."""
    path = token_file(tmp_path, live_idp.token(idporten_claims(live_idp, nonce="n-42")))
    assert (
        main(
            [
                "whoami",
                "--lang",
                "en",
                "--token",
                path,
                "--nonce",
                "n-41",
                "--json",
                *options(live_idp),
            ]
        )
        == 1
    )
    assert json.loads(capsys.readouterr().out)["code"] == "nonce-mismatch"
    assert (
        main(["whoami", "--lang", "en", "--token", path, "--nonce", "n-42", *options(live_idp)])
        == 0
    )


def test_the_installed_command_reads_standard_input(live_idp: LoopbackOidcProvider) -> None:
    """``--token -`` reads the token from standard input (out of shell history)."""
    token = live_idp.token(idporten_claims(live_idp))
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "barnekoordinator",
            "whoami",
            "--lang",
            "en",
            "--token",
            "-",
            "--json",
            *options(live_idp),
        ],
        input=token.encode(),
        capture_output=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["national_id"] == PERSON[:6] + "*****"
    assert PERSON.encode() not in done.stdout + done.stderr
