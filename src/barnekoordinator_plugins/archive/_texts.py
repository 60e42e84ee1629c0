# Catalogue sentences stay whole, one literal per language, so translators read them as written.
# ruff: noqa: E501
"""The archive document's labels in bokmål, nynorsk and English (private).

Every label is a [`Text`][barnekoordinator.texts.Text] of the project's catalogue type, so each
exists in all three languages by construction and there is no fallback: a missing key is a
programming error, caught by the tests, never a silently English heading. Names of Norwegian
institutions stay Norwegian (stafettlogg, tiltak, individuell plan); the English text adds a
gloss in brackets.

Enum values are looked up as ``"<group>.<value>"`` (``"service.ppt"``, ``"baton.accepted"``);
[`LABEL_GROUPS`][barnekoordinator_plugins.archive._texts.LABEL_GROUPS] says which enum each group
labels, so a test checks that every value of every enum shown in the document has its label.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.baton import BatonChangeKind
from barnekoordinator.coordination.plan import PlanStatus, SubPlanKind
from barnekoordinator.coordination.roles import Role
from barnekoordinator.coordination.stafettlogg import (
    ClosingReason,
    EffectAssessment,
    LogStatus,
    MeasureNext,
    Nivaa0Outcome,
    ObservationKind,
    ProposedBy,
)
from barnekoordinator.history.case import CaseMode
from barnekoordinator.people import GuardianRelation
from barnekoordinator.rights.complaints import ComplaintForm, Resolution, Stage
from barnekoordinator.rights.decisions import DecisionKind
from barnekoordinator.rights.eligibility import Outcome, Right
from barnekoordinator.services import ServiceKind
from barnekoordinator.texts import Language, Text


def _t(nb: str, nn: str, en: str) -> Text:
    return Text(nb=nb, nn=nn, en=en)


def _same(name: str, en: str) -> Text:
    """A Norwegian name that is the same in bokmål and nynorsk, glossed in English."""
    return Text(nb=name, nn=name, en=en)


# fmt: off
_LABELS: dict[str, Text] = {
    # --- the document ---------------------------------------------------------------------
    "doc.title": _t("Arkivdokument", "Arkivdokument", "Archive document"),
    "doc.subtitle": _t(
        "Koordinering av hjelp til barnet: individuell plan, stafettlogg, tiltak, møter, samtykker, vedtak og klager",
        "Koordinering av hjelp til barnet: individuell plan, stafettlogg, tiltak, møte, samtykke, vedtak og klager",
        "Coordination of help for the child: individual plan (individuell plan), relay log (stafettlogg), measures (tiltak), meetings, consents, decisions and complaints"),
    "doc.legal": _t(
        "Det som er vurdert og bestemt i saken, skal også arkiveres i hver tjenestes eget arkiv og journal (arkivlova, forskrift om offentlige arkiv § 9). Dokumentet viser saken slik den som laget det, kunne lese den.",
        "Det som er vurdert og avgjort i saka, skal også arkiverast i arkivet og journalen til kvar teneste (arkivlova, forskrift om offentlege arkiv § 9). Dokumentet viser saka slik den som laga det, kunne lese henne.",
        "What was assessed and decided in the case must also be filed in each service's own archive and journal (arkivlova, forskrift om offentlige arkiv § 9). The document shows the case as the person who made it could read it."),
    "doc.case": _t("Sak", "Sak", "Case"),
    "doc.municipality": _t("Kommune (kommunenummer)", "Kommune (kommunenummer)", "Municipality (kommunenummer)"),
    "doc.made": _t("Laget", "Laga", "Made"),
    "doc.made-by": _t("Laget av", "Laga av", "Made by"),
    "doc.as-of": _t("Tilgang vurdert per", "Tilgang vurdert per", "Access decided as of"),
    "doc.version": _t("Saksversjon", "Saksversjon", "Case version"),
    "doc.case-status": _t("Sakens status", "Status for saka", "Case status"),
    "doc.open": _t("åpen", "open", "open"),
    "doc.closed": _t("avsluttet", "avslutta", "closed"),
    "doc.mode": _t("Fase", "Fase", "Stage of the case"),
    "doc.child-id": _t("Barnets fødselsnummer", "Fødselsnummeret til barnet", "Child's national identity number (fødselsnummer)"),
    "doc.for-service": _t("Laget for tjenesten", "Laga for tenesta", "Made for the service"),
    "doc.contents": _t("Innhold", "Innhald", "Contents"),
    "doc.none": _t("Ingen.", "Ingen.", "None."),
    "doc.yes": _t("ja", "ja", "yes"),
    "doc.no": _t("nei", "nei", "no"),
    "doc.page": _t("Side", "Side", "Page"),

    # --- sections -------------------------------------------------------------------------
    "section.people": _t("Deltakere og roller", "Deltakarar og roller", "Participants and roles"),
    "section.child": _t("Barnet", "Barnet", "The child"),
    "section.guardians": _t("Foresatte", "Føresette", "Guardians (foresatte)"),
    "section.professionals": _t("Tjenester og fagpersoner", "Tenester og fagpersonar", "Services and professionals"),
    "section.roles": _t("Roller", "Roller", "Roles"),
    "section.plans": _same("Individuell plan", "Individual plan (individuell plan)"),
    "section.logs": _same("Stafettlogg", "Relay log (stafettlogg)"),
    "section.undringer": _t("Undringer (nivå 0)", "Undringar (nivå 0)", "Concerns at level 0 (undring, nivå 0)"),
    "section.voices": _t("Barnets stemme", "Stemma til barnet", "The child's voice"),
    "section.consents": _t("Samtykker", "Samtykke", "Consents"),
    "section.decisions": _t("Enkeltvedtak", "Enkeltvedtak", "Individual decisions (enkeltvedtak)"),
    "section.complaints": _t("Klager", "Klager", "Complaints"),

    # --- plan -----------------------------------------------------------------------------
    "plan.heading": _t("Individuell plan {id}", "Individuell plan {id}", "Individual plan (individuell plan) {id}"),
    "plan.status": _t("Status", "Status", "Status"),
    "plan.created": _t("Opprettet", "Oppretta", "Created"),
    "plan.ended": _t("Avsluttet", "Avslutta", "Ended"),
    "plan.responsible": _t("Ansvarlig for samordning (koordinator)", "Ansvarleg for samordning (koordinator)", "Responsible for coordination (koordinator)"),
    "plan.period": _t("Planperiode", "Planperiode", "Plan period"),
    "plan.next-revision": _t("Neste revisjon", "Neste revisjon", "Next revision"),
    "plan.services": _t("Tjenester i planen", "Tenester i planen", "Services in the plan"),
    "plan.participants": _t("Deltakere i planarbeidet", "Deltakarar i planarbeidet", "Participants in the plan work"),
    "plan.overview": _t("Mål, ressurser og behov", "Mål, ressursar og behov", "Goals, resources and needs"),
    "plan.goals": _t("Mål", "Mål", "Goals"),
    "plan.resources": _t("Ressurser", "Ressursar", "Resources"),
    "plan.needs": _t("Behov", "Behov", "Needs"),
    "plan.measures": _t("Tiltak i planen", "Tiltak i planen", "Measures in the plan (tiltak)"),
    "plan.scope": _t("Omfang", "Omfang", "Scope"),
    "plan.implementation": _t("Gjennomføring", "Gjennomføring", "Implementation"),
    "plan.contributions": _t("Bidrag", "Bidrag", "Contributions"),
    "plan.cooperation": _t("Samarbeid", "Samarbeid", "Cooperation"),
    "plan.sub-plans": _t("Delplaner", "Delplanar", "Sub-plans"),
    "plan.revisions": _t("Revisjoner", "Revisjonar", "Revisions"),
    "plan.items": _t("Planens innhold", "Innhaldet i planen", "Contents of the plan"),
    "planstatus.active": _t("aktiv", "aktiv", "active"),
    "planstatus.suspended": _t("stilt i bero", "stilt i bero", "suspended"),
    "planstatus.ended": _t("avsluttet", "avslutta", "ended"),

    # --- stafettlogg ----------------------------------------------------------------------
    "log.heading": _t("Stafettlogg {number}", "Stafettlogg {number}", "Relay log (stafettlogg) {number}"),
    "log.status": _t("Status", "Status", "Status"),
    "log.level": _t("BTI-nivå", "BTI-nivå", "BTI level (nivå)"),
    "log.period": _t("Periode", "Periode", "Period"),
    "log.opened": _t("Opprettet", "Oppretta", "Opened"),
    "log.opened-by": _t("Opprettet av", "Oppretta av", "Opened by"),
    "log.closed": _t("Avsluttet", "Avslutta", "Closed"),
    "log.closing-reason": _t("Årsak til avslutning", "Årsak til avslutning", "Reason for closing"),
    "log.linked-to": _t("Videreført hos", "Vidareført hos", "Carried on by"),
    "log.holder": _same("Stafettholder", "Baton holder (stafettholder)"),
    "log.baton-history": _t("Stafettholdere og overføringer", "Stafetthaldarar og overføringar", "Baton holders and handovers (stafettholder)"),
    "log.observations": _t("Observasjoner", "Observasjonar", "Observations"),
    "log.goals": _t("Mål", "Mål", "Goals"),
    "log.tiltak": _same("Tiltak", "Measures (tiltak)"),
    "log.evaluations": _t("Evalueringer", "Evalueringar", "Evaluations"),
    "log.meetings": _t("Samarbeidsmøter", "Samarbeidsmøte", "Cooperation meetings (samarbeidsmøter)"),
    "log.minutes": _t("Logg fra møtet", "Logg frå møtet", "Minutes of the meeting"),
    "log.decisions": _t("Beslutninger", "Avgjerder", "Decisions (beslutninger)"),
    "log.level-changes": _t("Endringer av nivå", "Endringar av nivå", "Level changes"),
    "log.closing-note": _t("Avslutningsnotat", "Avslutningsnotat", "Closing note (avslutningsnotat)"),
    "log.level-change": _t("Nivå {from_level} → {to_level}", "Nivå {from_level} → {to_level}", "Level {from_level} → {to_level}"),
    "logstatus.open": _t("åpen", "open", "open"),
    "logstatus.linked": _t("videreført til lovpålagt koordinering", "vidareført til lovpålagd koordinering", "carried on in statutory coordination"),
    "logstatus.closed": _t("avsluttet", "avslutta", "closed"),

    # --- columns --------------------------------------------------------------------------
    "col.ref": _t("Referanse", "Referanse", "Reference"),
    "col.name": _t("Navn", "Namn", "Name"),
    "col.service": _t("Tjeneste", "Teneste", "Service"),
    "col.title": _t("Stilling", "Stilling", "Position"),
    "col.role": _t("Rolle", "Rolle", "Role"),
    "col.since": _t("Fra", "Frå", "Since"),
    "col.relation": _t("Relasjon", "Relasjon", "Relation"),
    "col.parental-responsibility": _t("Foreldreansvar", "Foreldreansvar", "Parental responsibility (foreldreansvar)"),
    "col.date": _t("Dato", "Dato", "Date"),
    "col.by": _t("Av", "Av", "By"),
    "col.kind": _t("Hva", "Kva", "What"),
    "col.from": _t("Fra", "Frå", "From"),
    "col.to": _t("Til", "Til", "To"),
    "col.text": _t("Tekst", "Tekst", "Text"),
    "col.life-area": _t("Livsområde", "Livsområde", "Area of life"),
    "col.description": _t("Beskrivelse", "Skildring", "Description"),
    "col.responsible": _t("Ansvarlig", "Ansvarleg", "Responsible"),
    "col.proposed-by": _t("Foreslått av", "Føreslått av", "Proposed by"),
    "col.evaluation-date": _t("Evalueres", "Evaluerast", "To be evaluated"),
    "col.ended": _t("Avsluttet", "Avslutta", "Ended"),
    "col.effect": _t("Effekt", "Effekt", "Effect"),
    "col.next-step": _t("Videre", "Vidare", "Next step"),
    "col.note": _t("Merknad", "Merknad", "Note"),
    "col.agenda": _t("Saksliste", "Saksliste", "Agenda"),
    "col.invited": _t("Invitert", "Invitert", "Invited"),
    "col.attended": _t("Til stede", "Til stades", "Present"),
    "col.follow-up": _t("Oppfølging", "Oppfølging", "Follow-up"),
    "col.done": _t("Utført", "Utført", "Done"),
    "col.purpose": _t("Formål", "Formål", "Purpose"),
    "col.given-by": _t("Gitt av", "Gitt av", "Given by"),
    "col.services": _t("Tjenester", "Tenester", "Services"),
    "col.valid": _t("Gyldig", "Gyldig", "Valid"),
    "col.withdrawn": _t("Trukket tilbake", "Trekt tilbake", "Withdrawn"),
    "col.right": _t("Rett", "Rett", "Right"),
    "col.decision": _t("Vedtak", "Vedtak", "Decision"),
    "col.outcome": _t("Vilkår", "Vilkår", "Conditions"),
    "col.decided-on": _t("Vedtatt", "Vedteke", "Decided on"),
    "col.signed-by": _t("Underskrevet av", "Underskriven av", "Signed by"),
    "col.considerations": _t("Vurdering", "Vurdering", "Considerations"),
    "col.received-on": _t("Mottatt", "Motteken", "Received"),
    "col.form": _t("Form", "Form", "Form"),
    "col.stage": _t("Behandles hos", "Handsamast hos", "Handled by"),
    "col.resolution": _t("Resultat", "Resultat", "Result"),
    "col.resolved-on": _t("Avgjort", "Avgjort", "Resolved on"),
    "col.complainant": _t("Klager", "Klagar", "Complainant"),
    "col.birth-date": _t("Fødselsdato", "Fødselsdato", "Date of birth"),
    "col.expected": _t("Termin", "Termin", "Expected date"),
    "col.outcome-nivaa0": _t("Avgjørelse", "Avgjerd", "Decision"),
    "col.what-matters": _t("Hva som er viktig for meg", "Kva som er viktig for meg", "What matters to me"),
    "col.age": _t("Alder", "Alder", "Age"),
    "col.contributor": _t("Bidragsyter", "Bidragsytar", "Contributor"),
    "col.with": _t("Med", "Med", "With"),
    "col.reference": _t("Referanse i fagsystemet", "Referanse i fagsystemet", "Reference in the service's system"),
    "col.summary": _t("Sammendrag", "Samandrag", "Summary"),

    # --- enum groups ----------------------------------------------------------------------
    "service.helsestasjon": _same("helsestasjon", "child health centre (helsestasjon)"),
    "service.skolehelsetjeneste": _t("skolehelsetjeneste", "skulehelseteneste", "school health service (skolehelsetjeneste)"),
    "service.fastlege": _same("fastlege", "regular GP (fastlege)"),
    "service.fysioterapi": _same("fysioterapi", "physiotherapy (fysioterapi)"),
    "service.ergoterapi": _same("ergoterapi", "occupational therapy (ergoterapi)"),
    "service.avlastning": _t("avlastning", "avlasting", "respite care (avlastning)"),
    "service.hjemmetjeneste": _t("hjemmetjeneste", "heimeteneste", "home care (hjemmetjeneste)"),
    "service.kommunal-psykisk-helse": _t("kommunal psykisk helsetjeneste", "kommunal psykisk helseteneste", "municipal mental health service"),
    "service.jordmor": _same("jordmor", "midwife (jordmor)"),
    "service.koordinerende-enhet": _t("koordinerende enhet", "koordinerande eining", "coordinating unit (koordinerende enhet)"),
    "service.habilitering": _same("habilitering", "habilitation service (habilitering)"),
    "service.bup": _same("BUP", "child and adolescent mental health (BUP)"),
    "service.sykehus": _t("sykehus", "sjukehus", "hospital (sykehus)"),
    "service.tannhelse": _t("tannhelsetjeneste", "tannhelseteneste", "dental service (tannhelse)"),
    "service.barnehage": _same("barnehage", "kindergarten (barnehage)"),
    "service.skole": _t("skole", "skule", "school (skole)"),
    "service.sfo": _t("SFO", "SFO", "after-school programme (SFO)"),
    "service.ppt": _t("PP-tjenesten", "PP-tenesta", "educational-psychological service (PPT)"),
    "service.friskole": _t("friskole", "friskule", "independent school (friskole)"),
    "service.barnevern": _t("barnevernstjenesten", "barnevernstenesta", "child welfare service (barnevern)"),
    "service.nav-kommune": _t("NAV-kontoret (kommunal del)", "NAV-kontoret (kommunal del)", "NAV office, municipal part"),
    "service.nav-stat": _t("NAV (statlig del)", "NAV (statleg del)", "NAV, state part"),
    "service.krisesenter": _same("krisesenter", "crisis centre (krisesenter)"),
    "service.familievern": _same("familievern", "family counselling (familievern)"),
    "service.introduksjonsprogram": _same("introduksjonsprogram", "introduction programme (introduksjonsprogram)"),

    "role.barnekoordinator": _same("barnekoordinator", "child coordinator (barnekoordinator)"),
    "role.koordinator": _same("koordinator", "coordinator (koordinator)"),
    "role.stafettholder": _t("stafettholder", "stafetthaldar", "baton holder (stafettholder)"),
    "role.guardian": _t("forelder med foreldreansvar", "forelder med foreldreansvar", "parent with parental responsibility"),
    "role.child": _t("barnet", "barnet", "the child"),
    "role.service-provider": _t("tjenesteyter", "tenesteytar", "service provider"),
    "role.koordinerende-enhet": _t("koordinerende enhet", "koordinerande eining", "coordinating unit (koordinerende enhet)"),
    "role.leader": _t("leder", "leiar", "leader"),

    "baton.opened": _t("fikk stafetten da loggen ble opprettet", "fekk stafetten då loggen vart oppretta", "took the baton when the log was opened"),
    "baton.accepted": _t("overføring akseptert", "overføring akseptert", "handover accepted"),
    "baton.assigned": _t("tildelt av leder", "tildelt av leiar", "assigned by a leader"),
    "baton.confirmed": _t("bekreftet", "stadfesta", "confirmed"),
    "baton.left": _t("sluttet i saken", "slutta i saka", "left the case"),
    "baton.ended": _t("stafetten avsluttet", "stafetten avslutta", "baton ended"),

    "purpose.stafettlogg": _t("stafettlogg", "stafettlogg", "relay log (stafettlogg)"),
    "purpose.individual-plan": _same("individuell plan", "individual plan (individuell plan)"),
    "purpose.share-information": _t("deling av opplysninger", "deling av opplysningar", "sharing of information"),
    "purpose.health-care": _t("helsehjelp", "helsehjelp", "health care"),
    "purpose.barnekoordinator": _same("barnekoordinator", "child coordinator (barnekoordinator)"),
    "purpose.koordinator": _same("koordinator", "coordinator (koordinator)"),

    "closing.goal-reached": _t("målet er nådd", "målet er nådd", "goal reached"),
    "closing.no-longer-needed": _t("ikke lenger behov", "ikkje lenger behov", "no longer needed"),
    "closing.consent-withdrawn": _t("samtykket er trukket tilbake", "samtykket er trekt tilbake", "consent withdrawn"),
    "closing.moved-municipality": _t("flyttet fra kommunen", "flytta frå kommunen", "moved to another municipality"),

    "effect.goal-reached": _t("målet er nådd", "målet er nådd", "goal reached"),
    "effect.improved": _t("bedre", "betre", "improved"),
    "effect.unchanged": _t("uendret", "uendra", "unchanged"),
    "effect.worse": _t("verre", "verre", "worse"),
    "effect.unclear": _t("uklart", "uklart", "unclear"),

    "next.continue": _t("fortsetter", "held fram", "continues"),
    "next.adjust": _t("justeres", "vert justert", "adjusted"),
    "next.end": _t("avsluttes", "vert avslutta", "ended"),

    "observation.oppmerksomhet": _same("oppmerksomhet", "attention (oppmerksomhet)"),
    "observation.undring": _same("undring", "wondering (undring)"),
    "observation.bekymring": _same("bekymring", "concern (bekymring)"),

    "proposed.service": _t("tjenesten", "tenesta", "the service"),
    "proposed.child": _t("barnet", "barnet", "the child"),
    "proposed.guardian": _t("foresatte", "føresette", "the guardians"),

    "nivaa0.no-further-follow-up": _t("ingen videre oppfølging", "inga vidare oppfølging", "no further follow-up"),
    "nivaa0.nivaa-1": _t("nivå 1", "nivå 1", "level 1 (nivå 1)"),
    "nivaa0.nivaa-2": _t("nivå 2", "nivå 2", "level 2 (nivå 2)"),
    "nivaa0.nivaa-3": _t("nivå 3", "nivå 3", "level 3 (nivå 3)"),
    "nivaa0.report-to-barnevern": _t("bekymringsmelding til barnevernet", "bekymringsmelding til barnevernet", "report of concern to child welfare (bekymringsmelding)"),

    "subplan.iop": _t("individuell opplæringsplan (IOP)", "individuell opplæringsplan (IOP)", "individual education plan (IOP)"),
    "subplan.behandlingsplan": _same("behandlingsplan", "treatment plan (behandlingsplan)"),
    "subplan.treningsprogram": _same("treningsprogram", "training programme (treningsprogram)"),
    "subplan.tiltaksplan": _same("tiltaksplan", "child welfare measures plan (tiltaksplan)"),
    "subplan.other": _t("annen plan", "anna plan", "other plan"),

    "mode.undring": _t("undring (nivå 0)", "undring (nivå 0)", "concern at level 0 (undring)"),
    "mode.stafettlogg": _same("stafettlogg", "relay log (stafettlogg)"),
    "mode.statutory": _t("lovpålagt koordinering", "lovpålagd koordinering", "statutory coordination"),
    "mode.adult": _t("voksen", "vaksen", "adult"),
    "mode.closed": _t("avsluttet", "avslutta", "closed"),

    "relation.mother": _t("mor", "mor", "mother"),
    "relation.father": _t("far", "far", "father"),
    "relation.co-mother": _t("medmor", "medmor", "co-mother (medmor)"),
    "relation.other": _t("annen foresatt", "anna føresett", "other guardian"),

    "right.barnekoordinator": _same("barnekoordinator", "child coordinator (barnekoordinator)"),
    "right.koordinator": _same("koordinator", "coordinator (koordinator)"),
    "right.individuell-plan": _same("individuell plan", "individual plan (individuell plan)"),
    "right.stafettlogg": _same("stafettlogg", "relay log (stafettlogg)"),

    "decisionkind.appoint": _t("innvilget", "innvilga", "granted"),
    "decisionkind.refuse": _t("avslått", "avslått", "refused"),
    "decisionkind.partial": _t("delvis innvilget", "delvis innvilga", "partly granted"),

    "outcome.met": _t("oppfylt", "oppfylt", "met"),
    "outcome.not-met": _t("ikke oppfylt", "ikkje oppfylt", "not met"),
    "outcome.needs-assessment": _t("krever faglig vurdering", "krev fagleg vurdering", "needs professional assessment"),

    "form.written-signed": _t("skriftlig og undertegnet", "skriftleg og underteikna", "in writing and signed"),
    "form.written-unsigned": _t("skriftlig, ikke undertegnet", "skriftleg, ikkje underteikna", "in writing, not signed"),
    "form.oral": _t("muntlig", "munnleg", "oral"),

    "stage.municipal-review": _t("kommunen (ny vurdering)", "kommunen (ny vurdering)", "the municipality (review)"),
    "stage.statsforvalteren": _same("Statsforvalteren", "the County Governor (Statsforvalteren)"),
    "stage.closed": _t("avsluttet", "avslutta", "closed"),

    "resolution.avvisning": _t("avvist", "avvist", "dismissed (avvisning)"),
    "resolution.medhold": _t("medhold", "medhald", "upheld (medhold)"),
    "resolution.delvis-medhold": _t("delvis medhold", "delvis medhald", "partly upheld"),
    "resolution.ikke-medhold": _t("ikke medhold", "ikkje medhald", "not upheld"),
    "resolution.opphevet": _t("opphevet", "oppheva", "quashed (opphevet)"),
}
# fmt: on

LABELS: Final[Mapping[str, Text]] = MappingProxyType(_LABELS)
"""Every label of the archive document by key."""

LABEL_GROUPS: Final[Mapping[str, type[enum.Enum]]] = MappingProxyType(
    {
        "service": ServiceKind,
        "role": Role,
        "baton": BatonChangeKind,
        "purpose": ConsentPurpose,
        "closing": ClosingReason,
        "effect": EffectAssessment,
        "next": MeasureNext,
        "observation": ObservationKind,
        "proposed": ProposedBy,
        "nivaa0": Nivaa0Outcome,
        "subplan": SubPlanKind,
        "mode": CaseMode,
        "relation": GuardianRelation,
        "right": Right,
        "decisionkind": DecisionKind,
        "outcome": Outcome,
        "form": ComplaintForm,
        "stage": Stage,
        "resolution": Resolution,
        "logstatus": LogStatus,
        "planstatus": PlanStatus,
    }
)
"""The enum each ``"<group>.<value>"`` label group names (a test checks every value is there)."""


def label(key: str, lang: Language, **values: object) -> str:
    """The label ``key`` in ``lang``, with its placeholders filled in."""
    return LABELS[key].format(lang, **values)


def enum_label(group: str, value: enum.Enum, lang: Language) -> str:
    """The label of an enum value: ``enum_label("service", ServiceKind.PPT, lang)``."""
    return LABELS[f"{group}.{value.value}"].get(lang)
