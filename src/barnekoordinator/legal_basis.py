"""Legal references and time-dependent legal parameters.

Every rule outcome in the library carries
[`LegalReference`][barnekoordinator.legal_basis.LegalReference] values, so a caseworker, a family or
statsforvalteren can see *which paragraph* a result rests on. References are looked up by a stable
key (``"pbrl-2-5-c"``) with [`ref()`][barnekoordinator.legal_basis.ref]; the key, not the wording,
is what events and documents store.

Each reference also says how sure we are of it ([`Status`][barnekoordinator.legal_basis.Status]):
the statute text itself, guidance (veileder/rundskriv), municipal practice, or an open question that
needs legal review. See ``docs/legal-basis.md``.

Parameters that may change with the law (the barnekoordinator age limit, the complaint deadline …)
are [`ParameterHistory`][barnekoordinator.legal_basis.ParameterHistory] values keyed by the date
they take effect, selected by an explicit ``as_of`` (never the wall clock).

Deadlines are Norwegian deadlines: [`deadline()`][barnekoordinator.legal_basis.deadline] counts
weeks and days as domstolloven § 148 does and moves a deadline that ends on a Saturday, a Sunday
or a public holiday to the next working day (domstolloven § 149 first ledd). Public holidays come
from the ``holidays`` library (``holidays.Norway``), never from a hand-written Easter.
"""

from __future__ import annotations

import bisect
import enum
import functools
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final, Generic, TypeVar

if TYPE_CHECKING:
    from attrs import field, frozen
else:
    from barnekoordinator._classes import field, frozen

from barnekoordinator.edges import LATEST_DATE
from barnekoordinator.errors import InvalidInput

__all__ = [
    "MAX_COMPLAINT_DEADLINE_WEEKS",
    "REFERENCES",
    "Act",
    "LegalReference",
    "ParameterHistory",
    "Status",
    "deadline",
    "is_working_day",
    "next_working_day",
    "parameter",
    "ref",
    "refs",
]

T = TypeVar("T")


