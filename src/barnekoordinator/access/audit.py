"""The audit trail: every read and write, allowed or denied, and who has looked.

The Casebook writes exactly one [`AuditRecord`][barnekoordinator.history.records.AuditRecord] for
every read and every write it is asked to do — allowed or denied — with who (the actor id and the
label the family sees), when, what (the action and its target: the case or one entry) and on which
basis (the access decision's reason and legal reference keys). Audit records are append-only and
hash-chained per case exactly like the case history: the store numbers and seals each record with
[`AuditRecord.sealed()`][barnekoordinator.history.records.AuditRecord.sealed] inside its write
transaction, and [`verify()`][barnekoordinator.access.audit.verify] detects any edited, removed,
inserted or reordered record.

[`render_who_looked()`][barnekoordinator.access.audit.render_who_looked] is the family's view, «hvem
har sett saken vår», in bokmål, nynorsk and English: grouped by day and by person/service, with what
they did and how often. It shows labels (name and service) only — never an actor id, a national id,
an entry id or a reason — so it cannot reveal that an entry withheld from the guardians exists.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

import attrs

from barnekoordinator.access.policy import AccessAction, AccessDecision
from barnekoordinator.access.principal import Principal
from barnekoordinator.errors import ChainBroken, InvalidInput
from barnekoordinator.history.records import AuditRecord, verify_audit
from barnekoordinator.texts import text

__all__ = [
    "LANGUAGES",
    "SHREDDED",
    "LookGroup",
    "audit_record",
    "describe_look",
    "is_intact",
    "local_date",
    "render_who_looked",
    "summarise_looks",
    "verify",
]

LANGUAGES: Final = ("nb", "nn", "en")
"""The languages of the family view; ``nb`` is the default."""


@functools.cache
def _oslo() -> ZoneInfo:
    return ZoneInfo("Europe/Oslo")


def local_date(at: datetime) -> date:
    """The Norwegian calendar day (Europe/Oslo) of a UTC instant.

    Birthdays and the days the family sees are Norwegian days: 23:30 UTC on the
    evening before an 18th birthday is already the birthday in Norway in summer.
    """
    return at.astimezone(_oslo()).date()


def audit_record(
    *,
    case_id: str,
    principal: Principal,
    action: str | AccessAction,
    target: str,
    decision: AccessDecision,
    at: datetime,
    outcome: str = "",
) -> AuditRecord:
    """An unsealed audit record of one decision (the store numbers and seals it).

    ``outcome`` adds what happened after an allowed decision ("stored sequences
    4–5", "refused by a rule", "concurrency conflict; nothing stored").
    """
    reason = decision.reason if not outcome else f"{decision.reason}; {outcome}"
    return AuditRecord(
        case_id=case_id,
        sequence=0,
        at=at,
        actor=principal.subject,
        actor_label=principal.display_label,
        action=action.value if isinstance(action, AccessAction) else action,
        target=target,
        allowed=decision.allowed,
        reason=reason,
        basis=decision.basis,
    )


def verify(case_id: str, records: Sequence[AuditRecord]) -> None:
    """Check a case's audit trail; raise [`ChainBroken`][barnekoordinator.errors.ChainBroken]."""
    verify_audit(case_id, records)


def is_intact(case_id: str, records: Sequence[AuditRecord]) -> bool:
    """True when the audit trail verifies (see
    [`verify()`][barnekoordinator.access.audit.verify]).
    """
    try:
        verify_audit(case_id, records)
    except ChainBroken:
        return False
    return True


# --- the family's view -----------------------------------------------------------------


SHREDDED: Final = "shred"
"""The action of a crypto-shred's audit record
([`KeyRing.destroy`][barnekoordinator.history.sealing.KeyRing.destroy]): shown to the family in
words of its own, not as "made changes"."""


def _kind(action: str) -> str:
    """The family-view category of an audited action (command names are changes)."""
    if action == SHREDDED:
        return SHREDDED
    return AccessAction.of(action).value if action.strip() else AccessAction.WRITE.value


@attrs.frozen(kw_only=True)
class LookGroup:
    """What one person/service did in the case on one day."""

    day: date
    label: str
    counts: tuple[tuple[str, bool, int], ...]
    """(action kind, allowed, how many times), in the order first seen that day."""


def summarise_looks(records: Iterable[AuditRecord]) -> tuple[LookGroup, ...]:
    """Group audit records by Norwegian day and label, in order of first appearance."""
    groups: dict[tuple[date, str], dict[tuple[str, bool], int]] = {}
    for record in sorted(records, key=lambda r: (r.at, r.sequence)):
        key = (local_date(record.at), record.actor_label)
        counts = groups.setdefault(key, {})
        kind = (_kind(record.action), record.allowed)
        counts[kind] = counts.get(kind, 0) + 1
    return tuple(
        LookGroup(
            day=day,
            label=label,
            counts=tuple((kind, allowed, n) for (kind, allowed), n in counts.items()),
        )
        for (day, label), counts in groups.items()
    )


def _day(day: date, lang: str) -> str:
    return day.isoformat() if lang == "en" else day.strftime("%d.%m.%Y")


def render_who_looked(records: Iterable[AuditRecord], lang: str = "nb") -> str:
    """The family's view of a case's audit trail as text in ``lang`` (nb, nn or en).

    One block per Norwegian day, one line per person/service label:

    ```text
    Hvem har sett saken vår

    05.01.2026
      Kari Helse, helsestasjon: så saken (2 ganger), gjorde endringer
    ```
    """
    if lang not in LANGUAGES:
        raise InvalidInput(f"lang: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    groups = summarise_looks(records)
    lines = [text("audit.title").get(lang), ""]
    if not groups:
        lines.append(text("audit.empty").get(lang))
        return "\n".join(lines) + "\n"
    current: date | None = None
    for group in groups:
        if group.day != current:
            if current is not None:
                lines.append("")
            lines.append(_day(group.day, lang))
            current = group.day
        lines.append(f"  {group.label}: {describe_look(group, lang)}")
    return "\n".join(lines) + "\n"


def describe_look(group: LookGroup, lang: str = "nb") -> str:
    """What one person/service did on one day, in ``lang``: ``så saken (2 ganger), gjorde
    endringer`` (a line of [`render_who_looked()`][barnekoordinator.access.audit.render_who_looked]
    after the label; Min oversikt shows the same words)."""
    if lang not in LANGUAGES:
        raise InvalidInput(f"lang: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    parts = []
    for kind, allowed, n in group.counts:
        did = text(f"audit.{'done' if allowed else 'tried'}.{kind}").get(lang)
        parts.append(did if n == 1 else f"{did} ({text('audit.times').format(lang, n=n)})")
    return ", ".join(parts)
