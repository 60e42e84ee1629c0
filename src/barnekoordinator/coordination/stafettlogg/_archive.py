"""The closing printout of a stafettlogg for the archive (arkivlova), as data and as text.

[`archive_document()`][barnekoordinator.coordination.stafettlogg.archive_document] gives plain,
JSON-able data; [`archive_text()`][barnekoordinator.coordination.stafettlogg.archive_text] renders
the same document as text in Norwegian or English. People appear by case-local ref only; no national
identifiers or names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from barnekoordinator.access.consent import Consent, ConsentPurpose, ledger
from barnekoordinator.coordination.stafettlogg._case import current_log
from barnekoordinator.coordination.stafettlogg._values import (
    Evaluation,
    Goal,
    LevelChange,
    LogDecision,
    LogMeasure,
    Meeting,
    Observation,
    Stafettlogg,
)
from barnekoordinator.errors import StafettloggError
from barnekoordinator.history.case import Case
from barnekoordinator.people import Professional
from barnekoordinator.texts import language, text

# --- the document ---------------------------------------------------------------------


def archive_document(case: Case) -> dict[str, Any]:
    """The closing printout of the current stafettlogg as plain, JSON-able data (arkivlova).

    It says on what consent each service took part (domain.md §7.3): every stafettlogg consent of
    the case, with who gave it, the services and sections it covered, its period and its
    withdrawal, and the professionals taking part when it is printed, with their service and
    title. ``consent_ids`` are the consents in force when the log was opened. People appear by
    case-local ref only; no national identifiers or names.

    Args:
        case: The case whose current (latest) stafettlogg is printed.

    Returns:
        The ``stafettlogg-archive`` document, version 1.

    Raises:
        StafettloggError: The case has no stafettlogg.
    """
    log = current_log(case)
    if log is None:
        raise StafettloggError(f"case {case.id}: no stafettlogg to export")
    return {
        "document": "stafettlogg-archive",
        "version": 1,
        "case_id": case.id,
        "municipality_number": case.municipality_number,
        **_header(log),
        "consents": [
            _consent(c) for c in ledger(case).consents if c.purpose is ConsentPurpose.STAFETTLOGG
        ],
        "participants": [_participant(p) for p in case.participants],
        "stafettholder_history": [
            {"on": _iso(b.on), "kind": b.kind.value, "from": b.from_ref, "to": b.to_ref}
            for b in log.baton.history
        ],
        "level_changes": [_level_change(c) for c in log.level_changes],
        "goals": [_goal(g) for g in log.goals],
        "observations": [_observation(o) for o in log.observations],
        "tiltak": [_measure(t) for t in log.tiltak],
        "meetings": [_meeting(m) for m in log.meetings],
        "decisions": [_decision(d) for d in log.decisions],
        "legal_basis": ["bti-stafettlogg", "arkivl"],
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _header(log: Stafettlogg) -> dict[str, Any]:
    """The log's life: status, level, opening, closing or linking, and its consents."""
    return {
        "status": log.status.value,
        "level": int(log.level),
        "opened_on": _iso(log.opened_on),
        "opened_by": log.opened_by,
        "closed_on": _iso(log.closed_on),
        "closing_reason": log.closing_reason.value if log.closing_reason else None,
        "closing_summary": log.closing_summary,
        "linked_to": log.linked_to.value if log.linked_to else None,
        "consent_ids": list(log.consent_ids),
    }


def _consent(c: Consent) -> dict[str, Any]:
    return {
        "id": c.id,
        "given_by": sorted(c.given_by),
        "services": sorted(s.value for s in c.services),
        "sections": sorted(s.value for s in c.sections),
        "valid_from": _iso(c.valid_from),
        "valid_to": _iso(c.valid_to),
        "withdrawn_on": _iso(c.withdrawn_on),
        "withdrawn_by": c.withdrawn_by,
    }


def _participant(p: Professional) -> dict[str, Any]:
    return {"ref": p.ref, "service": p.service.value, "title": p.title}


def _level_change(c: LevelChange) -> dict[str, Any]:
    return {
        "on": _iso(c.on),
        "from": int(c.from_level),
        "to": int(c.to_level),
        "holder": c.decision.holder_ref,
        "family_wishes": c.decision.family_wishes,
        "measure_scope": c.decision.measure_scope,
        "coordination_need": c.decision.coordination_need,
        "decided_with": list(c.decision.decided_with),
    }


def _goal(g: Goal) -> dict[str, Any]:
    return {"id": g.id, "on": _iso(g.recorded_on), "text": g.text, "life_area": g.life_area}


def _observation(o: Observation) -> dict[str, Any]:
    return {
        "id": o.id,
        "on": _iso(o.recorded_on),
        "kind": o.kind.value,
        "by": o.author_ref,
        "text": o.text,
    }


def _measure(t: LogMeasure) -> dict[str, Any]:
    return {
        "id": t.id,
        "description": t.description,
        "responsible": t.responsible_ref,
        "proposed_by": t.proposed_by.value,
        "created_on": _iso(t.created_on),
        "evaluation_date": _iso(t.evaluation_date),
        "ended_on": _iso(t.ended_on),
        "evaluations": [_evaluation(ev) for ev in t.evaluations],
    }