class Act(enum.Enum):
    """A source of law (act, regulation, convention) or of practice.

    The value is ``(short name, full Norwegian title, Lovdata id)``; the Lovdata id
    is empty for sources that are not on Lovdata (guides, municipal practice).
    """

    PBRL = ("pbrl", "pasient- og brukerrettighetsloven", "LOV-1999-07-02-63")
    HOTL = ("hotl", "helse- og omsorgstjenesteloven", "LOV-2011-06-24-30")
    SPHL = ("sphl", "spesialisthelsetjenesteloven", "LOV-1999-07-02-61")
    PHVL = ("phvl", "psykisk helsevernloven", "LOV-1999-07-02-62")
    BVL = ("bvl", "barnevernsloven", "LOV-2021-06-18-97")
    BVL_1992 = ("barnevernloven 1992", "barnevernloven (1992)", "LOV-1992-07-17-100")
    BHGL = ("bhgl", "barnehageloven", "LOV-2005-06-17-64")
    OPPL_1998 = ("opplæringslova 1998", "opplæringslova (1998)", "LOV-1998-07-17-61")
    OPPL_2023 = ("opplæringslova", "opplæringslova (2023)", "LOV-2023-06-09-30")
    FRISKOLEL = ("friskolelova", "friskolelova", "LOV-2003-07-04-84")
    SOSTJL = ("sosialtjenesteloven", "lov om sosiale tjenester i NAV", "LOV-2009-12-18-131")
    NAVL = ("NAV-loven", "arbeids- og velferdsforvaltningsloven", "LOV-2006-06-16-20")
    KRISESL = ("krisesenterlova", "krisesenterlova", "LOV-2009-06-19-44")
    FAMVERNL = ("familievernkontorloven", "familievernkontorloven", "LOV-1997-06-19-62")
    INTL = ("integreringsloven", "integreringsloven", "LOV-2020-11-06-127")
    TANNHL = ("tannhelsetjenesteloven", "tannhelsetjenesteloven", "LOV-1983-06-03-54")
    BARNEL = ("barneloven", "barnelova", "LOV-1981-04-08-7")
    VERGEML = ("vergemålsloven", "vergemålsloven", "LOV-2010-03-26-9")
    FVL = ("fvl", "forvaltningsloven", "LOV-1967-02-10")
    ARKIVL = ("arkivlova", "arkivlova", "LOV-1992-12-04-126")
    IP_FORSKRIFT = (
        "IP-forskriften",
        "forskrift om individuell plan ved ytelse av velferdstjenester",
        "",
    )
    HAB_FORSKRIFT = (
        "hab/rehab-forskriften",
        "forskrift om habilitering, rehabilitering og koordinator",
        "FOR-2011-12-16-1256",
    )
    BK = ("barnekonvensjonen", "FNs barnekonvensjon (menneskerettsloven)", "LOV-1999-05-21-30")
    VEILEDER = ("veileder", "Helsedirektoratet, veileder Samarbeid om tjenester til barn", "")
    BTI = ("BTI", "Bedre tverrfaglig innsats (kommunal praksis)", "")
    DOMSTOLL = ("domstolloven", "lov om domstolene (domstolloven)", "LOV-1915-08-13-5")
    PROP_100_L = (
        "Prop. 100 L (2020–2021)",
        "Prop. 100 L (2020–2021) Endringer i velferdstjenestelovgivningen",
        "",
    )

    @property
    def short(self) -> str:
        """Short name used in citations (``pbrl``)."""
        return self.value[0]

    @property
    def title(self) -> str:
        """Full Norwegian title."""
        return self.value[1]

    @property
    def lovdata_id(self) -> str:
        """Lovdata id (``LOV-1999-07-02-63``), or ``""`` for non-statutory sources."""
        return self.value[2]


class Status(enum.Enum):
    """How sure the library is of a reference (domain.md §0 tags)."""

    STATUTE = "statute"
    """Statutory or regulatory text, verified against a quoting source."""
    LAW_TEXT_UNVERIFIED = "law-text-unverified"
    """Statutory wording reconstructed from secondary sources: verify on Lovdata."""
    GUIDE = "guide"
    """National guidance (veileder, rundskriv), not statute."""
    PRACTICE = "practice"
    """Municipal routine or BTI practice; configurable."""
    UNCERTAIN = "uncertain"
    """Conflicting or unverified; needs legal review before relying on it."""


@frozen(kw_only=True)
class LegalReference:
    """One paragraph (or practice source) a rule rests on.

    ``key`` is stable and is what documents store; ``section`` is the citation
    form (``§ 2-5 c``); ``title`` is a Norwegian heading.
    """

    key: str
    act: Act
    section: str
    title: str
    in_force_from: date | None
    status: Status = Status.STATUTE
    note: str = ""

    @property
    def citation(self) -> str:
        """Citation as a caseworker writes it: ``pbrl § 2-5 c``."""
        return f"{self.act.short} {self.section}".strip()

    @property
    def url(self) -> str:
        """Lovdata deep link to the paragraph (``""`` for non-statutory sources)."""
        if not self.act.lovdata_id:
            return ""
        kind, _, rest = self.act.lovdata_id.partition("-")
        base = "lov" if kind == "LOV" else "forskrift"
        anchor = self.section.replace(" ", "").replace("§", "")
        if anchor.startswith("kap."):
            return f"https://lovdata.no/{base}/{rest}/KAPITTEL_{anchor.removeprefix('kap.')}"
        if anchor.startswith("art."):
            return f"https://lovdata.no/{base}/{rest}"
        return (
            f"https://lovdata.no/{base}/{rest}/§{anchor}"
            if anchor
            else f"https://lovdata.no/{base}/{rest}"
        )


