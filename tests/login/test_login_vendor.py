"""A vendor's view: the fixture and the conformance suite work in another project, and the
suite catches an authenticator that verifies too little."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

VENDOR_AUTHENTICATOR = """
    from barnekoordinator.access.login import ClaimMapping, IssuerSettings, OidcAuthenticator
    from barnekoordinator.testing.login import AuthenticatorContract


    def settings(provider, audience):
        return IssuerSettings(
            name="acme", display_name="Acme ID", issuer=provider.issuer, audience=audience,
            claims=ClaimMapping(national_id="pid"), synthetic_identities=True,
        )


    class TestAcmeLogin(AuthenticatorContract):
        credential_kind = "acme-id-token"

        def make_authenticator(self, provider):
            return OidcAuthenticator(settings(provider, self.audience), clock=provider.clock)


    def test_fixture(bk_oidc_provider):
        assert bk_oidc_provider.issuer.startswith("http://127.0.0.1:")
"""

NAIVE_AUTHENTICATOR = """
    import json, base64
    from barnekoordinator.access.principal import AssuranceLevel, Principal
    from barnekoordinator.errors import TokenRejected
    from barnekoordinator.identifiers import IdentifierPolicy, PersonId
    from barnekoordinator.testing.login import AuthenticatorContract


    class Naive:
        '''Reads the payload and trusts it: no signature, no expiry, no audience.'''

        name = "naive"

        def authenticate(self, credential):
            if credential.kind != "naive-id-token":
                return None
            try:
                payload = credential.token.split(".")[1]
                claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
                return Principal(
                    subject="naive:" + claims["sub"], display_label="Naive",
                    assurance=AssuranceLevel.HIGH, identity_provider="naive",
                    national_id=PersonId.parse(claims["pid"], policy=IdentifierPolicy.testing()),
                )
            except Exception as exc:
                raise TokenRejected("unreadable") from exc


    class TestNaiveLogin(AuthenticatorContract):
        credential_kind = "naive-id-token"

        def make_authenticator(self, provider):
            return Naive()
"""


def _pytest(tmp_path: Path, source: str) -> str:
    """Run pytest on one generated file with only our pytest plugin loaded."""
    (tmp_path / "test_vendor_login.py").write_text(textwrap.dedent(source))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "barnekoordinator.testing.pytest_plugin",
            "-p",
            "no:cacheprovider",
            "-q",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(SRC), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        check=False,
        timeout=600,
    )
    return result.stdout + result.stderr


def test_a_vendor_authenticator_passes_the_suite(tmp_path: Path) -> None:
    """An authenticator built on the verifier passes every contract test in a vendor project."""
    out = _pytest(tmp_path, VENDOR_AUTHENTICATOR)
    match = re.search(r"(\d+) passed", out)
    assert match is not None, out
    assert int(match.group(1)) >= 20, out
    assert "failed" not in out, out


def test_the_suite_catches_an_authenticator_that_trusts_the_payload(tmp_path: Path) -> None:
    """A naive authenticator (no signature, no expiry, no audience check) fails the attacks."""
    out = _pytest(tmp_path, NAIVE_AUTHENTICATOR)
    for attack in (
        "test_alg_none_is_rejected",
        "test_hs256_signed_with_the_public_key_is_rejected",
        "test_a_tampered_payload_is_rejected",
        "test_an_expired_token_is_rejected",
        "test_the_wrong_audience_is_rejected",
        "test_the_wrong_issuer_is_rejected",
        "test_a_low_or_missing_assurance_is_rejected",
    ):
        assert (
            f"TestNaiveLogin::{attack} FAILED" in out
            or f"FAILED test_vendor_login.py::TestNaiveLogin::{attack}" in out
        ), attack
    assert "test_a_valid_login_gives_one_principal" not in out.split("short test summary")[-1]