def _evaluation(ev: Evaluation) -> dict[str, Any]:
    return {
        "on": _iso(ev.on),
        "by": ev.by,
        "effect": ev.effect.value,
        "next_step": ev.next_step.value,
        "note": ev.note,
    }


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.id,
        "on": _iso(m.on),
        "agenda": list(m.agenda),
        "invited": list(m.invited),
        "attended": list(m.minutes.attended) if m.minutes else None,
        "minutes": m.minutes.text if m.minutes else None,
    }


def _decision(d: LogDecision) -> dict[str, Any]:
    return {
        "id": d.id,
        "on": _iso(d.decided_on),
        "text": d.text,
        "meeting_id": d.meeting_id,
        "follow_up_by": d.follow_up_by,
        "follow_up_on": _iso(d.follow_up_on),
        "done_on": _iso(d.done_on),
    }


# --- the text -------------------------------------------------------------------------

_LABEL_KEYS = (
    "title",
    "case",
    "status",
    "level",
    "opened",
    "closed",
    "reason",
    "consents",
    "withdrawn",
    "participants",
    "holders",
    "goals",
    "observations",
    "tiltak",
    "responsible",
    "evaluate",
    "meetings",
    "decisions",
    "none",
)


def archive_text(case: Case, lang: str = "nb") -> str:
    """A plain-text rendering of
    [`archive_document()`][barnekoordinator.coordination.stafettlogg.archive_document] (``lang``
    ``"nb"``, ``"nn"``, ``"en"`` or an installed extra language).

    Raises:
        InvalidInput: ``lang`` is not a language of the texts.
        StafettloggError: The case has no stafettlogg.
    """
    code = language(lang)
    doc = archive_document(case)
    t = {key: text(f"stafettlogg-archive.{key}").get(code) for key in _LABEL_KEYS}
    lines = [
        t["title"],
        "=" * len(t["title"]),
        f"{t['case']}: {doc['case_id']} ({doc['municipality_number']})",
        f"{t['status']}: {doc['status']}    {t['level']}: {doc['level']}",
        f"{t['opened']}: {doc['opened_on']}    {t['closed']}: {doc['closed_on'] or '-'}",
    ]
    if doc["closing_reason"]:
        lines.append(f"{t['reason']}: {doc['closing_reason']} {doc['closing_summary']}".rstrip())
    sections = (
        (t["consents"], [_consent_row(c, t) for c in doc["consents"]]),
        (
            t["participants"],
            [f"{p['ref']}: {p['service']} {p['title']}".rstrip() for p in doc["participants"]],
        ),
        (
            t["holders"],
            [
                f"{h['on']} {h['kind']}: {h['from'] or '-'} -> {h['to'] or '-'}"
                for h in doc["stafettholder_history"]
            ],
        ),
        (t["goals"], [f"{g['on']} {g['text']}" for g in doc["goals"]]),
        (
            t["observations"],
            [f"{o['on']} [{o['kind']}] {o['by']}: {o['text']}" for o in doc["observations"]],
        ),
        (t["tiltak"], _measure_rows(doc["tiltak"], t)),
        (t["meetings"], _meeting_rows(doc["meetings"])),
        (t["decisions"], [f"{d['on']} {d['text']}" for d in doc["decisions"]]),
    )
    for title, rows in sections:
        lines.extend(["", title, "-" * len(title)])
        lines.extend(rows or [t["none"]])
    return "\n".join(lines) + "\n"


def _consent_row(c: dict[str, Any], t: dict[str, str]) -> str:
    """A consent: who gave it, for which services, for how long, and its withdrawal."""
    row = (
        f"{c['id']}: {', '.join(c['given_by'])} -> {', '.join(c['services'])} "
        f"({c['valid_from']} – {c['valid_to'] or ''})"
    )
    if c["withdrawn_on"]:
        row += f" {t['withdrawn']} {c['withdrawn_on']} ({c['withdrawn_by']})"
    return row


def _measure_rows(tiltak: list[dict[str, Any]], t: dict[str, str]) -> list[str]:
    """Each tiltak on a line, its evaluations indented below it."""
    rows: list[str] = []
    for x in tiltak:
        rows.append(
            f"{x['id']}: {x['description']} ({t['responsible']} {x['responsible']}, "
            f"{t['evaluate']} {x['evaluation_date']})"
        )
        rows.extend(
            f"    {ev['on']} {ev['effect']} -> {ev['next_step']} {ev['note']}".rstrip()
            for ev in x["evaluations"]
        )
    return rows


def _meeting_rows(meetings: list[dict[str, Any]]) -> list[str]:
    """Each meeting with its agenda, and its minutes indented below it."""
    rows: list[str] = []
    for m in meetings:
        rows.append(f"{m['on']} {m['id']}: {'; '.join(m['agenda'])}")
        if m["minutes"]:
            rows.append(f"    {m['minutes']}")
    return rows
