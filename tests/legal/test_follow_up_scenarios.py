"""The barnekoordinator's duties b–d, row by row (hotl § 7-2 a second ledd; issue 14 item 7).

Each duty is an obligation of the barnekoordinator until it is recorded, with dates from the
municipality's settings; the rows name their letter of the statute. The agenda projection of a
real SQLite store carries the same dates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _bk_scenarios import day, load, params

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.appointments import (
    AppointmentEndReason,
    appoint_barnekoordinator,
    end_appointment,
)
from barnekoordinator.coordination.follow_up import (
    FollowUpState,
    InformationTopic,
    OverviewItem,
    ReferralKind,
    ServiceStatus,
    follow_up_state,
    give_information,
    make_referral,
    record_follow_up_overview,
)
from barnekoordinator.coordination.roles import Role, obligations
from barnekoordinator.errors import CoordinationError, InvalidInput, NotResponsible
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.serialization import to_records
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import CaseRun, consent_all, professional, standard_case
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

ROWS = load("follow_up.toml", "row")
APPOINTED = date(2025, 3, 3)
NURSE = professional("helsesoster", ServiceKind.HELSESTASJON, title="helsesykepleier")


def _appointed() -> CaseRun:
    run = standard_case(age=6, as_of=APPOINTED)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [ServiceKind.HELSESTASJON], as_of=APPOINTED)
    run.run(
        appoint_barnekoordinator,
        coordinator=NURSE,
        by="ke",
        as_of=APPOINTED,
        family_wishes="Familien ønsket helsesykepleieren.",
    )
    return run


def _step(run: CaseRun, i: int, step: dict[str, Any]) -> None:
    on = day(step["on"])
    if step["step"] == "overview":
        items = [
            OverviewItem(service=ServiceKind(s), status=ServiceStatus(st))
            for s, st in step["items"]
        ]
        run.run(
            record_follow_up_overview, overview_id=f"o{i}", items=items, by="helsesoster", as_of=on
        )
    elif step["step"] == "information":
        run.run(
            give_information,
            information_id=f"i{i}",
            topic=InformationTopic(step["topic"]),
            to_refs=step["to"],
            organisations=step.get("organisations", ()),
            guidance_in_contact=step.get("guidance", False),
            by="helsesoster",
            as_of=on,
        )
    else:
        run.run(
            make_referral,
            referral_id=f"r{i}",
            kind=ReferralKind(step["kind"]),
            to_service=ServiceKind(step["service"]),
            for_refs=step["for"],
            by="helsesoster",
            as_of=on,
        )


@pytest.mark.parametrize("row", params(ROWS))
def test_follow_up_scenario(row: dict[str, Any]) -> None:
    """Each duty is open, then overdue, until the record its letter asks for is made."""
    label = f"{row['name']} [{row['basis']}]"
    run = _appointed()
    for i, step in enumerate(row.get("steps", ())):
        _step(run, i, step)
    # The ids the fold keeps (decision 19) are those of the records, live and replayed.
    state = follow_up_state(run.case)
    rebuilt = FollowUpState(
        overviews=state.overviews, information=state.information, referrals=state.referrals
    )
    assert state.used_ids == rebuilt.used_ids == follow_up_state(run.replay()).used_ids
    for check in row["check"]:
        found = [
            o
            for o in obligations(run.case, day(check["as_of"]))
            if o.code.startswith(check.get("only", "barnekoordinator."))
            and o.duty in ("barnekoordinator.b", "barnekoordinator.c", "barnekoordinator.d")
        ]

        def name(o: Any) -> str:
            return f"{o.code}:{o.subject}" if o.code == "barnekoordinator.referral" else o.code

        assert sorted(name(o) for o in found) == check["open"], f"{label} on {check['as_of']}"
        late = sorted(name(o) for o in found if o.status.value == "overdue")
        assert late == check["overdue"], f"{label} on {check['as_of']}"
        for o in found:
            assert o.actor_ref == "helsesoster", label
            assert o.role is Role.BARNEKOORDINATOR, label
            assert "hotl-7-2-a" in {r.key for r in o.basis}, label
            assert o.text("nn"), label
            assert o.text("nn") != o.text("en"), label


def test_only_the_barnekoordinator_records_duties_for_members_of_the_family() -> None:
    """Duties b–d are the barnekoordinator's, about the family in the case (hotl § 7-2 a)."""
    run = standard_case(age=6, as_of=APPOINTED)
    item = [OverviewItem(service=ServiceKind.PPT, status=ServiceStatus.NEEDED)]
    with pytest.raises(CoordinationError, match="none is appointed"):
        record_follow_up_overview(run.case, overview_id="o", items=item, by="ke", as_of=APPOINTED)
    run = _appointed()
    with pytest.raises(NotResponsible):
        record_follow_up_overview(
            run.case, overview_id="o", items=item, by="laerer", as_of=APPOINTED
        )
    with pytest.raises(InvalidInput, match="not members of the family"):
        make_referral(
            run.case,
            referral_id="r",
            kind=ReferralKind.CONTACT,
            to_organisation="Foreningen",
            for_refs=["nabo"],
            by="helsesoster",
            as_of=APPOINTED,
        )
    with pytest.raises(InvalidInput, match="national identity number"):
        give_information(
            run.case,
            information_id="i",
            topic=InformationTopic.HEALTH_AND_CARE,
            to_refs=["mor"],
            note="gjelder 20851250051",
            by="helsesoster",
            as_of=APPOINTED,
        )
    with pytest.raises(InvalidInput, match="exactly one"):
        make_referral(
            run.case,
            referral_id="r",
            kind=ReferralKind.CONTACT,
            for_refs=["mor"],
            by="helsesoster",
            as_of=APPOINTED,
        )


