"""A stored message turned into an e-mail: only that something waits, and where to log in."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from barnekoordinator.history.outbox import OutboxMessage
from barnekoordinator.texts import Language, text
from barnekoordinator_plugins.notify._settings import NotifySettings


def message_id(key: str, from_address: str) -> str:
    """The ``Message-ID`` of the message with this idempotency key: the same on every attempt,
    so a receiver can drop a copy sent twice (the key itself is not shown)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    domain = from_address.rpartition("@")[2] or "barnekoordinator.invalid"
    return f"<{digest}@{domain}>"


def _date(day: date, lang: Language) -> str:
    return day.isoformat() if lang is Language.EN else day.strftime("%d.%m.%Y")


def letter(
    message: OutboxMessage,
    *,
    to: str,
    lang: Language,
    settings: NotifySettings,
    now: datetime,
) -> EmailMessage:
    """The e-mail for ``message`` to the address ``to`` in ``lang``.

    Subject and body say which kind of thing waits, at most one date, the login address and
    nothing else: no case id, no name, no identity number, no free text from the case.
    """
    when = "" if message.on is None else _date(message.on, lang)
    body = "\n\n".join(
        (
            text(f"notify.{message.kind.value}").format(lang, date=when),
            text("notify.login").format(lang, url=settings.login_url),
            text("notify.footer").get(lang),
        )
    )
    mail = EmailMessage()
    mail["Subject"] = text("notify.subject").format(lang, service=settings.service_name)
    mail["From"] = settings.from_address
    mail["To"] = to
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id(message.key, settings.from_address)
    mail["Auto-Submitted"] = "auto-generated"
    mail["Content-Language"] = lang.value
    mail.set_content(body + "\n")
    return mail
