"""The notifier's settings: ``Config.plugin_options["smtp"]``, parsed and checked."""

from __future__ import annotations

import ipaddress
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from email.errors import MessageError
from email.headerregistry import Address
from typing import Any, Final

import attrs

from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator_plugins import _options

PLUGIN_NAME: Final = "smtp"
"""The plugin's entry-point name and its section of ``Config.plugin_options``."""


def _days(text: str) -> int:
    number = _options.whole_number(text)
    if number > 366:
        raise ValueError(f"expected a whole number of days from 0 to 366, got {number}")
    return number


def _port(text: str) -> int:
    number = _options.positive_integer(text)
    if number > 65535:
        raise ValueError(f"expected a port from 1 to 65535, got {number}")
    return number


def _positive_seconds(text: str) -> float:
    # _options.seconds takes 0 (a valid SQLite busy_timeout); a mail server's timeout of 0 asks
    # smtplib for a non-blocking socket, and a lease of 0 seconds lets two runs claim a message.
    value = _options.seconds(text)
    if value <= 0:
        raise ValueError(
            f"expected seconds above 0, at most {_options.MAX_WAIT_SECONDS:g}, got "
            f"{_options.shown(text)}"
        )
    return value


_LABEL: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_MAX_HOST: Final = 253


def is_host(text: str) -> bool:
    """True for an IP address or a host name the socket layer can look up: labels of ASCII
    letters, digits and hyphens (after IDNA encoding), each 1 to 63 characters, at most 253 in
    all, an optional final dot, and no control, format or space character anywhere.

    ``smtplib`` IDNA-encodes the host when it connects and raises ``UnicodeError`` on a label too
    long or a character such as U+202E; this check refuses those when the settings are read.
    """
    if not text or any(unicodedata.category(c)[0] in "CZ" for c in text):
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        return True
    try:
        name = text.encode("idna").decode("ascii").removesuffix(".")
    except UnicodeError:
        return False
    return 0 < len(name) <= _MAX_HOST and all(_LABEL.fullmatch(part) for part in name.split("."))


def _host(text: str) -> str:
    if not is_host(text):
        raise ValueError(
            "expected a host name (labels of letters, digits and hyphens, each at most 63 "
            f"characters, {_MAX_HOST} in all) or an IP address, got {_options.shown(text)}"
        )
    return text


def _above_zero(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: seconds above 0 and at most ``MAX_WAIT_SECONDS``, as a number (a
    float such as 0.1 + 0.2 is one, whatever its text)."""
    name = f"smtp options: {attribute.name}"
    if _options.check_seconds(name, value) <= 0:
        raise InvalidConfiguration(f"{name}: expected seconds above 0")


def _valid(reader: _options.Reader) -> Any:
    """An attrs validator applying a text option's ``reader`` to a text given from Python."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise InvalidConfiguration(
                f"smtp options: {attribute.name}: expected a text, got {type(value).__name__}"
            )
        try:
            reader(value)
        except ValueError as exc:
            raise InvalidConfiguration(f"smtp options: {attribute.name}: {exc}") from None

    return check


def is_email_address(text: str) -> bool:
    """True for one plain ASCII ``local@domain`` that the ``email`` package parses back to the
    very same text (it raises ``IndexError``, ``AttributeError``, … on some malformed ones).

    A non-ASCII address (``varsel@bærum.kommune.no``) is refused rather than IDNA-encoded: the
    senders write headers and ``MAIL FROM`` as ASCII.
    """
    if not text.isascii() or not text.isprintable() or any(c.isspace() for c in text):
        return False
    try:
        parsed = Address(addr_spec=text)
    except (ValueError, IndexError, AttributeError, MessageError):
        return False
    if not (parsed.username and parsed.domain) or parsed.addr_spec != text:
        return False
    # RFC 5321's limits, which the email package does not check: a local part of at most 64
    # octets, and a domain name (no address literal) of labels of letters, digits and inner
    # hyphens, at most 63 each and 255 in all.
    local, _, domain = text.rpartition("@")
    return (
        len(local) <= 64
        and len(domain) <= 255
        and all(_LABEL.fullmatch(label) for label in domain.split("."))
    )


def _address(text: str) -> str:
    if not is_email_address(text) or any(c in "<>\"'," for c in text):
        raise ValueError(
            f"expected an ASCII e-mail address such as varsel@kommune.no, got "
            f"{_options.shown(text)}"
        )
    return text


def _line(text: str) -> str:
    if not text.strip() or not text.isprintable():
        raise ValueError("expected one line of text, without control characters")
    return text


