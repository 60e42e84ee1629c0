"""Where letters go: an SMTP server (STARTTLS) or a folder of ``.eml`` files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from email.errors import MessageError
from email.message import EmailMessage
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

from barnekoordinator.errors import DeliveryFailed, InvalidConfiguration, MailServerUnavailable
from barnekoordinator_plugins.notify._settings import NotifySettings

__all__ = ["EmlFolder", "MailSender", "SmtpSender"]


@runtime_checkable
class MailSender(Protocol):
    """Sends letters in one session: ``open()``, ``send()`` each, ``close()``."""

    def open(self) -> None:
        """Start a session; raise
        [`MailServerUnavailable`][barnekoordinator.errors.MailServerUnavailable] if none can be had.
        """
        ...

    def send(self, mail: EmailMessage, to: str) -> None:
        """Send one letter to ``to``; raise
        [`DeliveryFailed`][barnekoordinator.errors.DeliveryFailed] if it was not accepted."""
        ...

    def close(self) -> None:
        """End the session (never raises)."""
        ...


_UNENCODABLE: Final = (ValueError, IndexError, AttributeError, MessageError)
"""What ``send_message`` raises on a letter or address it cannot encode (``UnicodeError`` is a
``ValueError``)."""


def _code(exc: BaseException) -> int:
    code = getattr(exc, "smtp_code", 0)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [value[0] for value in exc.recipients.values()]
        code = codes[0] if codes else 0
    return code if isinstance(code, int) else 0


class SmtpSender:
    """A [`MailSender`][barnekoordinator_plugins.notify.MailSender] over ``smtplib`` with STARTTLS.

    The certificate is verified against the system's trust store and ``settings.ca_file``; the
    password is read from the environment variable ``settings.password_env`` when the session
    opens, and never kept in a message or a log line.
    """

    def __init__(
        self, settings: NotifySettings, *, environ: Mapping[str, str] | None = None
    ) -> None:
        self._settings = settings
        self._environ = os.environ if environ is None else environ
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect, say EHLO, STARTTLS and log in."""
        s = self._settings
        password = ""
        if s.username:
            password = self._environ.get(s.password_env, "")
            if not password:
                raise InvalidConfiguration(
                    f"smtp: the environment variable {s.password_env!r} holding the password "
                    "is not set"
                )
        context = None
        if s.starttls:
            try:
                context = ssl.create_default_context(cafile=s.ca_file or None)
            except (OSError, ValueError) as exc:
                # A ca_file that is missing, unreadable or holds no certificate: the settings
                # are wrong, and no later run would do better (never counted as an attempt).
                # ssl.SSLError is an OSError.
                raise InvalidConfiguration(
                    f"smtp options: ca_file {s.ca_file!r} cannot be used as certificates to "
                    f"trust ({type(exc).__name__})"
                ) from None
        try:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            # ValueError (UnicodeError among them): a host or timeout the socket layer refuses.
            # NotifySettings refuses those when made; a vendor's subclass may not.
            raise MailServerUnavailable(
                f"smtp {s.host}:{s.port}: cannot connect ({type(exc).__name__})"
            ) from exc
        try:
            smtp.ehlo()
            if context is not None:
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, password)
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            # ValueError: a login name or password smtplib cannot encode, a server name the
            # TLS layer cannot take.
            with contextlib.suppress(OSError, smtplib.SMTPException, ValueError):
                smtp.close()
            stage = "login" if isinstance(exc, smtplib.SMTPAuthenticationError) else "STARTTLS"
            raise MailServerUnavailable(
                f"smtp {s.host}:{s.port}: {stage} failed ({type(exc).__name__} {_code(exc)})"
            ) from exc
        self._smtp = smtp

    def send(self, mail: EmailMessage, to: str) -> None:
        """Send one letter (MAIL FROM, RCPT TO, DATA)."""
        smtp = self._smtp
        if smtp is None:
            raise DeliveryFailed("smtp: no open session", connection_lost=True)
        try:
            smtp.send_message(mail, from_addr=self._settings.from_address, to_addrs=[to])
        except smtplib.SMTPServerDisconnected as exc:
            self._smtp = None
            raise DeliveryFailed(
                "smtp: the server closed the connection", connection_lost=True
            ) from exc
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise _refused("MAIL FROM/DATA", exc) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            raise _refused("RCPT TO", exc) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryFailed(
                f"smtp: {type(exc).__name__} while sending", connection_lost=True
            ) from exc
        except _UNENCODABLE as exc:
            # The letter (or its address) cannot be encoded: no attempt will ever send it. The
            # session's state is unknown, so it is ended.
            self.close()
            raise DeliveryFailed(
                f"smtp: the letter cannot be encoded ({type(exc).__name__})",
                permanent=True,
                connection_lost=True,
            ) from exc
        except Exception as exc:
            # Anything else is this letter's failure too, never the run's: the message is retried
            # after its backoff (and given up after max_attempts) on a new session.
            self.close()
            raise DeliveryFailed(
                f"smtp: {type(exc).__name__} while sending", connection_lost=True
            ) from exc

    def _reset(self) -> None:
        smtp = self._smtp
        if smtp is not None:
            try:
                smtp.rset()
            except (OSError, smtplib.SMTPException):
                self.close()

    def close(self) -> None:
        """QUIT, ignoring a server that is already gone."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException, ValueError):
                smtp.quit()
            with contextlib.suppress(OSError, ValueError):
                smtp.close()


def _refused(stage: str, exc: smtplib.SMTPException) -> DeliveryFailed:
    code = _code(exc)
    return DeliveryFailed(
        f"smtp: {stage} refused with {code}", code=code, permanent=500 <= code < 600
    )


class EmlFolder:
    """A [`MailSender`][barnekoordinator_plugins.notify.MailSender] that writes each letter as an
    ``.eml`` file in ``folder`` (no mail server needed).

    The file is named after the letter's ``Message-ID``, written to a temporary file and renamed,
    so a letter written twice is one file.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def open(self) -> None:
        """Create the folder if it is missing; its parent folder must exist (a mistyped path
        never grows a tree of folders)."""
        try:
            self.folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise MailServerUnavailable(
                f"outbox folder {str(self.folder)!r}: cannot be created ({exc.strerror})"
            ) from exc

    def send(self, mail: EmailMessage, to: str) -> None:
        """Write ``mail`` (addressed to ``to``) as ``<digest>.eml``."""
        name = hashlib.sha256(str(mail["Message-ID"]).encode()).hexdigest()[:32] + ".eml"
        try:
            with tempfile.NamedTemporaryFile(
                "wb", dir=self.folder, suffix=".tmp", delete=False
            ) as handle:
                handle.write(mail.as_bytes())
            os.replace(handle.name, self.folder / name)
        except OSError as exc:
            raise DeliveryFailed(
                f"outbox folder {str(self.folder)!r}: cannot write ({exc.strerror})"
            ) from exc

    def close(self) -> None:
        """Nothing to close."""
