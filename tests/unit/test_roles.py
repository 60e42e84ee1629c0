"""Roles and duties (domain.md §2.4, §3.4, §7.4): checkable obligations with their source."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from datetime import timedelta
from types import ModuleType

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import appoint_barnekoordinator
from barnekoordinator.coordination.roles import (
    DUTIES,
    CheckContext,
    ObligationStatus,
    Role,
    duties_of,
    duty,
    grant_role,
    granted,
    is_leader,
    obligations,
    revoke_role,
    roles,
    roles_of,
)
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    add_log_measure,
    open_stafettlogg,
    register_undring,
)
from barnekoordinator.errors import InvalidInput, NotResponsible, RuleViolation
from barnekoordinator.history.case import CaseClosedEvent
from barnekoordinator.legal_basis import REFERENCES, LegalReference
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    consent_all,
    professional,
    standard_case,
)

D = DEFAULT_AS_OF
S = ServiceKind

MY_MODULES = (
    "barnekoordinator.coordination.meetings",
    "barnekoordinator.coordination.appointments",
    "barnekoordinator.coordination.baton",
    "barnekoordinator.coordination.handover",
    "barnekoordinator.coordination.plan",
    "barnekoordinator.coordination.roles",
    "barnekoordinator.coordination.stafettlogg",
    "barnekoordinator.coordination.transitions",
    "barnekoordinator.testing.builders",
)


def test_barnekoordinator_duties_a_to_e_rest_on_hotl_7_2_a() -> None:
    """The five duties of hotl § 7-2 a second ledd are each a duty with its source."""
    bk = duties_of(Role.BARNEKOORDINATOR)
    assert [d.code for d in bk] == [f"barnekoordinator.{x}" for x in "abcde"]
    assert all(d.basis == ("hotl-7-2-a",) for d in bk)
    assert "individuell plan" in duty("barnekoordinator.e").text_nb


def test_every_role_has_duties_with_known_sources() -> None:
    """Each role has at least one duty; every duty cites existing references in nb and en."""
    for role in Role:
        assert duties_of(role), role
    for d in DUTIES:
        assert d.text_nb
        assert d.text_en
        assert d.basis
        assert all(key in REFERENCES for key in d.basis)
        assert all(isinstance(r, LegalReference) for r in d.references)
    assert len({d.code for d in DUTIES}) == len(DUTIES)


def test_unknown_duty_is_refused() -> None:
    """Looking up an unknown duty names the known codes."""
    with pytest.raises(InvalidInput, match=r"barnekoordinator\.a"):
        duty("nope")


def test_granted_roles() -> None:
    """Leaders and koordinerende enhet are granted to participants; others follow from facts."""
    run = standard_case()
    assert is_leader(run.case, "styrer")
    assert not is_leader(run.case, "pl")
    assert granted(run.case, Role.KOORDINERENDE_ENHET) == {"ke"}
    with pytest.raises(InvalidInput, match="granted"):
        grant_role(run.case, ref="pl", role=Role.STAFETTHOLDER, by="system", as_of=D)
    with pytest.raises(NotResponsible):
        grant_role(run.case, ref="stranger", role=Role.LEADER, by="system", as_of=D)
    with pytest.raises(RuleViolation, match="already"):
        grant_role(run.case, ref="styrer", role=Role.LEADER, by="system", as_of=D)
    run.run(revoke_role, ref="styrer", role=Role.LEADER, by="system", as_of=D)
    assert not is_leader(run.case, "styrer")
    with pytest.raises(RuleViolation, match="does not hold"):
        revoke_role(run.case, ref="styrer", role=Role.LEADER, by="system", as_of=D)


def test_roles_in_a_case() -> None:
    """Guardians with foreldreansvar, the child, providers, grants, holder and coordinators."""
    run = standard_case(age=6, shared_responsibility=False)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE])
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    assert roles_of(run.case, "mor", D) == {Role.GUARDIAN}
    assert roles_of(run.case, "far", D) == frozenset()
    assert roles_of(run.case, "child", D) == {Role.CHILD}
    assert roles_of(run.case, "pl", D) == {Role.SERVICE_PROVIDER, Role.STAFETTHOLDER}
    assert roles_of(run.case, "styrer", D) == {Role.SERVICE_PROVIDER, Role.LEADER}
    assert Role.KOORDINERENDE_ENHET in roles_of(run.case, "ke", D)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="x",
    )
    assert {Role.BARNEKOORDINATOR, Role.KOORDINATOR} <= roles_of(run.case, "hs", D)
    assert Role.STAFETTHOLDER not in roles_of(run.case, "pl", D)
    assignment = next(a for a in roles(run.case, D) if a.role is Role.BARNEKOORDINATOR)
    assert assignment.since == D
    assert assignment.duties[0].code == "barnekoordinator.a"


def test_obligations_are_ordered_overdue_unmet_due() -> None:
    """Overdue first, then unmet, then due; each with role, actor, due date and basis."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE], consent_id="log")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    for tid, days in (("late", 5), ("soon", 25)):
        run.run(
            add_log_measure,
            tiltak_id=tid,
            by="pl",
            description="x",
            responsible_ref="pl",
            evaluation_date=D + timedelta(days=days),
            as_of=D,
        )
    from barnekoordinator.access.consent import withdraw_consent

    run.run(withdraw_consent, consent_id="log", by="mor", as_of=D + timedelta(days=15))
    found = obligations(run.case, D + timedelta(days=15))
    statuses = [o.status for o in found]
    assert statuses == sorted(
        statuses, key=[ObligationStatus.OVERDUE, ObligationStatus.UNMET, ObligationStatus.DUE].index
    )
    assert {(o.code, o.subject, o.status) for o in found} >= {
        ("stafettlogg.evaluation", "late", ObligationStatus.OVERDUE),
        ("stafettlogg.consent-lapsed", "stafettlogg", ObligationStatus.UNMET),
        ("stafettlogg.evaluation", "soon", ObligationStatus.DUE),
    }
    for o in found:
        assert o.basis
        assert all(isinstance(r, LegalReference) for r in o.basis)
        assert o.text("nb")
        assert o.text("en")
        assert o.text("nn")


