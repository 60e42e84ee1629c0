"""The login chain: the one way from a presented credential to a `Principal`.

Embedding code hands a [`Credential`][barnekoordinator.access.principal.Credential] to
[`Casebook.login()`][barnekoordinator.casebook.Casebook.login] (or to a `LoginChain` it holds)
and gets back a [`Principal`][barnekoordinator.access.principal.Principal] that an
authenticator made from a verified token — never one built from claims nobody checked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final, Protocol

from barnekoordinator.access.principal import Credential, Principal
from barnekoordinator.errors import InvalidInput, NotAuthenticated, PluginContractError

__all__ = ["NO_ISSUER", "LoginChain"]

logger = logging.getLogger("barnekoordinator.login")

NO_ISSUER: Final = "unknown-issuer"
"""The ``code`` of a credential no configured issuer answers for (as a `TokenRejected` code)."""


class _Answers(Protocol):
    """What the chain needs of an authenticator (the plugin protocol's two members)."""

    @property
    def name(self) -> str: ...

    def authenticate(self, credential: Credential) -> Principal | None: ...


class LoginChain:
    """The configured authenticators, asked in turn; the first that answers decides.

    An authenticator answers for the credentials of its own issuer: it returns the verified
    principal, raises [`TokenRejected`][barnekoordinator.errors.TokenRejected] (the token is
    for it but fails a check — the chain stops there, a later authenticator is never asked
    to accept what an earlier one refused) or returns ``None`` (not its credential).

    Args:
        authenticators: The authenticators, in the order the plugins provide them (see
            [`authenticators()`][barnekoordinator.plugins.authenticators]).
    """

    def __init__(self, authenticators: Iterable[_Answers]) -> None:
        self._chain: tuple[_Answers, ...] = tuple(authenticators)

    def __repr__(self) -> str:
        return f"LoginChain({', '.join(self.names) or 'no issuer'})"

    @property
    def names(self) -> tuple[str, ...]:
        """The authenticators' names, in the order they are asked."""
        return tuple(a.name for a in self._chain)

    def __bool__(self) -> bool:
        return bool(self._chain)

    def login(self, credential: Credential) -> Principal:
        """The principal ``credential`` stands for, verified by the issuer that answers for it.

        Raises:
            InvalidInput: ``credential`` is not a
                [`Credential`][barnekoordinator.access.principal.Credential].
            NotAuthenticated: no issuer is configured, or none answers for this credential.
            TokenRejected: the issuer's checks refused the token (``code`` says which).
            IssuerUnavailable: the issuer's keys could not be fetched.
            PluginContractError: an authenticator returned something that is not a
                [`Principal`][barnekoordinator.access.principal.Principal].
        """
        if not isinstance(credential, Credential):
            raise InvalidInput(
                f"credential: expected a Credential, got {type(credential).__name__}"
            )
        if not self._chain:
            raise NotAuthenticated(
                "no issuer is configured: give an identity plugin its options in "
                "Config.plugin_options (e.g. {'idporten': {'audience': CLIENT_ID}}); see the "
                "login page of the documentation"
            )
        for authenticator in self._chain:
            principal = authenticator.authenticate(credential)
            if principal is None:
                continue
            if not isinstance(principal, Principal):
                raise PluginContractError(
                    authenticator.name,
                    f"authenticate() returned {type(principal).__name__}, expected a Principal "
                    "or None",
                )
            return principal
        # The code only, as for every rejection: the kind is the caller's text, and may hold
        # anything (an identity number, a token pasted in the wrong field).
        logger.info("login rejected: %s", NO_ISSUER)
        raise NotAuthenticated(
            f"{NO_ISSUER}: no configured issuer ({', '.join(self.names)}) answers for this "
            f"{credential.kind} credential"
        )

    def close(self) -> None:
        """Release what the authenticators hold (their key sets' HTTP connections)."""
        for authenticator in self._chain:
            close = getattr(authenticator, "close", None)
            if callable(close):
                close()