_AUG_2022 = date(2022, 8, 1)


def _r(
    key: str,
    act: Act,
    section: str,
    title: str,
    in_force_from: date | None = None,
    status: Status = Status.STATUTE,
    note: str = "",
) -> LegalReference:
    return LegalReference(
        key=key,
        act=act,
        section=section,
        title=title,
        in_force_from=in_force_from,
        status=status,
        note=note,
    )


_ALL: tuple[LegalReference, ...] = (
    # --- rights (pasient- og brukerrettighetsloven) -------------------------
    _r("pbrl-2-5", Act.PBRL, "§ 2-5", "Rett til individuell plan"),
    _r("pbrl-2-5-b", Act.PBRL, "§ 2-5 b", "Rett til koordinator", _AUG_2022),
    _r(
        "pbrl-2-5-c",
        Act.PBRL,
        "§ 2-5 c",
        "Rett til barnekoordinator",
        _AUG_2022,
        note="Prop. 100 L (2020–2021); Innst. 581 L (2020–2021).",
    ),
    _r("pbrl-3-1", Act.PBRL, "§ 3-1", "Pasientens og brukerens rett til medvirkning"),
    _r(
        "pbrl-3-4",
        Act.PBRL,
        "§ 3-4",
        "Informasjon når pasienten eller brukeren er under 18 år",
        status=Status.LAW_TEXT_UNVERIFIED,
        note="Third ledd wording reconstructed; verify on Lovdata.",
    ),
    _r("pbrl-4-3", Act.PBRL, "§ 4-3", "Hvem som har samtykkekompetanse"),
    _r("pbrl-4-4", Act.PBRL, "§ 4-4", "Samtykke på vegne av barn"),
    _r(
        "pbrl-4-5",
        Act.PBRL,
        "§ 4-5",
        "Samtykke når barnevernstjenesten har overtatt omsorgen",
        status=Status.UNCERTAIN,
        note="Secondary source only; verify. For individuell plan the commentary to barnevernloven "
        "1992 § 3-2 a (barnerettsadvokater.no) reads the preparatory works as: where barnevern has "
        "taken over care, «er det barneverntjenesten som overtar foreldrenes kompetanse til å "
        "samtykke».",
    ),
    _r(
        "pbrl-5-1",
        Act.PBRL,
        "§ 5-1",
        "Rett til innsyn i journal",
        status=Status.LAW_TEXT_UNVERIFIED,
        note="Third ledd as read in secondary sources: the patient or user has a right to know "
        "who has had access to or been given information from the record. The library applies "
        "it to the case's audit trail («hvem har sett saken vår»); verify the wording on Lovdata.",
    ),
    _r("pbrl-7-2", Act.PBRL, "§ 7-2", "Klage til statsforvalteren"),
    _r("pbrl-7-3", Act.PBRL, "§ 7-3", "Formkrav: klagen skal være skriftlig og undertegnet"),
    _r("pbrl-7-5", Act.PBRL, "§ 7-5", "Klagefrist: fire uker"),
    _r("pbrl-kap-8", Act.PBRL, "kap. 8", "Pasient- og brukerombud"),
    # --- duties (helse- og omsorgstjenesteloven) ----------------------------
    _r("hotl-3-4", Act.HOTL, "§ 3-4", "Samarbeid og samordning", _AUG_2022),
    _r("hotl-7-1", Act.HOTL, "§ 7-1", "Individuell plan"),
    _r("hotl-7-2", Act.HOTL, "§ 7-2", "Koordinator"),
    _r(
        "hotl-7-2-a",
        Act.HOTL,
        "§ 7-2 a",
        "Barnekoordinator",
        _AUG_2022,
        note="First ledd and duties a–e verified via quoting pages; later ledd unverified. "
        "«Barnekoordinatoren skal være en av tjenesteyterne i kommunen» as quoted by Rana kommune "
        "[V:S4]; Trondheim kommune [V:S2] names providers within health and care «eller andre».",
    ),
    _r("hotl-7-3", Act.HOTL, "§ 7-3", "Koordinerende enhet"),
    # --- specialist health care ---------------------------------------------
    _r("sphl-2-1-e", Act.SPHL, "§ 2-1 e", "Samarbeid", _AUG_2022),
    _r("sphl-2-5", Act.SPHL, "§ 2-5", "Individuell plan"),
    _r("sphl-2-5-a", Act.SPHL, "§ 2-5 a", "Koordinator"),
    _r("sphl-2-5-b", Act.SPHL, "§ 2-5 b", "Koordinerende enhet"),
    _r("phvl-4-1", Act.PHVL, "§ 4-1", "Individuell plan"),
    # --- cooperation duties in the other welfare laws (domain.md §5.2) -------
    _r(
        "bvl-13-2",
        Act.BVL,
        "§ 13-2",
        "Opplysningsplikt til barnevernstjenesten",
        date(2023, 1, 1),
        status=Status.LAW_TEXT_UNVERIFIED,
        note="Paragraph number in the 2021 act from secondary sources; verify on Lovdata.",
    ),
    _r("bvl-15-8", Act.BVL, "§ 15-8", "Samarbeid og samordning", date(2023, 1, 1)),
    _r(
        "bvl-15-9",
        Act.BVL,
        "§ 15-9",
        "Individuell plan",
        date(2023, 1, 1),
        status=Status.LAW_TEXT_UNVERIFIED,
        note="The 2021 act's text was not retrieved. It continues barnevernloven 1992 § 3-2 a, "
        "read "
        "at barnerettsadvokater.no: «Barneverntjenesten skal utarbeide en individuell plan for "
        "barn "
        "med behov for langvarige og koordinerte tiltak eller tjenester dersom det anses nødvendig "
        "for å skape et helhetlig tilbud for barnet, og det foreligger samtykke.» Paragraph number "
        "from domain.md §3.1 [V:S16].",
    ),
    _r("bhgl-2-b", Act.BHGL, "§ 2 b", "Samarbeid og samordning", _AUG_2022),
    _r("bhgl-2-a", Act.BHGL, "§ 2 a", "Overgang fra barnehage til skole"),
    _r(
        "oppl-1998-15-8",
        Act.OPPL_1998,
        "§ 15-8",
        "Samarbeid og samordning (1998-loven)",
        _AUG_2022,
        note="Replaced by opplæringslova 2023 from 1 August 2024 (oppl-2023-samarbeid); the new "
        "paragraph is not verified.",
    ),
    _r(
        "oppl-1998-13-5",
        Act.OPPL_1998,
        "§ 13-5",
        "Overgang fra barnehage til skole (1998-loven)",
    ),
    _r(
        "oppl-2023-samarbeid",
        Act.OPPL_2023,
        "",
        "Samarbeid og samordning (2023-loven)",
        date(2024, 8, 1),
        status=Status.UNCERTAIN,
        note="Paragraph number in the 2023 act not verified; see Prop. 57 L (2022–2023) kap. 23.",
    ),
    _r("friskolel-3-6-a", Act.FRISKOLEL, "§ 3-6 a", "Samarbeid og samordning", _AUG_2022),
    _r("sostjl-13", Act.SOSTJL, "§ 13", "Samarbeid og samordning", _AUG_2022),
    _r(
        "sostjl-28",
        Act.SOSTJL,
        "§ 28",
        "Individuell plan",
        status=Status.LAW_TEXT_UNVERIFIED,
        note="The right of those who need long-term and coordinated services under the act; from "
        "domain.md §3.1 [V:S16] and the NAV rundskriv's paragraph list; wording not retrieved.",
    ),
    _r(
        "navl-15",
        Act.NAVL,
        "§ 15",
        "Samarbeid med brukeren og individuell plan",
        status=Status.LAW_TEXT_UNVERIFIED,
        note="Heading read in the act's table of contents (norgeslover.no, NL/lov/2006-06-16-20); "
        "the right to a plan for those who need long-term and coordinated services from NAV is "
        "from domain.md §3.1 [V:S16]; wording not retrieved.",
    ),
    _r("navl-15-a", Act.NAVL, "§ 15 a", "Samarbeid", _AUG_2022),
    _r("krisesl-4", Act.KRISESL, "§ 4", "Samarbeid og samordning", _AUG_2022),
    _r("famvernl-1-a", Act.FAMVERNL, "§ 1 a", "Samarbeid og samordning", _AUG_2022),
    _r("intl-50", Act.INTL, "§ 50", "Samarbeid og samordning", _AUG_2022),
    _r("tannhl-1-4-a", Act.TANNHL, "§ 1-4 a", "Samarbeid", _AUG_2022),
    # --- family law, age of majority, administration, archives ---------------
    _r("barnel-47", Act.BARNEL, "§ 47", "Opplysninger om barnet til forelder uten foreldreansvar"),
    _r("vergeml-2", Act.VERGEML, "§ 2", "Myndighetsalder 18 år"),
    _r("fvl-18", Act.FVL, "§ 18", "Partenes adgang til å gjøre seg kjent med sakens dokumenter"),
    _r("fvl-31", Act.FVL, "§ 31", "Oversittelse av klagefristen"),
    _r("arkivl", Act.ARKIVL, "", "Arkivering ved avslutning", status=Status.PRACTICE),
    _r(
        "ip-forskriften",
        Act.IP_FORSKRIFT,
        "",
        "Forskrift om individuell plan ved ytelse av velferdstjenester",
        _AUG_2022,
        status=Status.UNCERTAIN,
        note="Lovdata id and in-force date (1 Aug vs 22 Jun 2022) not verified.",
    ),
    _r(
        "ip-forskriften-innhold",
        Act.IP_FORSKRIFT,
        "",
        "Planens innhold (ni punkter)",
        _AUG_2022,
        status=Status.UNCERTAIN,
        note="Content list continued from old hab/rehab-forskriften § 19; § number not verified.",
    ),
    _r("hab-forskriften-6", Act.HAB_FORSKRIFT, "§ 6", "Koordinerende enhet i kommunen"),
    _r("bk-art-3", Act.BK, "art. 3", "Barnets beste"),
    _r("bk-art-12", Act.BK, "art. 12", "Barnets rett til å bli hørt"),
    # --- guidance and practice -------------------------------------------------
    _r(
        "veileder-samordningsplikt",
        Act.VEILEDER,
        "",
        "Samordningsplikt for kommunen",
        _AUG_2022,
        status=Status.GUIDE,
    ),
    _r(
        "veileder-barnekoordinator",
        Act.VEILEDER,
        "",
        "Barnekoordinator: vilkår og oppnevning",
        _AUG_2022,
        status=Status.GUIDE,
    ),
    _r(
        "bti-stafettlogg",
        Act.BTI,
        "",
        "Stafettlogg: samtykke, tiltak med ansvarlig og evalueringsdato",
        status=Status.PRACTICE,
    ),
    _r(
        "bti-stafettholder",
        Act.BTI,
        "",
        "Stafettholder beholder stafettpinnen til den er mottatt og akseptert",
        status=Status.PRACTICE,
    ),
    _r("bti-niva-0", Act.BTI, "", "Nivå 0: frist for avklaring av undring", status=Status.PRACTICE),
    # --- added for issue 14: sector IP laws, deadlines, private providers ------
    _r(
        "bvl-1992-3-2-a",
        Act.BVL_1992,
        "§ 3-2 a",
        "Plikt til å utarbeide individuell plan",
        date(2010, 1, 1),
        note="Text read at barnerettsadvokater.no (barnevernloven § 3-2 a med lovkommentar); added "
        "by lov 19. juni 2009 nr. 45 (in-force date 1 January 2010 not verified); replaced by "
        "barnevernsloven 2021 § 15-9 from 1 January 2023.",
    ),
    _r(
        "bvl-1992-3-2",
        Act.BVL_1992,
        "§ 3-2",
        "Samarbeid og samordning (1992-loven)",
        _AUG_2022,
        status=Status.LAW_TEXT_UNVERIFIED,
        note="Barnevern's duty to cooperate as the 2022 reform amended § 3-2: to cooperate with "
        "other service providers when it is necessary to give the child «et helhetlig og "
        "samordnet tjenestetilbud», and with a barnekoordinator appointed under hotl § 7-2 a; the "
        "municipality shall coordinate (samordne) the services. That wording is the proposal text "
        "of Prop. 100 L (2020–2021) kap. 13 as quoted in domain.md §5.2 [V:S10]; the enacted text "
        "on Lovdata was not retrieved, nor is it verified that these amendments came into force "
        "on 1 August 2022 with the rest of the reform (§ 3-2 itself is older; its earlier "
        "wording is not encoded). Replaced by barnevernsloven 2021 § 15-8 from 1 January 2023 "
        "(domain.md §5.2 «§ 15-8 (old act § 3-2)»).",
    ),
    _r(
        "sostjl-33",
        Act.SOSTJL,
        "§ 33",
        "Individuell plan i kvalifiseringsprogrammet",
        status=Status.UNCERTAIN,
        note="Named by domain.md §3.1 [V:S16]; the kvalifiseringsprogram is not modelled, so no "
        "eligibility fact leads to it yet.",
    ),
    _r(
        "dl-148",
        Act.DOMSTOLL,
        "§ 148",
        "Beregning av frister",
        note="Second ledd as quoted at advokat-teigstad.no (straffeloven § 13): «Frister, som er "
        "bestemt efter uker, maaneder eller aar, ender paa den dag i den sidste uke eller den "
        "sidste "
        "maaned, som efter sit navn eller sit tal svarer til den dag, da fristen begynder at "
        "løpe.»",
    ),
    _r(
        "dl-149",
        Act.DOMSTOLL,
        "§ 149",
        "Frist som ender på lørdag eller helgedag",
        note="First ledd as quoted at advokat-teigstad.no (straffeloven § 13) and in the Lovdata "
        "chapter page lovdata.no/dokument/NL/lov/1915-08-13-5/KAPITTEL_10: «Ender en frist paa en "
        "lørdag, helgedag eller dag som etter lovgivningen er likestilt med helgedag forlenges "
        "fristen til den nærmest følgende virkedag.» Holidays: holidays.Norway (helligdager and "
        "1 and 17 May).",
    ),
    _r(
        "fvl-30",
        Act.FVL,
        "§ 30",
        "Når klage må være innkommet (fristavbrudd)",
        status=Status.LAW_TEXT_UNVERIFIED,
        note="Cited as the bridge from administrative complaint deadlines to domstolloven §§ "
        "148–149. "
        "The text of § 30 was not retrievable here, and one public analysis (registry-mcp, "
        "decision "
        "D-022) reads § 30 as only about when a complaint counts as lodged in time; skatte"
        "forvaltningsloven § 5-5 states the bridge in its own words. Verify on Lovdata.",
    ),
    _r(
        "fvl-33",
        Act.FVL,
        "§ 33",
        "Saksforberedelsen i klagesak",
        note="As quoted at jusinfo.no: «Blir det ikke truffet avgjørelse som nevnt i annet ledd, "
        "skal "
        "sakens dokumenter sendes klageinstansen så snart saken er tilrettelagt.» No number of "
        "days.",
    ),
    _r(
        "fvl-11-a",
        Act.FVL,
        "§ 11 a",
        "Saksbehandlingstid, foreløpig svar",
        status=Status.LAW_TEXT_UNVERIFIED,
        note="«uten ugrunnet opphold»; a preliminary answer in cases about an enkeltvedtak not "
        "answered within a month (from memory; verify on Lovdata).",
    ),
    _r(
        "hotl-3-1",
        Act.HOTL,
        "§ 3-1",
        "Kommunens overordnede ansvar for helse- og omsorgstjenester",
        status=Status.LAW_TEXT_UNVERIFIED,
        note="Fourth ledd: the municipality may provide the services itself or by agreement with "
        "other public or private providers (from memory; verify on Lovdata).",
    ),
    _r(
        "prop-100-l-tjenesteytere",
        Act.PROP_100_L,
        "kap. 13",
        "«Tjenesteytere» i samarbeidsbestemmelsene",
        _AUG_2022,
        status=Status.GUIDE,
        note="Preparatory works; the definition stands in each sector law's cooperation clause "
        "(paragraph wording not verified here): «kommunale, fylkeskommunale og statlige "
        "tjenesteytere, private tjenesteytere som yter "
        "tjenester på vegne av slike tjenesteytere …» (domain.md §5.1 [V:S10 ch.13]): a privately "
        "engaged professional is not one.",
    ),
)