def _ca_file(text: str) -> str:
    """A PEM file of certificates: a regular file this process can read (checked when the
    options are read, so a mistyped path is a usage error, never a mail server "unavailable"
    run after run that burns every message's attempts)."""
    if not text:
        return text
    expected = f"expected a readable PEM file of certificates, got {_options.shown(text)}"
    try:
        regular = stat.S_ISREG(os.stat(text).st_mode)  # not a folder, nor a pipe open waits on
        if regular:
            os.close(os.open(text, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name; UnicodeError
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ValueError(f"{expected} ({reason})") from None
    if not regular:
        raise ValueError(f"{expected} (not a regular file)")
    return text


LEASE_TIMEOUTS: Final = 15
"""How many ``timeout``s a lease must last at least (``lease_seconds ≥ 15 × timeout``).

Every wait for the server is bounded by ``timeout``. Opening a session takes at most eight
(connect, greeting, EHLO, STARTTLS, the TLS handshake, EHLO again, two AUTH steps) and sending
one letter at most five (MAIL, RCPT, DATA, the letter, the reply): 13 in all, so a claim just
made always outlasts a session opened and one letter sent, with room to spare. A run hands a
message back untried rather than start a send its lease cannot cover (see ``dispatch``)."""


def _lease_covers_a_send(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: ``lease_seconds`` above 0 and at least ``LEASE_TIMEOUTS × timeout``."""
    _above_zero(instance, attribute, value)
    lease, least = _options.check_seconds(attribute.name, value), LEASE_TIMEOUTS * instance.timeout
    if lease < least:
        raise InvalidConfiguration(
            f"smtp options: lease_seconds ({lease:g}) must be at least {LEASE_TIMEOUTS} × timeout "
            f"({least:g} seconds): a claim must outlast opening a session and sending one "
            "letter, else a second run sends the letter again"
        )


def _url(text: str) -> str:
    if not text.startswith(("https://", "http://")) or any(c.isspace() for c in text):
        raise ValueError(f"expected an http(s) URL, got {_options.shown(text)}")
    return text


@attrs.frozen(kw_only=True)
class NotifySettings:
    """How the notifier sends and when reminders fall due.

    ``host`` is a host name or an IP address; ``timeout`` the seconds to wait for the server
    (above 0). ``password_env`` names the environment variable holding the SMTP password (never the
    password itself). ``addresses`` is the JSON address book
    ([`AddressFile`][barnekoordinator_plugins.notify.AddressFile]); ``ca_file`` a PEM file of
    certificates to trust for STARTTLS besides the system's. Reminder windows are in days:
    ``evaluation_days`` before an evaluation date, ``handover_days`` after an unanswered
    proposal, ``complaint_days`` before a complaint deadline. A failed attempt is retried after
    ``backoff_seconds × 2^(attempts − 1)`` (at most a day) until ``max_attempts``; only a
    message the server was given counts an attempt (a run that cannot open a session postpones
    every message by ``backoff_seconds`` without counting one). A claim's lease lasts
    ``lease_seconds``, at least ``LEASE_TIMEOUTS`` (15) × ``timeout``.

    Raises:
        InvalidConfiguration: ``host`` is no host name or IP address, ``from_address`` no
            plain address, ``login_url`` no http(s) URL, ``service_name`` not one line,
            ``timeout`` is not above 0, ``lease_seconds`` is less than 15 × ``timeout``, or
            ``username`` is set with ``starttls`` false (the password would travel in clear)
            (also when made from Python rather than from
            [`from_options()`][barnekoordinator_plugins.notify.NotifySettings.from_options],
            which also refuses a ``ca_file`` that is no readable regular file).
    """

    host: str = attrs.field(default="localhost", validator=_valid(_host))
    port: int = 587
    starttls: bool = True
    username: str = ""
    password_env: str = ""
    from_address: str = attrs.field(
        default="noreply@barnekoordinator.invalid", validator=_valid(_address)
    )
    login_url: str = attrs.field(
        default="https://barnekoordinator.invalid/", validator=_valid(_url)
    )
    service_name: str = attrs.field(default="barnekoordinator", validator=_valid(_line))
    addresses: str = ""
    ca_file: str = ""
    timeout: float = attrs.field(default=30.0, validator=_above_zero)
    evaluation_days: int = 14
    handover_days: int = 7
    complaint_days: int = 7
    max_attempts: int = 6
    backoff_seconds: float = 300.0
    lease_seconds: float = attrs.field(default=600.0, validator=_lease_covers_a_send)

    def __attrs_post_init__(self) -> None:
        if self.username and not self.starttls:
            raise InvalidConfiguration(
                "smtp options: username is set and starttls is false, so the password would be "
                "sent in clear; set starttls=true, or leave username (and password_env) unset "
                "for a relay that takes mail without a login"
            )

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> NotifySettings:
        """Parse ``Config.plugin_options["smtp"]`` (all values text).

        Raises:
            InvalidConfiguration: listing every unknown key and invalid value.
        """
        readers: dict[str, _options.Reader] = {
            "host": _host,
            "port": _port,
            "starttls": _options.boolean,
            "username": _options.text,
            "password_env": _options.text,
            "from_address": _address,
            "login_url": _url,
            "service_name": _line,
            "addresses": _options.text,
            "ca_file": _ca_file,
            "timeout": _positive_seconds,
            "evaluation_days": _days,
            "handover_days": _days,
            "complaint_days": _days,
            "max_attempts": _options.positive_integer,
            "backoff_seconds": _options.seconds,
            "lease_seconds": _positive_seconds,
        }
        parsed = _options.parse(PLUGIN_NAME, options, readers)
        settings = cls(**parsed)
        if settings.username and not settings.password_env:
            raise InvalidConfiguration(
                "smtp options: username is set, so password_env must name the environment "
                "variable that holds the password"
            )
        return settings
