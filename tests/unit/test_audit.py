"""Unit tests of the audit trail: records, the hash chain and the family's view."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

import barnekoordinator.access.audit as audit_module
from barnekoordinator.access.audit import (
    LookGroup,
    audit_record,
    is_intact,
    local_date,
    render_who_looked,
    summarise_looks,
    verify,
)
from barnekoordinator.access.policy import AccessAction, AccessDecision, CaseRole
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.errors import ChainBroken, InvalidInput
from barnekoordinator.history.records import GENESIS, AuditRecord
from barnekoordinator_plugins.memory import InMemoryCaseStore

NURSE = Principal(
    subject="helseid-7f3a", display_label="Kari, helsestasjon", assurance=AssuranceLevel.HIGH
)
MOTHER = Principal(subject="idporten-9c1d", display_label="Mor", assurance=AssuranceLevel.HIGH)
ALLOWED = AccessDecision(
    allowed=True,
    action=AccessAction.READ,
    reason="a valid consent covers skole",
    basis=("pbrl-4-3",),
    role=CaseRole.PARTICIPANT,
)
DENIED = AccessDecision(allowed=False, action=AccessAction.READ, reason="no part in this case")
T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def record(
    principal: Principal = NURSE,
    *,
    action: str | AccessAction = AccessAction.READ,
    decision: AccessDecision = ALLOWED,
    at: datetime = T0,
    target: str = "case",
) -> AuditRecord:
    """An unsealed audit record."""
    return audit_record(
        case_id="case-1",
        principal=principal,
        action=action,
        target=target,
        decision=decision,
        at=at,
    )


def sealed_trail(*records: AuditRecord) -> list[AuditRecord]:
    """The records as a store would keep them: numbered and chained."""
    store = InMemoryCaseStore()
    return [store.append_audit(r) for r in records]


def isort_key(name: str) -> tuple[int, str]:
    """Ruff's __all__ order (RUF022): CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted() -> None:
    """The module's __all__ is sorted and every name exists."""
    names = audit_module.__all__
    assert names == sorted(names, key=isort_key)
    assert all(hasattr(audit_module, n) for n in names)


def test_audit_record_says_who_when_what_and_why() -> None:
    """A record holds the actor id and label, the action, target, decision and basis."""
    made = audit_record(
        case_id="case-1",
        principal=NURSE,
        action=AccessAction.READ,
        target="entry:stafettlogg:o1",
        decision=ALLOWED,
        at=T0,
        outcome="shown",
    )
    assert (made.actor, made.actor_label) == ("helseid-7f3a", "Kari, helsestasjon")
    assert (made.action, made.target, made.allowed) == ("read", "entry:stafettlogg:o1", True)
    assert made.reason == "a valid consent covers skole; shown"
    assert made.basis == ("pbrl-4-3",)
    assert made.at == T0
    assert made.hash == ""
    assert made.prev_hash == GENESIS


def test_command_names_are_kept_as_given() -> None:
    """An audited command name is stored as given (the view counts it as a change)."""
    assert record(action="add-tiltak").action == "add-tiltak"


def test_verify_accepts_an_intact_chain() -> None:
    """A trail sealed by a store verifies."""
    trail = sealed_trail(record(), record(MOTHER), record(decision=DENIED))
    verify("case-1", trail)
    assert is_intact("case-1", trail)


@pytest.mark.parametrize("tamper", ["edit", "remove", "insert", "reorder"])
def test_verify_detects_tampering(tamper: str) -> None:
    """Editing, removing, inserting or reordering an audit record breaks the chain."""
    trail = sealed_trail(record(), record(MOTHER), record(decision=DENIED))
    if tamper == "edit":
        trail[1] = attrs.evolve(trail[1], allowed=False)
    elif tamper == "remove":
        del trail[1]
    elif tamper == "insert":
        trail.insert(1, trail[0])
    else:
        trail[0], trail[1] = trail[1], trail[0]
    assert not is_intact("case-1", trail)
    with pytest.raises(ChainBroken):
        verify("case-1", trail)


@pytest.mark.parametrize(
    ("at", "day"),
    [
        (datetime(2026, 1, 5, 22, 59, tzinfo=UTC), date(2026, 1, 5)),
        (datetime(2026, 1, 5, 23, 0, tzinfo=UTC), date(2026, 1, 6)),
        (datetime(2026, 6, 9, 21, 59, tzinfo=UTC), date(2026, 6, 9)),
        (datetime(2026, 6, 9, 22, 0, tzinfo=UTC), date(2026, 6, 10)),
    ],
)
def test_local_date_is_the_norwegian_day(at: datetime, day: date) -> None:
    """Days are Norwegian days: UTC+1 in winter, UTC+2 in summer."""
    assert local_date(at) == day


def test_summary_groups_by_day_and_label() -> None:
    """Looks are grouped per Norwegian day and label, counting each kind of action."""
    late = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)  # already 6 January in Norway
    groups = summarise_looks(
        [
            record(),
            record(action="add-tiltak", at=T0 + timedelta(minutes=1)),
            record(at=T0 + timedelta(minutes=2)),
            record(MOTHER, action=AccessAction.READ_AUDIT, at=T0 + timedelta(minutes=3)),
            record(decision=DENIED, at=late),
        ]
    )
    assert groups == (
        LookGroup(
            day=date(2026, 1, 5),
            label="Kari, helsestasjon",
            counts=(("read", True, 2), ("write", True, 1)),
        ),
        LookGroup(day=date(2026, 1, 5), label="Mor", counts=(("read-audit", True, 1),)),
        LookGroup(day=date(2026, 1, 6), label="Kari, helsestasjon", counts=(("read", False, 1),)),
    )


def test_render_shows_labels_never_ids_targets_or_reasons() -> None:
    """The family view shows names and services only: no actor id, entry id or reason."""
    text = render_who_looked(
        sealed_trail(record(target="entry:stafettlogg:secret-note"), record(decision=DENIED)), "nb"
    )
    assert "Kari, helsestasjon: så saken, prøvde å se saken (avvist)" in text
    for hidden in ("helseid-7f3a", "secret-note", "consent", "pbrl"):
        assert hidden not in text


@pytest.mark.parametrize(
    ("lang", "title", "empty"),
    [
        ("nb", "Hvem har sett saken vår", "Ingen har sett saken ennå."),
        ("nn", "Kven har sett saka vår", "Ingen har sett saka enno."),
        ("en", "Who has looked at our case", "Nobody has looked at the case yet."),
    ],
)
def test_render_in_each_language(lang: str, title: str, empty: str) -> None:
    """Every language has a title, an empty-trail text and the day format of the language."""
    assert render_who_looked([], lang) == f"{title}\n\n{empty}\n"
    text = render_who_looked([record(), record(at=T0 + timedelta(hours=1))], lang)
    assert text.startswith(title)
    assert ("2026-01-05" if lang == "en" else "05.01.2026") in text
    assert {"nb": "2 ganger", "nn": "2 gonger", "en": "2 times"}[lang] in text


def test_every_action_kind_has_text_in_every_language() -> None:
    """Each action kind, done or refused, renders in nb, nn and en."""
    for lang in audit_module.LANGUAGES:
        for action in AccessAction:
            for decision in (ALLOWED, DENIED):
                text = render_who_looked([record(action=action, decision=decision)], lang)
                assert "Kari, helsestasjon: " in text


def test_unknown_language_is_refused() -> None:
    """Only nb, nn and en are offered."""
    with pytest.raises(InvalidInput, match="lang"):
        render_who_looked([], "sv")