REFERENCES: Mapping[str, LegalReference] = {r.key: r for r in _ALL}
"""Every reference the library uses, by key."""


def ref(key: str) -> LegalReference:
    """Return the reference with this key, or raise
    [`InvalidInput`][barnekoordinator.errors.InvalidInput] naming it.
    """
    try:
        return REFERENCES[key]
    except KeyError:
        raise InvalidInput(
            f"unknown legal reference key {key!r}; see barnekoordinator.legal_basis.REFERENCES"
        ) from None


def refs(*keys: str) -> tuple[LegalReference, ...]:
    """Return the references with these keys, in order."""
    return tuple(ref(k) for k in keys)


def _by_date(values: Iterable[tuple[date, T]]) -> tuple[tuple[date, T], ...]:
    return tuple(sorted(values, key=lambda pair: pair[0]))


@frozen
class ParameterHistory(Generic[T]):
    """A legal parameter whose value changes on given dates.

    ``values`` maps the first day a value applies to the value; ``basis`` is the
    reference the parameter rests on. Before the first date there is no value.
    """

    name: str
    values: tuple[tuple[date, T], ...] = field(converter=_by_date)
    basis: tuple[LegalReference, ...] = ()

    @values.validator
    def _check(self, _attribute: object, value: tuple[tuple[date, T], ...]) -> None:
        if not value:
            raise InvalidInput(f"parameter {self.name!r} needs at least one dated value")
        dates = [d for d, _ in value]
        if len(set(dates)) != len(dates):
            raise InvalidInput(f"parameter {self.name!r} has two values on the same date")

    def at(self, as_of: date) -> T:
        """The value in force on ``as_of``; raises
        [`InvalidInput`][barnekoordinator.errors.InvalidInput] before the first date.
        """
        dates = [d for d, _ in self.values]
        index = bisect.bisect_right(dates, as_of) - 1
        if index < 0:
            raise InvalidInput(
                f"parameter {self.name!r} has no value before {self.values[0][0].isoformat()}"
            )
        return self.values[index][1]

    def in_force(self, as_of: date) -> bool:
        """True when the parameter has a value on ``as_of``."""
        return as_of >= self.values[0][0]


