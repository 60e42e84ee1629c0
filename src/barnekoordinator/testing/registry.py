"""An in-memory person registry: Folkeregisteret for tests, examples and the demo.

The Casebook confirms a family member's opening of a case in a
[`PersonRegistry`][barnekoordinator.protocols.PersonRegistry] (decision 46): a guardian must be
registered with foreldreansvar of the child, and the child's registered birth date must be the
one the opening gives.
[`InMemoryPersonRegistry`][barnekoordinator.testing.registry.InMemoryPersonRegistry] answers
from what a test registered, and knows nobody else:

```python
from datetime import date

from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, Guardian, GuardianRelation
from barnekoordinator.testing.registry import InMemoryPersonRegistry

policy = IdentifierPolicy.testing()
child_id = PersonId.parse(synthetic_fodselsnummer(date(2016, 3, 3)), policy=policy)
mother_id = PersonId.parse(synthetic_fodselsnummer(date(1985, 6, 7)), policy=policy)
registry = InMemoryPersonRegistry()
registry.register_child(
    Child(ref="child", birth_date=date(2016, 3, 3), person_id=child_id),
    [Guardian(ref="mor", relation=GuardianRelation.MOTHER, parental_responsibility=True,
              person_id=mother_id)],
)
assert registry.guardians(child_id)[0].person_id == mother_id
```

Pass it as ``Casebook(..., registry=registry)``, or return it from a plugin's
``barnekoordinator_person_registry`` hook.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import PersonId
from barnekoordinator.people import Child, Guardian

__all__ = ["InMemoryPersonRegistry"]


class InMemoryPersonRegistry:
    """A [`PersonRegistry`][barnekoordinator.protocols.PersonRegistry] holding what was
    registered in it (and counting its lookups, so a test can see it was asked)."""

    def __init__(self) -> None:
        self._born: dict[PersonId, date] = {}
        self._guardians: dict[PersonId, tuple[Guardian, ...]] = {}
        self.lookups = 0
        """How many questions the registry has answered."""

    def register_person(self, person: PersonId, birth_date: date) -> None:
        """Register ``person`` as born on ``birth_date`` (an adult applying in her own case)."""
        if not isinstance(person, PersonId) or not isinstance(birth_date, date):
            raise InvalidInput("register_person: expected a PersonId and a birth date")
        self._born[person] = birth_date

    def register_child(self, child: Child, guardians: Iterable[Guardian] = ()) -> None:
        """Register ``child`` (its id and birth date) and its guardians, replacing any before.

        The guardians' ``parental_responsibility`` is their registered foreldreansvar; a
        guardian without a ``person_id`` is registered but can be no one's login.
        """
        if not isinstance(child, Child) or child.person_id is None:
            raise InvalidInput("register_child: expected a Child with a person_id")
        listed = tuple(guardians)
        if not all(isinstance(g, Guardian) for g in listed):
            raise InvalidInput("register_child: expected Guardian values")
        self._born[child.person_id] = child.birth_date
        self._guardians[child.person_id] = listed
        for guardian in listed:  # a parent is a registered person too (born as the id says)
            pid = guardian.person_id
            if pid is not None and pid not in self._born and pid.birth_date is not None:
                self._born[pid] = pid.birth_date

    def withdraw_responsibility(self, child: PersonId, guardian: PersonId) -> None:
        """Record that ``guardian`` no longer holds foreldreansvar for ``child``."""
        self._guardians[child] = tuple(
            attrs.evolve(g, parental_responsibility=False) if g.person_id == guardian else g
            for g in self._guardians.get(child, ())
        )

    def birth_date(self, person: PersonId) -> date | None:
        """The registered birth date, or ``None`` when ``person`` is not registered."""
        self.lookups += 1
        return self._born.get(person)

    def guardians(self, child: PersonId) -> Sequence[Guardian]:
        """The child's registered guardians with their foreldreansvar (empty: none known)."""
        self.lookups += 1
        return self._guardians.get(child, ())
