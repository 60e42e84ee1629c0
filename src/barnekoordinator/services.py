"""The catalogue of welfare services and their duty to cooperate (domain.md §5).

Each [`Service`][barnekoordinator.services.Service] is tagged as a *health and care* service or an
*other welfare* service — the distinction condition C5 of the barnekoordinator right turns on — and
carries the paragraph that obliges it to cooperate (samarbeid) and, for municipal services, the
municipality's duty to coordinate (samordning).

The paragraph changes with the law: barnevern's duty was barnevernloven 1992 § 3-2 until
barnevernsloven 2021 § 15-8 came into force on 1 January 2023, and school, SFO and PPT's was
opplæringslova 1998 § 15-8 until opplæringslova 2023 replaced it on 1 August 2024 (domain.md §5.2).
[`Service.cooperation_duty_on()`][barnekoordinator.services.Service.cooperation_duty_on] gives
the one in force on a date; rules that cite it pass their ``as_of`` (decision 48).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from attrs import frozen
else:
    from barnekoordinator._classes import frozen

from barnekoordinator.errors import InvalidInput
from barnekoordinator.legal_basis import LegalReference, ref

__all__ = ["SERVICES", "Level", "Sector", "Service", "ServiceKind", "service"]


class Sector(enum.Enum):
    """Which side of condition C5 a service falls on."""

    HEALTH_AND_CARE = "health-and-care"
    """Helse- og omsorgstjenester (municipal or specialist)."""
    OTHER_WELFARE = "other-welfare"
    """Andre velferdstjenester: barnehage, skole, PPT, barnevern, NAV …"""


class Level(enum.Enum):
    """Who runs the service."""

    MUNICIPAL = "municipal"
    COUNTY = "county"
    STATE = "state"


class ServiceKind(enum.Enum):
    """The services a case may involve; the value is the stable wire name."""

    HELSESTASJON = "helsestasjon"
    SKOLEHELSETJENESTE = "skolehelsetjeneste"
    FASTLEGE = "fastlege"
    FYSIOTERAPI = "fysioterapi"
    ERGOTERAPI = "ergoterapi"
    AVLASTNING = "avlastning"
    HJEMMETJENESTE = "hjemmetjeneste"
    KOMMUNAL_PSYKISK_HELSE = "kommunal-psykisk-helse"
    JORDMOR = "jordmor"
    KOORDINERENDE_ENHET = "koordinerende-enhet"
    HABILITERING = "habilitering"
    BUP = "bup"
    SYKEHUS = "sykehus"
    TANNHELSE = "tannhelse"
    BARNEHAGE = "barnehage"
    SKOLE = "skole"
    SFO = "sfo"
    PPT = "ppt"
    FRISKOLE = "friskole"
    BARNEVERN = "barnevern"
    NAV_KOMMUNE = "nav-kommune"
    NAV_STAT = "nav-stat"
    KRISESENTER = "krisesenter"
    FAMILIEVERN = "familievern"
    INTRODUKSJONSPROGRAM = "introduksjonsprogram"


@frozen(kw_only=True)
class Service:
    """One kind of welfare service and the law that binds it to cooperate."""

    kind: ServiceKind
    name_nb: str
    sector: Sector
    level: Level
    cooperation_duty: LegalReference
    """The duty as the catalogue has always named it, undated: for barnevern barnevernsloven
    2021 § 15-8, for school, SFO and PPT opplæringslova 1998 § 15-8. A rule that cites the duty
    on a date uses
    [`cooperation_duty_on()`][barnekoordinator.services.Service.cooperation_duty_on]."""
    municipal_coordination: bool
    """True when the municipality's samordningsplikt covers this service."""

    def cooperation_duty_on(self, as_of: date) -> LegalReference:
        """The paragraph that binds the service to cooperate on ``as_of``: the latest of its
        duties in force then (``LegalReference.in_force_from``; the first one before any is)."""
        duties = _DUTIES_IN_TURN.get(self.kind)
        if duties is None:
            return self.cooperation_duty
        chosen = duties[0]
        for duty in duties[1:]:
            since = duty.in_force_from
            if since is None or since <= as_of:
                chosen = duty
        return chosen

    @property
    def is_health_and_care(self) -> bool:
        """True for helse- og omsorgstjenester."""
        return self.sector is Sector.HEALTH_AND_CARE

    @property
    def can_appoint_barnekoordinator(self) -> bool:
        """Only the municipality's own service providers can be barnekoordinator (hotl § 7-2 a)."""
        return self.level is Level.MUNICIPAL


_H, _W = Sector.HEALTH_AND_CARE, Sector.OTHER_WELFARE
_M, _C, _S = Level.MUNICIPAL, Level.COUNTY, Level.STATE

