"""The notifier (``smtp``): reminders that reach people, by e-mail, from an outbox.

**What is sent.** A message says only *that* something is waiting and where to log in, in
bokmål, nynorsk or English (the recipient's setting in the address book, default bokmål): never a
name, an identity number, a case id or free text from the case. Its kinds
([`OutboxKind`][barnekoordinator.history.outbox.OutboxKind]):

* ``proposed-as-holder`` (``handover.proposed``): to the proposed person, at once;
* ``handover-unanswered`` (the same): to the proposed person and the holder, ``handover_days``
  later, if the proposal is still pending;
* ``evaluation-due`` (a tiltak or plan measure with an evaluation date): to the responsible,
  ``evaluation_days`` before the date, if the evaluation is still due;
* ``evaluation-overdue`` (the same): to the responsible, the day after, if still due;
* ``meeting-called`` (``stafettlogg.meeting-scheduled``): to each invited, at once, naming the
  day (the prepared agenda is behind the login);
* ``minutes-ready`` (``stafettlogg.minutes-recorded``): to each who attended, at once;
* ``decision-made`` (``individual-decision.recorded``): to each party, at once, naming the
  complaint deadline;
* ``complaint-deadline`` (the same): to each party, ``complaint_days`` before the deadline.

**How.** The messages are computed from the events as they are appended (the hook
``barnekoordinator_outbox_messages``) and stored **in the same transaction**
([`barnekoordinator.history.outbox`][barnekoordinator.history.outbox]), each with an idempotency
key (kind, case, item, recipient, date). ``barnekoordinator remind`` then sends what is due
([`dispatch()`][barnekoordinator_plugins.notify.dispatch]): a reminder whose agenda row is gone
(the handover was answered, the tiltak evaluated) is dropped as obsolete at sending time.
Delivery is at least once; the ``Message-ID`` derived from the key lets a receiver drop a copy
(decision 22).

**Configuration** (``Config.plugin_options["smtp"]``, see
[`NotifySettings`][barnekoordinator_plugins.notify.NotifySettings]): the plugin is active when the
section exists (it may be empty: ``remind --outbox-dir`` then writes ``.eml`` files).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from barnekoordinator.hookspecs import hookimpl
from barnekoordinator_plugins.notify._addresses import Address, AddressBook, AddressFile
from barnekoordinator_plugins.notify._dispatch import (
    DispatchReport,
    Outcome,
    backoff,
    dispatch,
    due_now,
    outbox_of,
)
from barnekoordinator_plugins.notify._letters import letter, message_id
from barnekoordinator_plugins.notify._messages import MAKERS, message_key, messages_for
from barnekoordinator_plugins.notify._senders import EmlFolder, MailSender, SmtpSender
from barnekoordinator_plugins.notify._settings import PLUGIN_NAME, NotifySettings

if TYPE_CHECKING:
    from barnekoordinator.config import Config
    from barnekoordinator.history.case import Case
    from barnekoordinator.history.outbox import OutboxMessage
    from barnekoordinator.history.records import EventRecord

__all__ = [
    "MAKERS",
    "PLUGIN_NAME",
    "Address",
    "AddressBook",
    "AddressFile",
    "DispatchReport",
    "EmlFolder",
    "MailSender",
    "NotifySettings",
    "Outcome",
    "SmtpSender",
    "backoff",
    "barnekoordinator_configure",
    "barnekoordinator_outbox_messages",
    "dispatch",
    "due_now",
    "letter",
    "message_id",
    "message_key",
    "messages_for",
    "outbox_of",
    "settings_of",
]


def settings_of(config: Config) -> NotifySettings | None:
    """The notifier's settings, or ``None`` when ``config`` has no ``smtp`` section."""
    options = config.plugin_options.get(PLUGIN_NAME)
    return None if options is None else NotifySettings.from_options(options)


@hookimpl(trylast=True)
def barnekoordinator_configure(config: Config) -> None:
    """Check the ``smtp`` options, so a bad one fails when the application starts."""
    settings_of(config)


@hookimpl(trylast=True)
def barnekoordinator_outbox_messages(
    records: Sequence[EventRecord], config: Config, case: Case
) -> Sequence[OutboxMessage] | None:
    """The messages ``records`` cause in ``case``, when the notifier is configured."""
    settings = settings_of(config)
    if settings is None:
        return None
    return messages_for(records, settings, case)
