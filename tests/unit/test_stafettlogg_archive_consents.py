"""The archived stafettlogg says on what consent each service took part (domain.md §7.3: the
consent record — who consented, which services; participants and their tasks; the printout is
archived under arkivlova). Found by the sweep of 2026-12-07: the printout named only the ids of
the consents in force at opening, so a later consent (BTI-08) and a withdrawal were missing."""

from __future__ import annotations

import json
from datetime import timedelta

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.handover import accept_handover, propose_handover
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    archive_document,
    archive_text,
    open_stafettlogg,
    withdraw_stafettlogg_consent,
)
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.builders import DEFAULT_AS_OF as D
from barnekoordinator.testing.builders import consent_all, standard_case
from barnekoordinator.testing.leaks import identifier_runs


def test_the_printout_lists_every_log_consent_and_the_participants() -> None:
    """BTI-08: the consent extended to PPT before the handover is in the printout with its givers,
    services and period, and so is its withdrawal; each professional with service and title."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, (S.BARNEHAGE,), consent_id="log-bhg")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_2, as_of=D)
    later = D + timedelta(days=10)
    consent_all(
        run, ConsentPurpose.STAFETTLOGG, (S.BARNEHAGE, S.PPT), consent_id="log-ppt", as_of=later
    )
    run.run(propose_handover, to_ref="ppt", by="pl", as_of=later)
    run.run(accept_handover, by="ppt", as_of=later)
    end = later + timedelta(days=5)
    run.run(withdraw_stafettlogg_consent, consent_id="log-bhg", by="mor", as_of=end)
    run.run(withdraw_stafettlogg_consent, consent_id="log-ppt", by="far", as_of=end)
    doc = archive_document(run.case)
    assert doc["consent_ids"] == ["log-bhg"]  # those in force at opening, as before
    consents = {c["id"]: c for c in doc["consents"]}
    assert set(consents) == {"log-bhg", "log-ppt"}
    ppt = consents["log-ppt"]
    assert ppt["given_by"] == ["far", "mor"]
    assert ppt["services"] == ["barnehage", "ppt"]
    assert ppt["valid_from"] == later.isoformat()
    assert (ppt["withdrawn_on"], ppt["withdrawn_by"]) == (end.isoformat(), "far")
    participants = {p["ref"]: p for p in doc["participants"]}
    assert participants["ppt"] == {"ref": "ppt", "service": "ppt", "title": "PP-rådgiver"}
    assert not identifier_runs(json.dumps(doc, ensure_ascii=False))
    nb = archive_text(run.case)
    assert "Samtykker" in nb
    assert "log-ppt: far, mor -> barnehage, ppt" in nb
    assert f"trukket tilbake {end.isoformat()} (far)" in nb
    assert "ppt: ppt PP-rådgiver" in nb
    assert "Deltakarar" in archive_text(run.case, "nn")
    assert "Participants" in archive_text(run.case, "en")