_PARAMETERS: dict[str, ParameterHistory[int]] = {
    "barnekoordinator_age_limit": ParameterHistory(
        "barnekoordinator_age_limit",
        ((_AUG_2022, 18),),
        refs("pbrl-2-5-c", "hotl-7-2-a"),
    ),
    "health_majority_age": ParameterHistory(
        "health_majority_age", ((date(1999, 7, 2), 16),), refs("pbrl-4-3")
    ),
    "age_of_majority": ParameterHistory(
        "age_of_majority", ((date(2010, 3, 26), 18),), refs("vergeml-2")
    ),
    "child_heard_from_age": ParameterHistory(
        "child_heard_from_age", ((date(2018, 1, 1), 7),), refs("pbrl-4-4", "bk-art-12")
    ),
    "child_great_weight_from_age": ParameterHistory(
        "child_great_weight_from_age", ((date(2018, 1, 1), 12),), refs("pbrl-4-4")
    ),
    "withhold_from_guardians_from_age": ParameterHistory(
        "withhold_from_guardians_from_age", ((date(1999, 7, 2), 12),), refs("pbrl-3-4")
    ),
    "complaint_deadline_weeks": ParameterHistory(
        "complaint_deadline_weeks", ((date(2012, 1, 1), 4),), refs("pbrl-7-5")
    ),
}


