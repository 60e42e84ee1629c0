"""Fixtures for the login tests: the loopback provider and an ID-porten authenticator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _login_helpers import authenticator

from barnekoordinator.access.login import OidcAuthenticator
from barnekoordinator.testing.oidc import LoopbackOidcProvider
from barnekoordinator_plugins.helseid import HELSEID
from barnekoordinator_plugins.idporten import IDPORTEN


@pytest.fixture
def idp(bk_oidc_provider: LoopbackOidcProvider) -> LoopbackOidcProvider:
    """The loopback provider (the pytest plugin's fixture)."""
    return bk_oidc_provider


@pytest.fixture
def idporten(idp: LoopbackOidcProvider) -> Iterator[OidcAuthenticator]:
    """The first-party ID-porten authenticator, trusting the loopback provider."""
    with authenticator(IDPORTEN, idp) as made:
        yield made


@pytest.fixture
def helseid(idp: LoopbackOidcProvider) -> Iterator[OidcAuthenticator]:
    """The first-party HelseID authenticator (access tokens), trusting the loopback provider."""
    with authenticator(HELSEID, idp) as made:
        yield made