def test_horizon_limits_what_counts_as_due() -> None:
    """A dated duty shows as due only within the horizon."""
    run = standard_case(age=5)
    run.run(register_undring, undring_id="u1", by="pl", description="x", as_of=D)
    assert not obligations(run.case, D, horizon_days=7)
    (o,) = obligations(run.case, D, horizon_days=14)
    assert o.status is ObligationStatus.DUE
    assert o.due == D + timedelta(days=14)
    with pytest.raises(InvalidInput):
        obligations(run.case, D, horizon_days=-1)


def test_closed_case_has_no_obligations() -> None:
    """Nothing is due in a closed case."""
    run = standard_case(age=5)
    run.run(register_undring, undring_id="u1", by="pl", description="x", as_of=D)
    run.do(CaseClosedEvent(reason="flyttet"))
    assert obligations(run.case, D + timedelta(days=100)) == ()


def test_check_context_status() -> None:
    """Overdue after the date; due from horizon_days before it; otherwise not yet."""
    ctx = CheckContext(as_of=D, settings=MunicipalSettings(), horizon_days=3)
    assert ctx.status_for(D - timedelta(days=1)) is ObligationStatus.OVERDUE
    assert ctx.status_for(D) is ObligationStatus.DUE
    assert ctx.status_for(D + timedelta(days=3)) is ObligationStatus.DUE
    assert ctx.status_for(D + timedelta(days=4)) is None


def test_obligation_text_language() -> None:
    """Texts exist in nb (also used for nn) and en; other languages are refused."""
    run = standard_case(age=5)
    run.run(register_undring, undring_id="u1", by="pl", description="x", as_of=D)
    o = next(o for o in obligations(run.case, D + timedelta(days=20)) if o.actor_ref == "pl")
    assert "Avklar" in o.text()
    assert "Decide" in o.text("en")
    with pytest.raises(InvalidInput):
        o.text("sv")


def _public_names(module: ModuleType) -> set[str]:
    """Names the module itself defines at top level (classes, functions, constants).

    A package's names are those of its ``__init__`` and of its private
    submodules, which the ``__init__`` re-exports.
    """
    names = _defined_names(module)
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        if info.name.startswith("_"):
            names |= _defined_names(importlib.import_module(f"{module.__name__}.{info.name}"))
    return names


def _defined_names(module: ModuleType) -> set[str]:
    tree = ast.parse(inspect.getsource(module))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_") and n != "__all__"}


@pytest.mark.parametrize("name", MY_MODULES)
def test_public_surface_is_curated_and_documented(name: str) -> None:
    """Each module's __all__ is sorted, equals its public names, and each has a docstring."""
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), n[0].islower(), n))
    assert set(exported) == _public_names(module)
    assert module.__doc__
    for n in exported:
        value = getattr(module, n)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__, f"{name}.{n} has no docstring"