_TABLE: tuple[tuple[ServiceKind, str, Sector, Level, str, bool], ...] = (
    (ServiceKind.HELSESTASJON, "Helsestasjon", _H, _M, "hotl-3-4", True),
    (ServiceKind.SKOLEHELSETJENESTE, "Skolehelsetjenesten", _H, _M, "hotl-3-4", True),
    (ServiceKind.FASTLEGE, "Fastlege", _H, _M, "hotl-3-4", True),
    (ServiceKind.FYSIOTERAPI, "Kommunal fysioterapi", _H, _M, "hotl-3-4", True),
    (ServiceKind.ERGOTERAPI, "Kommunal ergoterapi", _H, _M, "hotl-3-4", True),
    (ServiceKind.AVLASTNING, "Avlastning", _H, _M, "hotl-3-4", True),
    (ServiceKind.HJEMMETJENESTE, "Hjemmetjenester", _H, _M, "hotl-3-4", True),
    (ServiceKind.KOMMUNAL_PSYKISK_HELSE, "Kommunal psykisk helse", _H, _M, "hotl-3-4", True),
    (ServiceKind.JORDMOR, "Jordmortjenesten", _H, _M, "hotl-3-4", True),
    (ServiceKind.KOORDINERENDE_ENHET, "Koordinerende enhet", _H, _M, "hotl-7-3", True),
    (ServiceKind.HABILITERING, "Habiliteringstjenesten", _H, _S, "sphl-2-1-e", False),
    (ServiceKind.BUP, "Barne- og ungdomspsykiatrien (BUP)", _H, _S, "sphl-2-1-e", False),
    (ServiceKind.SYKEHUS, "Sykehus", _H, _S, "sphl-2-1-e", False),
    (ServiceKind.TANNHELSE, "Den offentlige tannhelsetjenesten", _H, _C, "tannhl-1-4-a", False),
    (ServiceKind.BARNEHAGE, "Barnehage", _W, _M, "bhgl-2-b", True),
    (ServiceKind.SKOLE, "Skole", _W, _M, "oppl-1998-15-8", True),
    (ServiceKind.SFO, "Skolefritidsordning (SFO)", _W, _M, "oppl-1998-15-8", True),
    (ServiceKind.PPT, "Pedagogisk-psykologisk tjeneste (PPT)", _W, _M, "oppl-1998-15-8", True),
    (ServiceKind.FRISKOLE, "Friskole", _W, _M, "friskolel-3-6-a", True),
    (ServiceKind.BARNEVERN, "Barnevernstjenesten", _W, _M, "bvl-15-8", True),
    (ServiceKind.NAV_KOMMUNE, "Sosiale tjenester i NAV", _W, _M, "sostjl-13", True),
    (ServiceKind.NAV_STAT, "NAV (statlig)", _W, _S, "navl-15-a", False),
    (ServiceKind.KRISESENTER, "Krisesenter", _W, _M, "krisesl-4", True),
    (ServiceKind.FAMILIEVERN, "Familievernkontor", _W, _S, "famvernl-1-a", True),
    (ServiceKind.INTRODUKSJONSPROGRAM, "Introduksjonsprogram", _W, _M, "intl-50", True),
)

SERVICES: Mapping[ServiceKind, Service] = {
    kind: Service(
        kind=kind,
        name_nb=name,
        sector=sector,
        level=level,
        cooperation_duty=ref(key),
        municipal_coordination=coordinated,
    )
    for kind, name, sector, level, key, coordinated in _TABLE
}
"""Every service in the catalogue, by kind."""


_DUTIES_IN_TURN: Final[Mapping[ServiceKind, tuple[LegalReference, ...]]] = {
    kind: tuple(ref(key) for key in keys)
    for kinds, keys in (
        # barnevernloven 1992 § 3-2 as the 2022 reform amended it, then barnevernsloven 2021.
        ((ServiceKind.BARNEVERN,), ("bvl-1992-3-2", "bvl-15-8")),
        # opplæringslova 1998 § 15-8, then opplæringslova 2023 (paragraph not verified).
        (
            (ServiceKind.SKOLE, ServiceKind.SFO, ServiceKind.PPT),
            ("oppl-1998-15-8", "oppl-2023-samarbeid"),
        ),
    )
    for kind in kinds
}
"""The services whose cooperation duty moved to a new act, with each duty in turn, oldest first."""


def service(kind: ServiceKind | str) -> Service:
    """Look up a service by kind or wire name;
    [`InvalidInput`][barnekoordinator.errors.InvalidInput] names the known ones.
    """
    try:
        return SERVICES[ServiceKind(kind)]
    except ValueError:
        known = ", ".join(k.value for k in ServiceKind)
        raise InvalidInput(f"unknown service {kind!r}; expected one of: {known}") from None
