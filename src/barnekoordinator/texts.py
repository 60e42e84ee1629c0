# Catalogue sentences stay whole, one literal per language, so translators read them as written.
# ruff: noqa: E501
"""The nb/nn/en text catalogue of eligibility, decisions and complaints (private).

Every user-facing sentence exists in bokmål (``nb``, the default), nynorsk (``nn``) and English
(``en``). Texts are built once, at import, and shared by every result: an explanation is a reference
to one of these values, never a string formatted per call. A few texts carry a placeholder
(``{date}``, ``{service}``) that [`Text.format()`][barnekoordinator.texts.Text.format] fills in when
the text is shown.

Keys are dotted and stable; tests check that every text has all three
languages and no stray placeholder.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from barnekoordinator._texts_edges import EDGE_TEXTS
from barnekoordinator.errors import InvalidInput

__all__ = ["TEXTS", "Language", "Text", "language", "text"]


class Language(enum.StrEnum):
    """A language every user-facing text exists in."""

    NB = "nb"
    """Bokmål (the default)."""
    NN = "nn"
    """Nynorsk."""
    EN = "en"
    """English."""


@attrs.frozen(kw_only=True)
class Text:
    """One sentence or paragraph in bokmål, nynorsk and English."""

    nb: str
    nn: str
    en: str

    def get(self, lang: Language | str = Language.NB) -> str:
        """The text in ``lang`` (``"nb"``, ``"nn"`` or ``"en"``)."""
        if lang == "nb":
            return self.nb
        if lang == "nn":
            return self.nn
        if lang == "en":
            return self.en
        raise InvalidInput(f"unknown language {lang!r}; expected 'nb', 'nn' or 'en'")

    def format(self, lang: Language | str = Language.NB, **values: object) -> str:
        """The text in ``lang`` with its placeholders (``{date}``, ``{service}``) filled in."""
        template = self.get(lang)
        return template.format(**values) if values else template

    def join(self, other: Text, sep: str = " ") -> Text:
        """A new text: this one followed by ``other`` in each language."""
        return Text(
            nb=self.nb + sep + other.nb, nn=self.nn + sep + other.nn, en=self.en + sep + other.en
        )


def language(value: Language | str) -> Language:
    """Parse a language code, raising [`InvalidInput`][barnekoordinator.errors.InvalidInput] for
    anything but nb, nn, en.
    """
    try:
        return Language(value)
    except ValueError:
        raise InvalidInput(f"unknown language {value!r}; expected 'nb', 'nn' or 'en'") from None


def _t(nb: str, nn: str, en: str) -> Text:
    return Text(nb=nb, nn=nn, en=en)


# fmt: off
_CATALOGUE: dict[str, Text] = {
    # --- rights, outcomes, actions -----------------------------------------------------
    "right.barnekoordinator": _t("Barnekoordinator", "Barnekoordinator", "Child coordinator (barnekoordinator)"),
    "right.koordinator": _t("Koordinator", "Koordinator", "Coordinator (koordinator)"),
    "right.individuell-plan": _t("Individuell plan", "Individuell plan", "Individual plan (individuell plan)"),
    "right.stafettlogg": _t("Tilbud om stafettlogg (BTI)", "Tilbod om stafettlogg (BTI)", "Offer of a relay log (BTI stafettlogg)"),
    "outcome.met": _t("oppfylt", "oppfylt", "met"),
    "outcome.not-met": _t("ikke oppfylt", "ikkje oppfylt", "not met"),
    "outcome.needs-assessment": _t("krever faglig vurdering", "krev fagleg vurdering", "needs professional assessment"),
    "outcome.wish.met": _t("samtykke foreligger", "samtykke ligg føre", "consent given"),
    "outcome.wish.not-met": _t("takket nei", "takka nei", "declined"),
    "outcome.wish.needs-assessment": _t("ikke avklart", "ikkje avklart", "not settled"),
    "action.barnekoordinator.appoint": _t(
        "Kommunen skal oppnevne barnekoordinator.",
        "Kommunen skal oppnemne barnekoordinator.",
        "The municipality shall appoint a barnekoordinator."),
    "action.koordinator.appoint": _t(
        "Kommunen skal oppnevne koordinator.",
        "Kommunen skal oppnemne koordinator.",
        "The municipality shall appoint a koordinator."),
    "action.individuell-plan.appoint": _t(
        "Kommunen skal sørge for at individuell plan utarbeides.",
        "Kommunen skal sørgje for at individuell plan vert utarbeidd.",
        "The municipality shall ensure that an individual plan is prepared."),
    "action.stafettlogg.appoint": _t(
        "Stafettlogg kan opprettes; samtykke foreligger.",
        "Stafettlogg kan opprettast; samtykke ligg føre.",
        "A stafettlogg may be opened; consent is given."),
    "action.offer": _t(
        "Vilkårene er oppfylt, men ønsket eller samtykket er ikke avklart: tilby ordningen og registrer svaret.",
        "Vilkåra er oppfylte, men ønsket eller samtykket er ikkje avklart: tilby ordninga og registrer svaret.",
        "The conditions are met, but the wish or consent is not settled: offer it and record the answer."),
    "action.declined": _t(
        "Ordningen er takket nei til: ingen oppnevning. Svaret registreres, og familien kan be om den senere.",
        "Ordninga er takka nei til: inga oppnemning. Svaret vert registrert, og familien kan be om henne seinare.",
        "It has been declined: no appointment. The answer is recorded, and the family may ask for it later."),
    "action.legal-review": _t(
        "Samtykkesituasjonen krever juridisk vurdering; det skal ikke oppnevnes automatisk.",
        "Samtykkesituasjonen krev juridisk vurdering; det skal ikkje oppnemnast automatisk.",
        "The consent situation needs legal review; nothing is appointed automatically."),
    "action.assess": _t(
        "Ett eller flere vilkår krever faglig vurdering før det kan konkluderes.",
        "Eitt eller fleire vilkår krev fagleg vurdering før det kan konkluderast.",
        "One or more conditions need professional assessment before a conclusion can be drawn."),
    "action.none": _t(
        "Vilkårene er ikke oppfylt.",
        "Vilkåra er ikkje oppfylte.",
        "The conditions are not met."),

    # --- condition labels ----------------------------------------------------------------
    "condition.in-force": _t("Bestemmelsen er i kraft", "Føresegna er i kraft", "The provision is in force"),
    "condition.c1-has-or-expects-child": _t(
        "C1 Familien har eller venter barn", "C1 Familien har eller ventar barn",
        "C1 The family has or is expecting a child"),
    "condition.right-holder": _t(
        "Barnet er pasient eller bruker", "Barnet er pasient eller brukar",
        "The child is a patient or user"),
    "condition.c2-serious-condition": _t(
        "C2 Alvorlig sykdom, skade eller nedsatt funksjonsevne",
        "C2 Alvorleg sjukdom, skade eller nedsett funksjonsevne",
        "C2 Serious illness, injury or reduced function"),
    "condition.c3-long-term-need": _t("C3 Langvarig behov", "C3 Langvarig behov", "C3 Long-term need"),
    "condition.c4-composite-or-coordinated": _t(
        "C4 Sammensatte eller koordinerte tjenester", "C4 Samansette eller koordinerte tenester",
        "C4 Composite or coordinated services"),
    "condition.coordinated-need": _t(
        "Behov for koordinerte tjenester", "Behov for koordinerte tenester",
        "Need for coordinated services"),
    "condition.c5-health-and-welfare-services": _t(
        "C5 Helse- og omsorgstjenester og andre velferdstjenester",
        "C5 Helse- og omsorgstenester og andre velferdstenester",
        "C5 Health and care services and other welfare services"),
    "condition.health-and-care-services": _t(
        "Behov for helse- og omsorgstjenester", "Behov for helse- og omsorgstenester",
        "Need for health and care services"),
    "condition.c6-wish": _t(
        "C6 Ønske og samtykke", "C6 Ønske og samtykke", "C6 Wish and consent"),
    "condition.c7-under-age-limit": _t(
        "C7 Barnet er under 18 år", "C7 Barnet er under 18 år", "C7 The child is under 18"),
    "condition.s1-municipal-practice": _t(
        "Kommunen bruker stafettlogg (BTI)", "Kommunen nyttar stafettlogg (BTI)",
        "The municipality uses the stafettlogg (BTI)"),
    "condition.s2-bti-level": _t(
        "BTI-nivå der stafettlogg brukes", "BTI-nivå der stafettlogg vert nytta",
        "BTI level at which a stafettlogg is used"),
    "condition.s3-target-group": _t(
        "Innenfor målgruppen for BTI", "Innanfor målgruppa for BTI",
        "Within the BTI target group"),
    "condition.s4-no-statutory-coordinator": _t(
        "Ingen lovpålagt koordinator har overtatt", "Ingen lovpålagd koordinator har teke over",
        "No statutory coordinator has taken over"),

    # --- condition reasons ---------------------------------------------------------------
    "reason.in-force.not-in-force": _t(
        "Retten til barnekoordinator (pbrl § 2-5 c, hotl § 7-2 a) gjelder fra 1. august 2022; vurderingsdatoen er før dette.",
        "Retten til barnekoordinator (pbrl § 2-5 c, hotl § 7-2 a) gjeld frå 1. august 2022; vurderingsdatoen er før dette.",
        "The right to a barnekoordinator (pbrl § 2-5 c, hotl § 7-2 a) applies from 1 August 2022; the assessment date is earlier."),
    "reason.c1.born": _t(
        "Familien har et barn (født; fødselsdato fra Folkeregisteret).",
        "Familien har eit barn (fødd; fødselsdato frå Folkeregisteret).",
        "The family has a child (born; birth date from the population register)."),
    "reason.c1.pregnancy": _t(
        "Familien venter barn (svangerskap); retten gjelder allerede før fødselen.",
        "Familien ventar barn (svangerskap); retten gjeld alt før fødselen.",
        "The family is expecting a child (pregnancy); the right applies before birth."),
    "reason.c1.adoption": _t(
        "Familien venter barn gjennom en godkjent adopsjon. At adopsjon regnes som «venter barn», bygger på veileder, ikke lovtekst.",
        "Familien ventar barn gjennom ei godkjend adopsjon. At adopsjon vert rekna som «ventar barn», byggjer på rettleiar, ikkje lovtekst.",
        "The family is expecting a child through an approved adoption. Treating adoption as «expecting a child» rests on guidance, not statute."),
    "reason.right-holder.born": _t(
        "Barnet er født og har selv rettigheter som pasient eller bruker.",
        "Barnet er fødd og har sjølv rettar som pasient eller brukar.",
        "The child is born and has rights as a patient or user."),
    "reason.right-holder.expected": _t(
        "Barnet er ikke født ennå. Retten tilhører pasienten eller brukeren og gjelder fra fødselen; før fødselen dekker barnekoordinator familien.",
        "Barnet er ikkje fødd enno. Retten høyrer til pasienten eller brukaren og gjeld frå fødselen; før fødselen dekkjer barnekoordinator familien.",
        "The child is not yet born. The right belongs to the patient or user and applies from birth; before birth, the barnekoordinator covers the family."),
    "reason.c2.judged-met": _t(
        "En fagperson har vurdert at barnet har alvorlig sykdom, skade eller nedsatt funksjonsevne (individuell, konkret helhetsvurdering; diagnose kreves ikke).",
        "Ein fagperson har vurdert at barnet har alvorleg sjukdom, skade eller nedsett funksjonsevne (individuell, konkret heilskapsvurdering; diagnose er ikkje eit krav).",
        "A professional has assessed that the child has a serious illness, injury or reduced function (individual, concrete overall assessment; no diagnosis required)."),
    "reason.c2.judged-not-met": _t(
        "En fagperson har vurdert at tilstanden ikke er alvorlig i lovens forstand.",
        "Ein fagperson har vurdert at tilstanden ikkje er alvorleg slik lova meiner det.",
        "A professional has assessed that the condition is not serious in the sense of the act."),
    "reason.c2.not-assessed": _t(
        "Ingen faglig vurdering av om tilstanden er «alvorlig» er registrert. Svaret er «krever vurdering», aldri avslag; vurderingen gjøres av en fagperson, ikke ut fra diagnose.",
        "Inga fagleg vurdering av om tilstanden er «alvorleg» er registrert. Svaret er «krev vurdering», aldri avslag; vurderinga vert gjord av ein fagperson, ikkje ut frå diagnose.",
        "No professional assessment of whether the condition is «serious» is recorded. The answer is «needs assessment», never a refusal; a professional assesses it, not a diagnosis."),
    "reason.c3.judged-met": _t(
        "En fagperson har vurdert behovet som langvarig (et forventet fremtidig behov er nok; ingen fast minstetid).",
        "Ein fagperson har vurdert behovet som langvarig (eit venta framtidig behov er nok; inga fast minstetid).",
        "A professional has assessed the need as long-term (an expected future need suffices; no fixed minimum duration)."),
    "reason.c3.judged-not-met": _t(
        "En fagperson har vurdert at behovet ikke er langvarig.",
        "Ein fagperson har vurdert at behovet ikkje er langvarig.",
        "A professional has assessed that the need is not long-term."),
    "reason.c3.not-assessed": _t(
        "Ingen faglig vurdering av om behovet er langvarig er registrert.",
        "Inga fagleg vurdering av om behovet er langvarig er registrert.",
        "No professional assessment of whether the need is long-term is recorded."),
    "reason.c4.judged-met": _t(
        "En fagperson har vurdert tjenestebehovet som sammensatt eller koordinert (lovens «eller»: ett av dem er nok).",
        "Ein fagperson har vurdert tenestebehovet som samansett eller koordinert (lova sitt «eller»: eitt av dei er nok).",
        "A professional has assessed the service need as composite or coordinated (the statute's «or»: either is enough)."),
    "reason.c4.judged-not-met": _t(
        "En fagperson har vurdert at behovet verken er sammensatt eller koordinert.",
        "Ein fagperson har vurdert at behovet verken er samansett eller koordinert.",
        "A professional has assessed the need as neither composite nor coordinated."),
    "reason.c4.not-assessed": _t(
        "Det er ikke vurdert faglig om behovet er sammensatt eller koordinert (ett av dem er nok).",
        "Det er ikkje vurdert fagleg om behovet er samansett eller koordinert (eitt av dei er nok).",
        "No professional has assessed whether the need is composite or coordinated (either is enough)."),
    "reason.coordinated.judged-met": _t(
        "En fagperson har vurdert at det er behov for koordinerte tjenester.",
        "Ein fagperson har vurdert at det er behov for koordinerte tenester.",
        "A professional has assessed a need for coordinated services."),
    "reason.coordinated.judged-not-met": _t(
        "En fagperson har vurdert at det ikke er behov for koordinerte tjenester.",
        "Ein fagperson har vurdert at det ikkje er behov for koordinerte tenester.",
        "A professional has assessed that there is no need for coordinated services."),
    "reason.coordinated.not-assessed": _t(
        "Det er ikke vurdert faglig om det er behov for koordinerte tjenester.",
        "Det er ikkje vurdert fagleg om det er behov for koordinerte tenester.",
        "No professional has assessed whether there is a need for coordinated services."),
    "reason.c5.both": _t(
        "Det er behov for både helse- og omsorgstjenester og andre velferdstjenester (utledet av tjenestene som trengs og registrerte opplysninger).",
        "Det er behov for både helse- og omsorgstenester og andre velferdstenester (utleidd av tenestene som trengst og registrerte opplysningar).",
        "There is a need for both health and care services and other welfare services (derived from the services needed and recorded facts)."),
    "reason.c5.no-welfare": _t(
        "Det er ikke behov for andre velferdstjenester (for eksempel NAV-ytelser eller tilrettelegging i barnehage eller skole). Bare helsebehov gir ikke rett til barnekoordinator, men kan gi rett til koordinator og individuell plan.",
        "Det er ikkje behov for andre velferdstenester (til dømes NAV-ytingar eller tilrettelegging i barnehage eller skule). Berre helsebehov gjev ikkje rett til barnekoordinator, men kan gje rett til koordinator og individuell plan.",
        "There is no need for other welfare services (for example NAV benefits or adaptations in kindergarten or school). Health needs alone do not give a right to a barnekoordinator, but may give a right to a koordinator and an individual plan."),
    "reason.c5.no-health": _t(
        "Det er ikke behov for helse- og omsorgstjenester. Samarbeidsplikten og kommunens samordningsplikt gjelder fortsatt.",
        "Det er ikkje behov for helse- og omsorgstenester. Samarbeidsplikta og samordningsplikta til kommunen gjeld framleis.",
        "There is no need for health and care services. The duty to cooperate and the municipality's duty to coordinate still apply."),
    "reason.c5.neither": _t(
        "Det er verken behov for helse- og omsorgstjenester eller for andre velferdstjenester.",
        "Det er verken behov for helse- og omsorgstenester eller for andre velferdstenester.",
        "There is no need for either health and care services or other welfare services."),
    "reason.c5.not-mapped": _t(
        "Behovet for helse- og omsorgstjenester og andre velferdstjenester er ikke kartlagt fullt ut; begge slag trengs.",
        "Behovet for helse- og omsorgstenester og andre velferdstenester er ikkje kartlagt fullt ut; begge slag trengst.",
        "The need for health and care services and other welfare services is not fully mapped; both kinds are required."),
    "reason.health.yes": _t(
        "Det er behov for helse- og omsorgstjenester.",
        "Det er behov for helse- og omsorgstenester.",
        "There is a need for health and care services."),
    "reason.health.no": _t(
        "Det er ikke behov for helse- og omsorgstjenester.",
        "Det er ikkje behov for helse- og omsorgstenester.",
        "There is no need for health and care services."),
    "reason.health.not-mapped": _t(
        "Behovet for helse- og omsorgstjenester er ikke kartlagt ennå.",
        "Behovet for helse- og omsorgstenester er ikkje kartlagt enno.",
        "The need for health and care services is not yet mapped."),
    "reason.c7.expected": _t(
        "Barnet er ikke født ennå; aldersgrensen regnes fra fødselen.",
        "Barnet er ikkje fødd enno; aldersgrensa vert rekna frå fødselen.",
        "The child is not yet born; the age limit runs from birth."),
    "reason.c7.under-limit": _t(
        "Barnet er under 18 år på vurderingsdatoen. Retten til barnekoordinator opphører på 18-årsdagen.",
        "Barnet er under 18 år på vurderingsdatoen. Retten til barnekoordinator fell bort på 18-årsdagen.",
        "The child is under 18 on the assessment date. The right to a barnekoordinator ends on the 18th birthday."),
    "reason.c7.reached-limit": _t(
        "Barnet har fylt 18 år; retten til barnekoordinator opphørte på 18-årsdagen. Koordinator og individuell plan kan fortsette hvis den unge voksne samtykker.",
        "Barnet har fylt 18 år; retten til barnekoordinator fall bort på 18-årsdagen. Koordinator og individuell plan kan halde fram dersom den unge vaksne samtykkjer.",
        "The child has turned 18; the right to a barnekoordinator ended on the 18th birthday. A koordinator and the individual plan may continue if the young adult consents."),
    "reason.s1.offered": _t(
        "Kommunen bruker stafettlogg i BTI-arbeidet (kommunal praksis, ikke lov).",
        "Kommunen nyttar stafettlogg i BTI-arbeidet (kommunal praksis, ikkje lov).",
        "The municipality uses the stafettlogg in its BTI work (municipal practice, not law)."),
    "reason.s1.not-offered": _t(
        "Kommunen bruker ikke stafettlogg (kommunal praksis).",
        "Kommunen nyttar ikkje stafettlogg (kommunal praksis).",
        "The municipality does not use the stafettlogg (municipal practice)."),
    "reason.s2.at-or-above": _t(
        "Saken er på et BTI-nivå der kommunen bruker stafettlogg.",
        "Saka er på eit BTI-nivå der kommunen nyttar stafettlogg.",
        "The case is at a BTI level at which the municipality uses a stafettlogg."),
    "reason.s2.below": _t(
        "Saken er på et lavere BTI-nivå enn det kommunen bruker stafettlogg fra.",
        "Saka er på eit lågare BTI-nivå enn det kommunen nyttar stafettlogg frå.",
        "The case is at a lower BTI level than the one from which the municipality uses a stafettlogg."),
    "reason.s2.not-decided": _t(
        "BTI-nivået er ikke avklart (nivå 0: undring og avklaring).",
        "BTI-nivået er ikkje avklart (nivå 0: undring og avklaring).",
        "The BTI level has not been decided (level 0: wondering and clarification)."),
    "reason.s3.expected": _t(
        "Gravide er i målgruppen for BTI.",
        "Gravide er i målgruppa for BTI.",
        "Pregnant women are in the BTI target group."),
    "reason.s3.within": _t(
        "Barnet er innenfor kommunens aldersgrense for BTI.",
        "Barnet er innanfor aldersgrensa kommunen har for BTI.",
        "The child is within the municipality's BTI age limit."),
    "reason.s3.above": _t(
        "Den unge er over kommunens aldersgrense for BTI.",
        "Den unge er over aldersgrensa kommunen har for BTI.",
        "The young person is above the municipality's BTI age limit."),
    "reason.s4.none": _t(
        "Ingen koordinator eller barnekoordinator er oppnevnt; stafettloggen kan brukes til samordning.",
        "Ingen koordinator eller barnekoordinator er oppnemnd; stafettloggen kan nyttast til samordning.",
        "No koordinator or barnekoordinator is appointed; the stafettlogg may be used for coordination."),
    "reason.s4.statutory": _t(
        "Det er allerede oppnevnt koordinator eller barnekoordinator; lovpålagt koordinering går foran stafettloggen (unngå to parallelle koordinatorer).",
        "Det er alt oppnemnt koordinator eller barnekoordinator; lovpålagd koordinering går føre stafettloggen (unngå to parallelle koordinatorar).",
        "A koordinator or barnekoordinator is already appointed; statutory coordination takes precedence over the stafettlogg (avoid two parallel coordinators)."),

    # --- who consents, and what they said (C6) --------------------------------------------
    "party.guardians": _t(
        "Foreldrene med foreldreansvar", "Foreldra med foreldreansvar",
        "The parents with parental responsibility"),
    "party.expecting": _t("De vordende foreldrene", "Dei vordande foreldra", "The expecting parents"),
    "party.barnevern": _t(
        "Barnevernstjenesten, som har overtatt omsorgen", "Barnevernstenesta, som har teke over omsorga",
        "The child welfare service, which has taken over care"),
    "party.youth-and-guardians": _t(
        "Foreldrene og ungdommen (16–17 år)", "Foreldra og ungdomen (16–17 år)",
        "The parents and the young person (16–17)"),
    "party.youth": _t("Ungdommen selv", "Ungdomen sjølv", "The young person"),
    "party.adult": _t("Den unge voksne selv", "Den unge vaksne sjølv", "The young adult"),
    "party.pregnant-woman": _t("Den gravide selv", "Den gravide sjølv", "The pregnant woman"),
    "verdict.wants": _t(
        "ønsker dette (samtykke foreligger).",
        "ønskjer dette (samtykke ligg føre).",
        "wants this (consent given)."),
    "verdict.declines": _t(
        "ønsker det ikke; ingen oppnevning, og svaret registreres.",
        "ønskjer det ikkje; inga oppnemning, og svaret vert registrert.",
        "does not want this; no appointment, and the answer is recorded."),
    "verdict.unknown": _t(
        "ønsket er ikke avklart; tilby ordningen og registrer svaret.",
        "ønsket er ikkje avklart; tilby ordninga og registrer svaret.",
        "the wish is not yet known; offer it and record the answer."),
    "verdict.partial": _t(
        "ikke alle har svart; som hovedregel må begge med foreldreansvar samtykke.",
        "ikkje alle har svart; som hovudregel må begge med foreldreansvar samtykkje.",
        "not everyone has answered; as a rule, both parents with parental responsibility must consent."),
    "verdict.conflict": _t(
        "er uenige (den ene vil, den andre vil ikke); krever juridisk vurdering, ingen automatisk oppnevning.",
        "er usamde (den eine vil, den andre vil ikkje); krev juridisk vurdering, inga automatisk oppnemning.",
        "disagree (one wants it, the other does not); needs legal review, no automatic appointment."),
    "verdict.youth-disagrees": _t(
        "ungdommen og foreldrene er uenige; ungdommens eget syn krever juridisk vurdering.",
        "ungdomen og foreldra er usamde; ungdomen sitt eige syn krev juridisk vurdering.",
        "the young person and the parents disagree; the young person's own say needs legal review."),
    "verdict.no-party": _t(
        "ingen med foreldreansvar er registrert; avklar hvem som samtykker på vegne av barnet.",
        "ingen med foreldreansvar er registrert; avklar kven som samtykkjer på vegner av barnet.",
        "no one with parental responsibility is recorded; clarify who consents on the child's behalf."),

    # --- follow-ups ------------------------------------------------------------------------
    "follow-up.barnekoordinator.duty-to-appoint": _t(
        "Kommunen skal oppnevne en barnekoordinator blant sine egne tjenesteytere; koordinerende enhet har det overordnede ansvaret. Familiens og barnets ønsker skal vektlegges ved valget.",
        "Kommunen skal oppnemne ein barnekoordinator blant sine eigne tenesteytarar; koordinerande eining har det overordna ansvaret. Ønska til familien og barnet skal vektleggjast ved valet.",
        "The municipality shall appoint a barnekoordinator from its own service providers; the coordinating unit has overall responsibility. The family's and the child's wishes shall be given weight in the choice."),
    "follow-up.koordinator.duty-to-appoint": _t(
        "Kommunen skal tilby koordinator og oppnevne en når pasienten eller brukeren ønsker det, også uten individuell plan.",
        "Kommunen skal tilby koordinator og oppnemne ein når pasienten eller brukaren ønskjer det, også utan individuell plan.",
        "The municipality shall offer a koordinator and appoint one when the patient or user wishes, also without an individual plan."),
    "follow-up.individuell-plan.duty-to-appoint": _t(
        "Kommunen skal sørge for at individuell plan utarbeides med samtykke, og at arbeidet samordnes.",
        "Kommunen skal sørgje for at individuell plan vert utarbeidd med samtykke, og at arbeidet vert samordna.",
        "The municipality shall ensure that an individual plan is prepared with consent and that the work is coordinated."),
    "follow-up.stafettlogg.duty-to-appoint": _t(
        "Stafettlogg kan opprettes med samtykke. Det skal alltid være tydelig hvem som er stafettholder, og hvert tiltak skal ha ansvarlig og evalueringsdato.",
        "Stafettlogg kan opprettast med samtykke. Det skal alltid vere tydeleg kven som er stafetthaldar, og kvart tiltak skal ha ansvarleg og evalueringsdato.",
        "A stafettlogg may be opened with consent. It must always be clear who the stafettholder is, and each measure needs a responsible person and an evaluation date."),
    "follow-up.offer": _t(
        "Tilby ordningen og registrer både tilbudet og svaret (også et nei).",
        "Tilby ordninga og registrer både tilbodet og svaret (også eit nei).",
        "Offer it and record both the offer and the answer (also a no)."),
    "follow-up.record-decline": _t(
        "Registrer at ordningen er takket nei til. Familien kan be om den senere.",
        "Registrer at ordninga er takka nei til. Familien kan be om henne seinare.",
        "Record that it was declined. The family may ask for it later."),
    "follow-up.professional-assessment": _t(
        "Send saken til faglig vurdering (koordinerende enhet) for vilkårene som mangler vurdering; ikke avslå før vurderingen foreligger.",
        "Send saka til fagleg vurdering (koordinerande eining) for vilkåra som manglar vurdering; ikkje avslå før vurderinga ligg føre.",
        "Route the case to professional assessment (coordinating unit) for the conditions not yet assessed; do not refuse before the assessment is made."),
    "follow-up.stafettlogg.professional-assessment": _t(
        "Avklar undringen (nivå 0) og bestem BTI-nivå før stafettlogg tilbys.",
        "Avklar undringa (nivå 0) og bestem BTI-nivå før stafettlogg vert tilboden.",
        "Clarify the concern (level 0) and decide the BTI level before a stafettlogg is offered."),
    "follow-up.consent-conflict": _t(
        "Foreldre med felles foreldreansvar er uenige. Som hovedregel må begge samtykke; saken skal til juridisk vurdering, og det skal ikke oppnevnes automatisk.",
        "Foreldre med felles foreldreansvar er usamde. Som hovudregel må begge samtykkje; saka skal til juridisk vurdering, og det skal ikkje oppnemnast automatisk.",
        "Parents with joint parental responsibility disagree. As a rule both must consent; the case goes to legal review, and nothing is appointed automatically."),
    "follow-up.youth-own-say": _t(
        "Ungdommen (16–17 år) og foreldrene er uenige. Ungdommen bestemmer selv over egen helsehjelp; hvem som samtykker til barnekoordinator, krever juridisk vurdering.",
        "Ungdomen (16–17 år) og foreldra er usamde. Ungdomen bestemmer sjølv over eiga helsehjelp; kven som samtykkjer til barnekoordinator, krev juridisk vurdering.",
        "The young person (16–17) and the parents disagree. The young person decides on their own health care; who consents to a barnekoordinator needs legal review."),
    "follow-up.samordningsplikt": _t(
        "Selv uten barnekoordinator skal kommunen sørge for et helhetlig og samordnet tjenestetilbud (samordningsplikt), og tjenestene har samarbeidsplikt.",
        "Sjølv utan barnekoordinator skal kommunen sørgje for eit heilskapleg og samordna tenestetilbod (samordningsplikt), og tenestene har samarbeidsplikt.",
        "Even without a barnekoordinator, the municipality must ensure a holistic and coordinated service offer (duty to coordinate), and the services have a duty to cooperate."),
    "follow-up.alternatives": _t(
        "Barnekoordinator faller bort fordi vilkåret om tjenester ikke er oppfylt. Vurder koordinator (pbrl § 2-5 b, hotl § 7-2) og individuell plan (pbrl § 2-5).",
        "Barnekoordinator fell bort fordi vilkåret om tenester ikkje er oppfylt. Vurder koordinator (pbrl § 2-5 b, hotl § 7-2) og individuell plan (pbrl § 2-5).",
        "A barnekoordinator is excluded because the service condition is not met. Consider a koordinator (pbrl § 2-5 b, hotl § 7-2) and an individual plan (pbrl § 2-5)."),
    "follow-up.ends-at-18": _t(
        "Retten til barnekoordinator opphører {date} (18-årsdagen). Planlegg overgangen: koordinator og individuell plan kan fortsette med den unge voksnes samtykke.",
        "Retten til barnekoordinator fell bort {date} (18-årsdagen). Planlegg overgangen: koordinator og individuell plan kan halde fram med samtykke frå den unge vaksne.",
        "The right to a barnekoordinator ends on {date} (the 18th birthday). Plan the transition: a koordinator and the individual plan may continue with the young adult's consent."),
    "follow-up.transition-at-18": _t(
        "Barnekoordinatoren opphører ved 18 år. Tilby overgang til koordinator (hotl § 7-2) og videreføring av individuell plan dersom den unge voksne samtykker.",
        "Barnekoordinatoren fell bort ved 18 år. Tilby overgang til koordinator (hotl § 7-2) og vidareføring av individuell plan dersom den unge vaksne samtykkjer.",
        "The barnekoordinator ends at 18. Offer a transition to a koordinator (hotl § 7-2) and continuation of the individual plan if the young adult consents."),
    "follow-up.guidance-based": _t(
        "Merk: at en pågående adopsjon regnes som «venter barn», bygger på veileder og er usikkert; vurder juridisk kvalitetssikring.",
        "Merk: at ei pågåande adopsjon vert rekna som «ventar barn», byggjer på rettleiar og er usikkert; vurder juridisk kvalitetssikring.",
        "Note: treating an ongoing adoption as «expecting a child» rests on guidance and is uncertain; consider legal quality assurance."),
    "follow-up.fills-koordinator-role": _t(
        "Barnet har allerede koordinator. Kommunens rutine: barnekoordinatoren fyller også koordinatorrollen (én koordinator).",
        "Barnet har alt koordinator. Rutinen i kommunen: barnekoordinatoren fyller òg koordinatorrolla (éin koordinator).",
        "The child already has a koordinator. Municipal routine: the barnekoordinator also fills the koordinator role (one coordinator)."),
    "follow-up.separate-koordinator": _t(
        "Barnet har allerede koordinator. Kommunens rutine: koordinatoren fortsetter ved siden av barnekoordinatoren; avklar ansvarsdelingen.",
        "Barnet har alt koordinator. Rutinen i kommunen: koordinatoren held fram ved sida av barnekoordinatoren; avklar ansvarsdelinga.",
        "The child already has a koordinator. Municipal routine: the koordinator continues alongside the barnekoordinator; clarify the division of responsibility."),
    "follow-up.covered-by-barnekoordinator": _t(
        "Når barnekoordinator oppnevnes, fyller barnekoordinatoren også koordinatorrollen (kommunens rutine).",
        "Når barnekoordinator vert oppnemnd, fyller barnekoordinatoren òg koordinatorrolla (rutinen i kommunen).",
        "When a barnekoordinator is appointed, the barnekoordinator also fills the koordinator role (municipal routine)."),
    "follow-up.link-family-barnekoordinator": _t(
        "Familien har allerede barnekoordinator (for et søsken). Retten tilhører familien: knytt barnet til den samme barnekoordinatoren (kommunens rutine).",
        "Familien har alt barnekoordinator (for eit sysken). Retten høyrer til familien: knyt barnet til den same barnekoordinatoren (rutinen i kommunen).",
        "The family already has a barnekoordinator (for a sibling). The right belongs to the family: link the child to the same barnekoordinator (municipal routine)."),
    "follow-up.moved-municipality": _t(
        "Familien har flyttet. Oppnevningen i den forrige kommunen opphører; denne kommunen må vurdere og oppnevne selv. Den individuelle planen bør videreføres som én plan, og opplysninger overføres bare med samtykke.",
        "Familien har flytta. Oppnemninga i den førre kommunen fell bort; denne kommunen må vurdere og oppnemne sjølv. Den individuelle planen bør førast vidare som éin plan, og opplysningar vert berre overførte med samtykke.",
        "The family has moved. The appointment in the previous municipality ends; this municipality must assess and appoint itself. The individual plan should continue as one plan, and information is transferred only with consent."),
    "follow-up.plan-progress-dormant": _t(
        "Familien har takket nei til individuell plan. Barnekoordinatorens oppgave med fremdrift i planarbeidet (bokstav e) er hvilende, og ingen plan opprettes.",
        "Familien har takka nei til individuell plan. Oppgåva barnekoordinatoren har med framdrift i planarbeidet (bokstav e), kviler, og ingen plan vert oppretta.",
        "The family has declined an individual plan. The barnekoordinator's duty of progress in the plan work (letter e) is dormant, and no plan is created."),
    "follow-up.no-plan-without-consent": _t(
        "Individuell plan skal ikke utarbeides uten samtykke.",
        "Individuell plan skal ikkje utarbeidast utan samtykke.",
        "No individual plan may be prepared without consent."),
    "follow-up.koordinator-without-plan": _t(
        "Koordinator skal tilbys selv om individuell plan er takket nei til.",
        "Koordinator skal tilbydast sjølv om individuell plan er takka nei til.",
        "A koordinator shall be offered even though the individual plan was declined."),
    "follow-up.statutory-takes-precedence": _t(
        "Lovpålagt koordinering (barnekoordinator, koordinator, individuell plan) går foran stafettloggen: tilby den, avslutt eller knytt stafettloggen til den, og unngå to parallelle koordinatorer.",
        "Lovpålagd koordinering (barnekoordinator, koordinator, individuell plan) går føre stafettloggen: tilby henne, avslutt eller knyt stafettloggen til henne, og unngå to parallelle koordinatorar.",
        "Statutory coordination (barnekoordinator, koordinator, individual plan) takes precedence over the stafettlogg: offer it, close or link the log, and avoid two parallel coordinators."),
    "follow-up.rekey-after-birth": _t(
        "Saken er knyttet til det ventede barnet, uten fødselsnummer. Knytt den til barnets identitet etter fødselen uten å miste historikken.",
        "Saka er knytt til det venta barnet, utan fødselsnummer. Knyt henne til identiteten til barnet etter fødselen utan å miste historikken.",
        "The case is keyed to the expected child, without a national id. Re-key it to the child's identity after birth without losing its history."),
    "follow-up.ordinary-follow-up": _t(
        "Risikoen gjelder foreldrene, ikke en identifisert tilstand hos barnet: følg opp gjennom jordmor, helsestasjon og BTI for gravide, og vurder bekymringsmelding til barnevernet hvis det er grunn til det.",
        "Risikoen gjeld foreldra, ikkje ein identifisert tilstand hos barnet: følg opp gjennom jordmor, helsestasjon og BTI for gravide, og vurder bekymringsmelding til barnevernet dersom det er grunn til det.",
        "The risk concerns the parents, not an identified condition in the child: follow up through the midwife, the health centre and BTI for pregnant women, and consider a report of concern to child welfare if warranted."),
    "follow-up.barnevern-consents": _t(
        "Barnevernstjenesten har overtatt omsorgen og samtykker til nødvendig helsehjelp på vegne av barnet, ikke foreldrene.",
        "Barnevernstenesta har teke over omsorga og samtykkjer til naudsynt helsehjelp på vegner av barnet, ikkje foreldra.",
        "The child welfare service has taken over care and consents to necessary health care on the child's behalf, not the parents."),
    "follow-up.child-must-be-heard": _t(
        "Barnet har fylt 7 år og er ikke registrert som hørt: barnet skal informeres og få si sin mening før foreldrene samtykker, og meningen skal vektlegges etter alder og modenhet.",
        "Barnet har fylt 7 år og er ikkje registrert som høyrt: barnet skal informerast og få seie meininga si før foreldra samtykkjer, og meininga skal vektleggjast etter alder og modning.",
        "The child is 7 or older and is not recorded as heard: the child must be informed and allowed to give their view before the parents consent, and the view given weight according to age and maturity."),
    "follow-up.child-must-be-heard-great-weight": _t(
        "Barnet har fylt 12 år og er ikke registrert som hørt: barnet skal informeres og få si sin mening før foreldrene samtykker, og meningen skal tillegges stor vekt.",
        "Barnet har fylt 12 år og er ikkje registrert som høyrt: barnet skal informerast og få seie meininga si før foreldra samtykkjer, og meininga skal leggjast stor vekt på.",
        "The child is 12 or older and is not recorded as heard: the child must be informed and allowed to give their view before the parents consent, and the view given great weight."),
    "follow-up.youth-consents": _t(
        "Ungdommen (16–17 år) samtykker selv til helsehjelp; foreldrene får bare opplysninger som er nødvendige for å ivareta foreldreansvaret.",
        "Ungdomen (16–17 år) samtykkjer sjølv til helsehjelp; foreldra får berre opplysningar som er naudsynte for å ta vare på foreldreansvaret.",
        "The young person (16–17) consents to their own health care; the parents receive only information necessary to exercise parental responsibility."),
    "follow-up.no-health-info-without-youth-consent": _t(
        "Ungdommen har sagt nei: del ikke ungdommens helseopplysninger med andre tjenester uten ungdommens samtykke.",
        "Ungdomen har sagt nei: del ikkje helseopplysningane til ungdomen med andre tenester utan samtykke frå ungdomen.",
        "The young person has said no: do not share the young person's health information with other services without their consent."),
    "follow-up.guardian-access-ends": _t(
        "Den unge er myndig: foreldrenes tilgang på grunnlag av foreldreansvaret er opphørt, og nytt samtykke fra den unge voksne kreves.",
        "Den unge er myndig: tilgangen foreldra hadde på grunnlag av foreldreansvaret, har falle bort, og nytt samtykke frå den unge vaksne trengst.",
        "The young person is of age: the parents' access based on parental responsibility has ended, and fresh consent from the young adult is required."),
    "follow-up.escalate-cooperation": _t(
        "{service} har avslått å samarbeide. Tjenesten har lovpålagt samarbeidsplikt, også med barnekoordinatoren: eskaler saken.",
        "{service} har avslått å samarbeide. Tenesta har lovpålagd samarbeidsplikt, også med barnekoordinatoren: eskaler saka.",
        "{service} has declined to cooperate. The service has a statutory duty to cooperate, including with the barnekoordinator: escalate."),

    # --- command-line labels ------------------------------------------------------------------
    "ui.assessment": _t("Vurdering", "Vurdering", "Assessment"),
    "ui.as-of": _t("per", "per", "as of"),
    "ui.rules": _t("regelverk fra", "regelverk frå", "rules from"),
    "ui.basis": _t("Hjemmel", "Heimel", "Legal basis"),
    "ui.facts": _t("Opplysninger lagt til grunn", "Opplysningar lagde til grunn", "Facts relied on"),
    "ui.follow-ups": _t("Oppfølging", "Oppfølging", "Follow-up"),
    "ui.case": _t("Hele saken", "Heile saka", "The whole case"),
    "ui.ends-on": _t("Opphører", "Fell bort", "Ends on"),

    # --- decision documents ---------------------------------------------------------------------
    "doc.title": _t("Vedtak om barnekoordinator", "Vedtak om barnekoordinator",
                    "Decision on a barnekoordinator (child coordinator)"),
    "doc.municipality": _t("Kommune", "Kommune", "Municipality"),
    "doc.case-ref": _t("Saksreferanse", "Saksreferanse", "Case reference"),
    "doc.date": _t("Dato", "Dato", "Date"),
    "doc.parties": _t("Parter", "Partar", "Parties"),
    "doc.decision": _t("Vedtak", "Vedtak", "Decision"),
    "doc.reasons": _t("Begrunnelse", "Grunngjeving", "Reasons"),
    "doc.views": _t("Familiens og barnets syn, og barnets beste", "Synet til familien og barnet, og barnets beste",
                    "The family's and the child's views, and the best interests of the child"),
    "doc.follow-ups": _t("Hva som følger av vedtaket", "Kva som følgjer av vedtaket", "What follows from the decision"),
    "doc.samordningsplikt": _t("Kommunens samordningsplikt", "Samordningsplikta til kommunen",
                               "The municipality's duty to coordinate"),
    "doc.complaint": _t("Klageadgang", "Klagerett", "Right to complain"),
    "doc.signature": _t("Med vennlig hilsen", "Med venleg helsing", "Yours sincerely"),
    "doc.basis": _t("Hjemmel", "Heimel", "Legal basis"),
    "doc.facts": _t("Opplysninger lagt til grunn", "Opplysningar lagde til grunn", "Facts relied on"),
    "doc.evidence": _t("Faglig vurdering av «{term}» {date} av {author}: {conclusion}.",
                       "Fagleg vurdering av «{term}» {date} av {author}: {conclusion}.",
                       "Professional assessment of «{term}» on {date} by {author}: {conclusion}."),
    "doc.term.serious": _t("alvorlig", "alvorleg", "serious"),
    "doc.term.long_term": _t("langvarig", "langvarig", "long-term"),
    "doc.term.composite": _t("sammensatt", "samansett", "composite"),
    "doc.term.coordinated": _t("koordinert", "koordinert", "coordinated"),
    "doc.yes": _t("ja", "ja", "yes"),
    "doc.no": _t("nei", "nei", "no"),
    "doc.and": _t("og", "og", "and"),
    "doc.appoint": _t(
        "{municipality} oppnevner {name} ({position}) som barnekoordinator for familien fra {start}.",
        "{municipality} oppnemner {name} ({position}) som barnekoordinator for familien frå {start}.",
        "{municipality} appoints {name} ({position}) as the family's barnekoordinator from {start}."),
    "doc.appoint-ends": _t(
        "Retten til barnekoordinator gjelder til barnet fyller 18 år, {date}.",
        "Retten til barnekoordinator gjeld til barnet fyller 18 år, {date}.",
        "The right to a barnekoordinator lasts until the child turns 18, on {date}."),
    "doc.wishes-followed": _t(
        "Familiens og barnets ønsker om hvem som skal være barnekoordinator, er fulgt.",
        "Ønska til familien og barnet om kven som skal vere barnekoordinator, er følgde.",
        "The family's and the child's wishes as to who should be barnekoordinator have been followed."),
    "doc.wishes-weighed": _t(
        "Familiens og barnets ønsker er vektlagt, men ikke fulgt: {weighing}",
        "Ønska til familien og barnet er vektlagde, men ikkje følgde: {weighing}",
        "The family's and the child's wishes were given weight but not followed: {weighing}"),
    "doc.refuse": _t(
        "{municipality} avslår barnekoordinator: vilkårene i pasient- og brukerrettighetsloven § 2-5 c og helse- og omsorgstjenesteloven § 7-2 a er ikke oppfylt.",
        "{municipality} avslår barnekoordinator: vilkåra i pasient- og brukarrettslova § 2-5 c og helse- og omsorgstenestelova § 7-2 a er ikkje oppfylte.",
        "{municipality} refuses a barnekoordinator: the conditions of pasient- og brukerrettighetsloven § 2-5 c and helse- og omsorgstjenesteloven § 7-2 a are not met."),
    "doc.partial": _t(
        "{municipality} avslår barnekoordinator fordi vilkårene ikke er oppfylt, men gir delvis medhold: barnet har rett til {alternatives}, som kommunen tilbyr.",
        "{municipality} avslår barnekoordinator fordi vilkåra ikkje er oppfylte, men gjev delvis medhald: barnet har rett til {alternatives}, som kommunen tilbyr.",
        "{municipality} refuses a barnekoordinator because the conditions are not met, but partly grants the request: the child has a right to {alternatives}, which the municipality offers."),
    "doc.alt.koordinator": _t("koordinator (pbrl § 2-5 b, hotl § 7-2)", "koordinator (pbrl § 2-5 b, hotl § 7-2)",
                              "a koordinator (pbrl § 2-5 b, hotl § 7-2)"),
    "doc.alt.individuell-plan": _t("individuell plan (pbrl § 2-5, hotl § 7-1)", "individuell plan (pbrl § 2-5, hotl § 7-1)",
                                   "an individual plan (pbrl § 2-5, hotl § 7-1)"),
    "doc.complaint.right": _t(
        "Dere kan klage på vedtaket til Statsforvalteren, jf. pasient- og brukerrettighetsloven § 7-2.",
        "De kan klage på vedtaket til Statsforvaltaren, jf. pasient- og brukarrettslova § 7-2.",
        "You may complain about the decision to the County Governor (Statsforvalteren), cf. pasient- og brukerrettighetsloven § 7-2."),
    "doc.complaint.via": _t(
        "Klagen sendes til {municipality}, som vurderer saken på nytt. Gir kommunen dere ikke medhold, sender den saken til Statsforvalteren for endelig avgjørelse.",
        "Klaga vert send til {municipality}, som vurderer saka på nytt. Gjev ikkje kommunen dykk medhald, sender han saka til Statsforvaltaren for endeleg avgjerd.",
        "Send the complaint to {municipality}, which reconsiders the case. If the municipality does not uphold the complaint, it forwards the case to the County Governor for a final decision."),
    "doc.complaint.form": _t(
        "Klagen skal være skriftlig og undertegnet (§ 7-3). Er noe uklart eller mangler, hjelper kommunen dere og gir en frist til å rette det.",
        "Klaga skal vere skriftleg og underteikna (§ 7-3). Er noko uklart eller manglar, hjelper kommunen dykk og gjev ein frist til å rette det.",
        "The complaint must be in writing and signed (§ 7-3). If anything is unclear or missing, the municipality helps you and sets a deadline to correct it."),
    "doc.complaint.deadline": _t(
        "Klagefristen er {weeks} uker fra dere fikk eller burde ha fått kjennskap til vedtaket (§ 7-5). En klage som kommer for sent, kan likevel behandles etter forvaltningsloven § 31.",
        "Klagefristen er {weeks} veker frå de fekk eller burde ha fått kjennskap til vedtaket (§ 7-5). Ei klage som kjem for seint, kan likevel handsamast etter forvaltningslova § 31.",
        "The deadline is {weeks} weeks from when you got, or should have got, knowledge of the decision (§ 7-5). A late complaint may still be considered under forvaltningsloven § 31."),
    "doc.complaint.documents": _t(
        "Dere har rett til å se dokumentene i saken.",
        "De har rett til å sjå dokumenta i saka.",
        "You have the right to see the documents in the case."),
    "doc.complaint.ombud": _t(
        "Pasient- og brukerombudet kan hjelpe dere gratis med å klage.",
        "Pasient- og brukarombodet kan hjelpe dykk gratis med å klage.",
        "The Patient and User Ombudsman (Pasient- og brukerombudet) can help you complain, free of charge."),
    "doc.role.guardian": _t("forelder med foreldreansvar", "forelder med foreldreansvar", "parent with parental responsibility"),
    "doc.role.child": _t("barnet", "barnet", "the child"),
    "doc.role.expected-child": _t("det ventede barnet", "det venta barnet", "the expected child"),
    "doc.role.young-person": _t("ungdommen", "ungdomen", "the young person"),
    "doc.role.barnevern": _t("barnevernstjenesten", "barnevernstenesta", "the child welfare service"),
    "doc.role.representative": _t("representant", "representant", "representative"),

    # --- complaints ----------------------------------------------------------------------------
    "complaint.late": _t(
        "Klagen kom inn etter klagefristen ({date}). Den skal ikke avvises automatisk: den kan likevel behandles hvis klageren ikke kan lastes for å ha oversittet fristen, eller det av særlige grunner er rimelig (forvaltningsloven § 31).",
        "Klaga kom inn etter klagefristen ({date}). Ho skal ikkje avvisast automatisk: ho kan likevel handsamast dersom klagaren ikkje kan lastast for å ha oversitte fristen, eller det av særlege grunnar er rimeleg (forvaltningslova § 31).",
        "The complaint arrived after the deadline ({date}). It must not be rejected automatically: it may still be considered if the complainant cannot be blamed for the delay or there are special reasons (forvaltningsloven § 31)."),
    "complaint.oral": _t(
        "Klagen er muntlig og er ennå ikke gyldig: en klage skal være skriftlig og undertegnet (pasient- og brukerrettighetsloven § 7-3). Kommunen skal veilede klageren og gi frist til å rette mangelen: {date}.",
        "Klaga er munnleg og er enno ikkje gyldig: ei klage skal vere skriftleg og underteikna (pasient- og brukarrettslova § 7-3). Kommunen skal rettleie klagaren og gje frist til å rette mangelen: {date}.",
        "The complaint is oral and not yet valid: a complaint must be in writing and signed (pasient- og brukerrettighetsloven § 7-3). The municipality must guide the complainant and set a deadline to correct it: {date}."),
    "complaint.unsigned": _t(
        "Klagen er ikke undertegnet og er ennå ikke gyldig (pasient- og brukerrettighetsloven § 7-3). Kommunen skal veilede klageren og gi frist til å rette mangelen: {date}.",
        "Klaga er ikkje underteikna og er enno ikkje gyldig (pasient- og brukarrettslova § 7-3). Kommunen skal rettleie klagaren og gje frist til å rette mangelen: {date}.",
        "The complaint is not signed and is not yet valid (pasient- og brukerrettighetsloven § 7-3). The municipality must guide the complainant and set a deadline to correct it: {date}."),
    "complaint.ombud": _t(
        "Pasient- og brukerombudet kan hjelpe klageren gratis.",
        "Pasient- og brukarombodet kan hjelpe klagaren gratis.",
        "The Patient and User Ombudsman can help the complainant free of charge."),
    "obligation.correct-form": _t(
        "Klageren har frist til {date} med å sende klagen skriftlig og undertegnet; følg opp.",
        "Klagaren har frist til {date} med å sende klaga skriftleg og underteikna; følg opp.",
        "The complainant has until {date} to send the complaint in writing and signed; follow up."),
    "obligation.review-and-forward": _t(
        "Kommunen skal vurdere saken på nytt; gir den ikke medhold, skal saken sendes til Statsforvalteren.",
        "Kommunen skal vurdere saka på nytt; gjev han ikkje medhald, skal saka sendast til Statsforvaltaren.",
        "The municipality must reconsider the case; if it does not uphold the complaint, it must forward the case to the County Governor."),
    "obligation.fulfil-right": _t(
        "Klagen er tatt til følge: kommunen skal oppfylle retten.",
        "Klaga er teken til følgje: kommunen skal oppfylle retten.",
        "The complaint was upheld: the municipality must fulfil the right."),
    "obligation.fulfil-right-by": _t(
        "Klagen er tatt til følge: kommunen skal oppfylle retten innen {date}.",
        "Klaga er teken til følgje: kommunen skal oppfylle retten innan {date}.",
        "The complaint was upheld: the municipality must fulfil the right by {date}."),
    "obligation.new-processing": _t(
        "Statsforvalteren har opphevet vedtaket: kommunen skal behandle saken på nytt etter Statsforvalterens føringer.",
        "Statsforvaltaren har oppheva vedtaket: kommunen skal handsame saka på nytt etter føringane frå Statsforvaltaren.",
        "The County Governor has quashed the decision: the municipality must process the case again following the County Governor's instructions."),
    "obligation.new-processing-by": _t(
        "Statsforvalteren har opphevet vedtaket: kommunen skal behandle saken på nytt etter Statsforvalterens føringer innen {date}.",
        "Statsforvaltaren har oppheva vedtaket: kommunen skal handsame saka på nytt etter føringane frå Statsforvaltaren innan {date}.",
        "The County Governor has quashed the decision: the municipality must process the case again following the County Governor's instructions by {date}."),
    "obligation.decide-request": _t(
        "Familien har bedt om ordningen; kommunens frist for å avgjøre saken er {date}.",
        "Familien har bede om ordninga; fristen kommunen har for å avgjere saka, er {date}.",
        "The family has asked for it; the municipality's deadline for deciding is {date}."),
    "obligation.decide-request-overdue": _t(
        "Det er ikke fattet vedtak innen fristen ({date}): retten er ikke oppfylt, og familien kan klage til Statsforvalteren (pasient- og brukerrettighetsloven § 7-2).",
        "Det er ikkje gjort vedtak innan fristen ({date}): retten er ikkje oppfylt, og familien kan klage til Statsforvaltaren (pasient- og brukarrettslova § 7-2).",
        "No decision was made by the deadline ({date}): the right is unfulfilled, and the family may complain to the County Governor (pasient- og brukerrettighetsloven § 7-2)."),

    # --- appointment and referral -----------------------------------------------------------
    "referral.specialist": _t(
        "Spesialisthelsetjenesten har ingen plikt til å tilby barnekoordinator (den har egen koordinatorplikt, sphl § 2-5 a). Henvendelsen skal videre til kommunens koordinerende enhet.",
        "Spesialisthelsetenesta har inga plikt til å tilby barnekoordinator (ho har eiga koordinatorplikt, sphl § 2-5 a). Førespurnaden skal vidare til koordinerande eining i kommunen.",
        "The specialist health service has no duty to offer a barnekoordinator (it has its own koordinator duty, sphl § 2-5 a). The request is referred to the municipality's coordinating unit."),
    "referral.not-municipal": _t(
        "Tjenesten er ikke kommunal og kan ikke oppnevne barnekoordinator. Henvendelsen skal videre til kommunens koordinerende enhet.",
        "Tenesta er ikkje kommunal og kan ikkje oppnemne barnekoordinator. Førespurnaden skal vidare til koordinerande eining i kommunen.",
        "The service is not municipal and cannot appoint a barnekoordinator. The request is referred to the municipality's coordinating unit."),

    # --- issue 14: complaints forwarded on time ------------------------------------------------
    "obligation.review-and-forward-by": _t(
        "Kommunen skal vurdere saken på nytt innen {date}; gir den ikke medhold, skal saken sendes til Statsforvalteren.",
        "Kommunen skal vurdere saka på nytt innan {date}; gjev han ikkje medhald, skal saka sendast til Statsforvaltaren.",
        "The municipality must reconsider the case by {date}; if it does not uphold the complaint, it must forward the case to the County Governor."),

    # --- issue 14: the laws that give the right to an individuell plan ------------------------
    "condition.ip-plan-law": _t(
        "Behov for tjenester etter en lov som gir rett til individuell plan",
        "Behov for tenester etter ei lov som gjev rett til individuell plan",
        "Need for services under a law that gives the right to an individual plan"),
    "reason.ip-plan-law.met": _t(
        "Det er behov for langvarige og koordinerte tjenester etter lov som gir rett til individuell plan. Uansett hvilken lov retten følger av, utarbeides én plan med de samme ni innholdspunktene (forskrift om individuell plan). Retten følger av:",
        "Det er behov for langvarige og koordinerte tenester etter lov som gjev rett til individuell plan. Same kva lov retten følgjer av, vert det utarbeidd éin plan med dei same ni innhaldspunkta (forskrift om individuell plan). Retten følgjer av:",
        "There is a need for long-term and coordinated services under a law that gives the right to an individual plan. Whatever law the right comes from, one plan with the same nine content items is prepared (the IP regulation). The right follows from:"),
    "reason.ip-plan-law.none": _t(
        "Det er ikke behov for tjenester etter noen av lovene som gir rett til individuell plan (helse- og omsorgstjenester, barnevern, NAV eller sosiale tjenester i NAV). Skole, PPT og barnehage skal delta i en plan, men gir ikke selv rett til den.",
        "Det er ikkje behov for tenester etter nokon av lovene som gjev rett til individuell plan (helse- og omsorgstenester, barnevern, NAV eller sosiale tenester i NAV). Skule, PPT og barnehage skal delta i ein plan, men gjev ikkje sjølve rett til han.",
        "There is no need for services under any of the laws that give the right to an individual plan (health and care, child welfare, NAV or social services in NAV). School, PPT and kindergarten take part in a plan but do not give the right to one."),
    "reason.ip-plan-law.not-mapped": _t(
        "Det er ikke kartlagt om det er behov for tjenester etter en lov som gir rett til individuell plan.",
        "Det er ikkje kartlagt om det er behov for tenester etter ei lov som gjev rett til individuell plan.",
        "It has not been mapped whether there is a need for services under a law that gives the right to an individual plan."),
    "plan-law.health": _t(
        "helse- og omsorgstjenester (pasient- og brukerrettighetsloven § 2-5, helse- og omsorgstjenesteloven § 7-1; koordinerende enhet har ansvaret)",
        "helse- og omsorgstenester (pasient- og brukarrettslova § 2-5, helse- og omsorgstenestelova § 7-1; koordinerande eining har ansvaret)",
        "health and care services (pasient- og brukerrettighetsloven § 2-5, helse- og omsorgstjenesteloven § 7-1; the coordinating unit is responsible)"),
    "plan-law.barnevern": _t(
        "tiltak fra barnevernstjenesten (barnevernsloven; barnevernstjenesten har ansvaret)",
        "tiltak frå barnevernstenesta (barnevernslova; barnevernstenesta har ansvaret)",
        "measures from the child welfare service (barnevernsloven; the child welfare service is responsible)"),
    "plan-law.nav": _t(
        "tjenester fra NAV (NAV-loven § 15; NAV-kontoret har ansvaret)",
        "tenester frå NAV (NAV-lova § 15; NAV-kontoret har ansvaret)",
        "services from NAV (NAV-loven § 15; the NAV office is responsible)"),
    "plan-law.social-services": _t(
        "sosiale tjenester i NAV (sosialtjenesteloven § 28; kommunen ved NAV-kontoret har ansvaret)",
        "sosiale tenester i NAV (sosialtenestelova § 28; kommunen ved NAV-kontoret har ansvaret)",
        "social services in NAV (sosialtjenesteloven § 28; the municipality through the NAV office is responsible)"),

    # --- issue 14: the barnekoordinator's duties b–d -------------------------------------------
    "obligation.follow-up-overview": _t(
        "Barnekoordinatoren skal ha oversikt over kommunens oppfølging og tilrettelegging for familien og barnet (helse- og omsorgstjenesteloven § 7-2 a bokstav b): registrer oversikten innen {date}.",
        "Barnekoordinatoren skal ha oversikt over oppfølginga og tilrettelegginga kommunen gjev familien og barnet (helse- og omsorgstenestelova § 7-2 a bokstav b): registrer oversikta innan {date}.",
        "The barnekoordinator must keep an overview of the municipality's follow-up and adaptation for the family and the child (hotl § 7-2 a letter b): record the overview by {date}."),
    "obligation.follow-up-overview-renew": _t(
        "Oversikten over kommunens oppfølging av familien og barnet skal fornyes innen {date} (helse- og omsorgstjenesteloven § 7-2 a bokstav b).",
        "Oversikta over oppfølginga kommunen gjev familien og barnet, skal fornyast innan {date} (helse- og omsorgstenestelova § 7-2 a bokstav b).",
        "The overview of the municipality's follow-up of the family and the child must be renewed by {date} (hotl § 7-2 a letter b)."),
    "obligation.information-health": _t(
        "Familien og barnet skal få nødvendig informasjon og helhetlig veiledning om helse- og omsorgstjenestetilbudet (bokstav c): registrer det innen {date}.",
        "Familien og barnet skal få naudsynt informasjon og heilskapleg rettleiing om helse- og omsorgstenestetilbodet (bokstav c): registrer det innan {date}.",
        "The family and the child must get necessary information and comprehensive guidance about health and care services (letter c): record it by {date}."),
    "obligation.information-welfare": _t(
        "Familien og barnet skal få informasjon og helhetlig veiledning om andre velferdstjenester, og veiledning i kontakten med dem (bokstav d): registrer det innen {date}.",
        "Familien og barnet skal få informasjon og heilskapleg rettleiing om andre velferdstenester, og rettleiing i kontakten med dei (bokstav d): registrer det innan {date}.",
        "The family and the child must get information and comprehensive guidance about other welfare services, and guidance in their contact with them (letter d): record it by {date}."),
    "obligation.user-organisations": _t(
        "Familien og barnet skal få informasjon om relevante pasient- og brukerorganisasjoner (bokstav d): registrer det innen {date}.",
        "Familien og barnet skal få informasjon om relevante pasient- og brukarorganisasjonar (bokstav d): registrer det innan {date}.",
        "The family and the child must get information about relevant patient and user organisations (letter d): record it by {date}."),
    "obligation.referral": _t(
        "Oversikten viser behov for {service}: formidle kontakt eller henvis videre innen {date} (bokstav d).",
        "Oversikta viser behov for {service}: formidle kontakt eller vis vidare innan {date} (bokstav d).",
        "The overview shows a need for {service}: pass on contact or refer by {date} (letter d)."),

}
# fmt: on


def _merged(edges: Mapping[str, tuple[str, str, str]]) -> dict[str, Text]:
    twice = sorted(_CATALOGUE.keys() & edges.keys())
    if twice:  # a programming error: caught by any import in the tests
        raise RuntimeError(f"texts defined twice: {', '.join(twice)}")
    return {**_CATALOGUE, **{key: _t(*langs) for key, langs in edges.items()}}


TEXTS: Final[Mapping[str, Text]] = MappingProxyType(_merged(EDGE_TEXTS))
"""Every catalogued text by key."""


def text(key: str) -> Text:
    """The catalogued text with this key (a programming error if missing)."""
    return TEXTS[key]
