"""Age from the registered birth date, and the 29 February convention (BK-15)."""

from __future__ import annotations

from datetime import date

import pytest

from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import Organisasjonsnummer
from barnekoordinator.people import Child, Professional, age_on, birthday
from barnekoordinator.services import SERVICES, Level, Sector, ServiceKind, service


def test_age_counts_completed_years_and_the_birthday_itself() -> None:
    """On the birthday the new age is reached; the day before it is not."""
    born = date(2008, 6, 15)
    assert age_on(born, date(2026, 6, 14)) == 17
    assert age_on(born, date(2026, 6, 15)) == 18


def test_leap_day_birthday_falls_on_1_march() -> None:
    """BK-15: born 29.02.2008 → 17 on 28.02.2026, 18 on 01.03.2026 (documented convention)."""
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2026, 3, 1)) == 18
    assert birthday(born, 18) == date(2026, 3, 1)
    assert birthday(born, 16) == date(2024, 2, 29), "leap years keep 29 February"


def test_age_before_birth_is_an_error() -> None:
    """Asking the age before the birth date is refused, not answered with a negative age."""
    with pytest.raises(InvalidInput):
        age_on(date(2026, 1, 1), date(2025, 1, 1))


def test_child_age_uses_registered_birth_date() -> None:
    """domain §6.3 rule 2: age comes from the registered birth date, not from an id."""
    child = Child(ref="c", birth_date=date(2014, 1, 10))
    assert child.age_on(date(2026, 1, 9)) == 11
    assert child.turns(18) == date(2032, 1, 10)


def test_service_catalogue_tags_each_side_of_condition_c5() -> None:
    """C5: health-and-care and other welfare services are told apart in the catalogue."""
    assert SERVICES[ServiceKind.FYSIOTERAPI].sector is Sector.HEALTH_AND_CARE
    assert SERVICES[ServiceKind.BARNEHAGE].sector is Sector.OTHER_WELFARE
    assert SERVICES[ServiceKind.NAV_STAT].sector is Sector.OTHER_WELFARE
    assert service("ppt").cooperation_duty.key == "oppl-1998-15-8"
    assert service(ServiceKind.BARNEVERN).cooperation_duty.key == "bvl-15-8"
    with pytest.raises(InvalidInput, match="expected one of"):
        service("tannlege-privat")


def test_only_municipal_services_can_hold_barnekoordinator() -> None:
    """hotl § 7-2 a: the barnekoordinator is one of the municipality's own service providers."""
    assert SERVICES[ServiceKind.HELSESTASJON].can_appoint_barnekoordinator
    assert not SERVICES[ServiceKind.SYKEHUS].can_appoint_barnekoordinator
    assert SERVICES[ServiceKind.SYKEHUS].level is Level.STATE
    org = Organisasjonsnummer.parse("974760673")
    assert Professional(ref="p", service=ServiceKind.PPT, organisation=org).is_municipal
    assert not Professional(ref="q", service=ServiceKind.BUP, organisation=org).is_municipal
