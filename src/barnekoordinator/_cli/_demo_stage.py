"""The demo's cast and stage: who is in the story, what every chapter plays on, the report.

Part of [`barnekoordinator._cli.demo`][barnekoordinator._cli.demo] (split by what it does).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import attrs

from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook, CaseView, Recorded
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.case import Case
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Professional
from barnekoordinator.services import ServiceKind
from barnekoordinator.texts import text

__all__: list[str] = []

_KOMMUNE = "123456785"


@attrs.define
class _Report:
    """What the run did: each chapter with its verdict, and every file written."""

    chapters: list[dict[str, str]] = attrs.Factory(list)
    files: dict[str, str] = attrs.Factory(dict)
    case_id: str = ""
    referred: bool = False
    counts: dict[str, int] = attrs.Factory(dict)
    lang: str = "nb"
    """The language the run speaks (``--lang``): every line is a ``demo.*`` catalogue text."""

    def chapter(self, number: int) -> None:
        """Start chapter ``number`` (its verdict is ``ok`` until something unexpected happens).

        The title is ``demo.chapter.<number>`` in the run's language, in ``--json`` too.
        """
        title = _t(self.lang, f"demo.chapter.{number}")
        self.chapters.append({"chapter": title, "verdict": "ok"})
        _say()
        _say(f"== {title}")

    def unexpected(self, key: str, **values: object) -> None:
        """The current chapter did not behave as the law says (``demo.unexpected.*`` ``key``)."""
        if self.chapters:
            self.chapters[-1]["verdict"] = "unexpected"
        _say(_t(self.lang, "demo.unexpected", text=_t(self.lang, key, **values)))

    def wrote(self, key: str, path: Path, what: str = "") -> None:
        """Record a file written, and say where it is."""
        where = str(path.resolve())
        self.files[key] = where
        _say(f"   {what or path.name}: {where}")

    @property
    def ok(self) -> bool:
        """Whether every chapter behaved."""
        return all(c["verdict"] == "ok" for c in self.chapters)


def _say(line: str = "") -> None:
    print(line)


def _t(lang: str, key: str, **values: object) -> str:
    """The catalogued demo text ``key`` in ``lang``, its placeholders filled in."""
    return text(key).format(lang, **values)


@attrs.frozen(kw_only=True)
class _Cast:
    """The synthetic family, the professionals, and the principals they act as."""

    born: date
    child_id: PersonId
    mother_id: PersonId
    father_id: PersonId
    ke_staff: Professional
    ped: Professional
    nurse: Professional
    physio: Professional
    ppt: Professional
    teacher: Professional
    ke: Principal
    as_ped: Principal
    as_physio: Principal
    as_nurse: Principal
    as_ppt: Principal
    as_teacher: Principal
    mother: Principal
    child: Principal


def _cast() -> _Cast:
    """Synthetic identities (Tenor style), the staff and who signs in as whom."""
    policy = IdentifierPolicy.testing()
    born = date(2020, 3, 14)
    child_id = PersonId.parse(synthetic_fodselsnummer(born), policy=policy)
    mother_id = PersonId.parse(synthetic_fodselsnummer(date(1990, 6, 2)), policy=policy)
    father_id = PersonId.parse(synthetic_fodselsnummer(date(1988, 11, 23)), policy=policy)
    org = Organisasjonsnummer.parse(_KOMMUNE)

    def staff(ref: str, service: ServiceKind, title: str, name: str) -> Professional:
        return Professional(ref=ref, service=service, organisation=org, title=title, name=name)

    ped = staff("ped-leder-1", ServiceKind.BARNEHAGE, "pedagogisk leder", "Nora")
    nurse = staff("hs-kari", ServiceKind.HELSESTASJON, "helsesykepleier", "Kari")
    physio = staff("fysio-ali", ServiceKind.FYSIOTERAPI, "fysioterapeut", "Ali")
    ppt = staff("ppt-ola", ServiceKind.PPT, "rådgiver", "Ola")
    teacher = staff("laerer-per", ServiceKind.SKOLE, "kontaktlærer", "Per")
    ke_staff = staff("ke-siri", ServiceKind.KOORDINERENDE_ENHET, "koordinator", "Siri")

    def principal(ref: str, label: str, **extra: Any) -> Principal:
        return Principal(
            subject=ref,
            display_label=label,
            assurance=AssuranceLevel.HIGH,
            municipality_number="0301",
            **extra,
        )

    ke = principal("ke-siri", "Siri, koordinerende enhet", roles={"koordinerende-enhet"})
    as_ped = principal(ped.ref, "Nora, barnehage", roles={"caseworker"})
    as_physio = principal(physio.ref, "Ali, fysioterapi", roles={"caseworker"})
    as_nurse = principal(nurse.ref, "Kari, helsestasjon", roles={"caseworker"})
    as_ppt = principal(ppt.ref, "Ola, PPT", roles={"caseworker"})
    as_teacher = principal(teacher.ref, "Per, skole", roles={"caseworker"})
    mother = Principal(
        subject="idporten-mor",
        display_label="Mor",
        assurance=AssuranceLevel.HIGH,
        national_id=mother_id,
    )
    child = Principal(
        subject="idporten-barn",
        display_label="Emma",
        assurance=AssuranceLevel.HIGH,
        national_id=child_id,
    )
    return _Cast(
        born=born,
        child_id=child_id,
        mother_id=mother_id,
        father_id=father_id,
        ke_staff=ke_staff,
        ped=ped,
        nurse=nurse,
        physio=physio,
        ppt=ppt,
        teacher=teacher,
        ke=ke,
        as_ped=as_ped,
        as_physio=as_physio,
        as_nurse=as_nurse,
        as_ppt=as_ppt,
        as_teacher=as_teacher,
        mother=mother,
        child=child,
    )


@attrs.define
class _Stage:
    """What every chapter plays on: the casebook, its scripted clock, the language, the cast."""

    book: Casebook
    clock: FixedClock
    lang: str
    cast: _Cast
    report: _Report

    def on(self, day: date, hour: int = 9) -> date:
        """Set the scripted clock to ``hour`` o'clock on ``day``; return the casebook's today."""
        self.clock.set(datetime.combine(day, time(hour, 0), tzinfo=UTC))
        return self.book.today()

    def do(self, who: Principal, case_id: str, command: Callable[[Case], Any]) -> Recorded:
        """Run ``command`` on the case as ``who`` through the casebook (ids come back)."""
        return self.book.execute(who, case_id, command)

    def t(self, key: str, **values: object) -> str:
        """The catalogued text ``key`` in the run's language (``text(key).format(lang, …)``)."""
        return _t(self.lang, key, **values)

    def look(self, who: Principal, case_id: str) -> CaseView:
        """The case as ``who`` may see it today (an audited read)."""
        return self.book.read(who, case_id)


def _another_child(born: date, after: int) -> tuple[PersonId, int]:
    """The next synthetic child born on ``born`` (Tenor style) and its individual number."""
    for individual in range(after + 1, 1000):
        try:
            number = synthetic_fodselsnummer(born, individual=individual)
        except InvalidInput:
            continue  # a control digit of 10: no such number
        return PersonId.parse(number, policy=IdentifierPolicy.testing()), individual
    raise InvalidInput(f"no synthetic child born {born.isoformat()} is left for the demo")