MAX_COMPLAINT_DEADLINE_WEEKS: Final = 52
"""The longest complaint deadline a recorded decision may carry, in weeks: the law's is four
(pbrl § 7-5, parameter ``complaint_deadline_weeks``); a year bounds what any later rule could
give, and keeps the deadline's date computable."""


def parameter(name: str) -> ParameterHistory[int]:
    """Return a named legal parameter (e.g. ``"barnekoordinator_age_limit"``)."""
    try:
        return _PARAMETERS[name]
    except KeyError:
        known = ", ".join(sorted(_PARAMETERS))
        raise InvalidInput(f"unknown legal parameter {name!r}; known: {known}") from None


# --- Norwegian deadlines (domstolloven §§ 148–149) -----------------------------------


@functools.lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    # Sundays are rest days anyway; the library lists the helligdager and 1 and 17 May.
    # Imported here: the holidays package loads every country's calendar (a tenth of a second),
    # which commands that compute no deadline (assess, --help) should not pay for.
    from holidays.countries.norway import Norway

    return frozenset(Norway(years=year).keys())


def is_working_day(day: date) -> bool:
    """True on Monday to Friday unless the day is a Norwegian public holiday.

    Saturdays, Sundays, the helligdager and 1 and 17 May are not working days
    (domstolloven § 149: «lørdag, helgedag eller dag som etter lovgivningen er
    likestilt med helgedag»). The holidays come from ``holidays.Norway``.
    """
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def deadline(start: date, *, weeks: int = 0, days: int = 0) -> date:
    """The last day of a deadline of ``weeks`` and ``days`` running from ``start``.

    A deadline in weeks ends on the same weekday in its last week (domstolloven
    § 148 second ledd); one that ends on a Saturday, a Sunday or a public holiday
    is extended to the next working day (domstolloven § 149 first ledd). With
    knowledge on Saturday 7 March 2026, four weeks end on Saturday 4 April; with
    Easter Sunday and Monday after it, the last day is Tuesday 7 April.

    Raises:
        InvalidInput: ``weeks`` or ``days`` is negative, or the deadline would end after
            [`LATEST_DATE`][barnekoordinator.edges.LATEST_DATE] (the dates the library supports).
    """
    if weeks < 0 or days < 0:
        raise InvalidInput("a deadline runs forward: weeks and days must be 0 or more")
    if (LATEST_DATE - start).days < weeks * 7 + days:
        # Checked before adding: a date past year 9999 cannot even be computed.
        raise InvalidInput(
            f"deadline: start + weeks and days must end on or before {LATEST_DATE.isoformat()} "
            "(the dates the library supports)"
        )
    return next_working_day(start + timedelta(weeks=weeks, days=days))


def _check_unique(references: Iterable[LegalReference]) -> None:
    seen: set[str] = set()
    for r in references:
        if r.key in seen:  # pragma: no cover - guarded by tests
            raise AssertionError(f"duplicate legal reference key {r.key}")
        seen.add(r.key)


_check_unique(_ALL)