def test_duties_are_agenda_rows_in_a_real_store_until_recorded(tmp_path: Path) -> None:
    """The store's duty-due rows carry the settings' dates and go when the duty is recorded."""
    run = _appointed()
    run.run(
        give_information,
        information_id="i1",
        topic=InformationTopic.HEALTH_AND_CARE,
        to_refs=["mor"],
        by="helsesoster",
        as_of=date(2025, 3, 10),
    )
    run.run(
        record_follow_up_overview,
        overview_id="o1",
        items=[OverviewItem(service=ServiceKind.PPT, status=ServiceStatus.NEEDED)],
        by="helsesoster",
        as_of=date(2025, 3, 20),
    )
    store = SQLiteCaseStore(str(tmp_path / "cases.db"))
    records = to_records(tuple(run.history), GENESIS)
    store.append(run.case.id, 0, records)
    rows = {
        (r.key, r.due) for r in store.agenda(until=date(2026, 1, 1), kinds=[AgendaKind.DUTY_DUE])
    }
    assert rows == {
        ("barnekoordinator:b:overview", date(2025, 9, 16)),
        ("barnekoordinator:information:other-welfare", date(2025, 4, 2)),
        ("barnekoordinator:information:user-organisations", date(2025, 4, 2)),
        ("barnekoordinator:referral:ppt", date(2025, 4, 3)),
    }
    ended = end_appointment(
        run.case,
        role=Role.BARNEKOORDINATOR,
        by="ke",
        as_of=date(2025, 5, 1),
        reason=AppointmentEndReason.NO_LONGER_NEEDED,
    )
    more = run.case.record(ended, actor="ke", clock=run.clock)
    run.history.extend(more)
    store.append(run.case.id, len(records), to_records(more, records[-1].hash))
    assert store.agenda(until=date(2026, 1, 1), kinds=[AgendaKind.DUTY_DUE]) == []
    assert CATALOGUE.replay(run.case.id, run.history).id == run.case.id


@pytest.mark.parametrize("written", ["208512-50051", "20 85 12 500 51", "208512  50051"])
def test_a_note_refuses_an_identity_number_in_any_written_form(written: str) -> None:
    """hotl § 7-2 a duties b–d: the barnekoordinator's notes are kept for years and use case
    references only; an identity number is refused however it is written (the redactor's forms),
    not only as eleven digits."""
    run = _appointed()
    with pytest.raises(InvalidInput, match="national identity number"):
        give_information(
            run.case,
            information_id="i",
            topic=InformationTopic.HEALTH_AND_CARE,
            to_refs=["mor"],
            note=f"gjelder {written}",
            by="helsesoster",
            as_of=APPOINTED,
        )
