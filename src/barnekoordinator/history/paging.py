"""Keyset pages of the agenda: [`AgendaCursor`][barnekoordinator.history.paging.AgendaCursor].

The agenda is ordered by ``(due, case_id, kind, key)`` (kind by its value), and that order is
total: ``(case_id, kind, key)`` is unique. A page ends at a row; the next page is every row
*after* it in that order, up to its limit. So a cursor is the last row's four ordering values,
nothing else — no offset, no server-side state — and a store answers the next page by seeking
its index to that point and reading only the rows it returns (decision 30).

    page = store.agenda(until=day, limit=100)
    while len(page) == 100:
        page = store.agenda(until=day, limit=100, after=AgendaCursor.of(page[-1]))

A full page may be followed by an empty one. Rows written between two pages appear on a later
page when they sort after the cursor and are not seen by this walk when they sort before it, as
with any keyset walk; no row is repeated or skipped because of rows added or removed elsewhere.

The cursor's text form
([`AgendaCursor.token()`][barnekoordinator.history.paging.AgendaCursor.token], read back by
[`AgendaCursor.parse()`][barnekoordinator.history.paging.AgendaCursor.parse]) is
opaque to its users: a version prefix and base64url of the four values. It holds the due date,
case id and key of a row its reader was shown, so it reveals nothing that page did not; a text
that is not a cursor raises [`InvalidInput`][barnekoordinator.errors.InvalidInput] naming the
place and the reason, never repeating the text.

[`paged_agenda()`][barnekoordinator.history.paging.paged_agenda] asks a store for a page and
serves a store written before ``after`` existed (its ``agenda`` has no such parameter) by reading
its rows up to ``until`` and cutting them here: the same answer, at the cost of the old reads.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import attrs

from barnekoordinator.edges import has_lone_surrogate
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.projections import AgendaItem, AgendaKind

if TYPE_CHECKING:
    from barnekoordinator.history.store import CaseStore

__all__ = ["AgendaCursor", "checked_after", "paged_agenda", "pages_itself"]

_PREFIX: Final = "ac1."
_MAX_TEXT: Final = 4096
"""The longest cursor text read (a case id and key are short; this keeps a pasted file out)."""
_KINDS: Final = {kind.value: kind for kind in AgendaKind}


def _exact(kind: type, what: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is not kind and not (kind is str and isinstance(value, str)):
            raise InvalidInput(
                f"after.{attribute.name}: expected {what}, got {type(value).__name__}"
            )

    return check


@attrs.frozen
class AgendaCursor:
    """Where a page of the agenda ended: the last row's ``(due, case_id, kind, key)``.

    ``store.agenda(…, after=cursor)`` returns the rows that sort after it. Build one with
    [`of()`][barnekoordinator.history.paging.AgendaCursor.of] from the last row of a page, or
    with [`parse()`][barnekoordinator.history.paging.AgendaCursor.parse] from its
    [`token()`][barnekoordinator.history.paging.AgendaCursor.token]. Fields of the wrong type
    raise [`InvalidInput`][barnekoordinator.errors.InvalidInput] (``after.<field>: …``).
    """

    due: date = attrs.field(validator=_exact(date, "a date"))
    case_id: str = attrs.field(validator=_exact(str, "a string"))
    kind: AgendaKind = attrs.field(validator=_exact(AgendaKind, "an AgendaKind"))
    key: str = attrs.field(validator=_exact(str, "a string"))

    @classmethod
    def of(cls, item: AgendaItem) -> AgendaCursor:
        """The cursor just after ``item``: the next page starts with the row that follows it."""
        return cls(item.due, item.case_id, item.kind, item.key)

    def sort_key(self) -> tuple[date, str, str, str]:
        """The cursor in agenda order, comparable with ``storekit.agenda_sort_key(row)``."""
        return (self.due, self.case_id, self.kind.value, self.key)

    def precedes(self, item: AgendaItem) -> bool:
        """Whether ``item`` sorts after the cursor (belongs to a following page)."""
        return (item.due, item.case_id, item.kind.value, item.key) > self.sort_key()

    def token(self) -> str:
        """The opaque text form (``ac1.`` and base64url of the four values), e.g. for a CLI."""
        values = [self.due.isoformat(), self.case_id, self.kind.value, self.key]
        raw = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
        return _PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def parse(cls, text: object, *, where: str = "after") -> AgendaCursor:
        """The cursor a [`token()`][barnekoordinator.history.paging.AgendaCursor.token] wrote.

        Anything else raises [`InvalidInput`][barnekoordinator.errors.InvalidInput] whose
        message starts with ``where`` (the option or field it came from) and says what is
        wrong without repeating the text.
        """
        if not isinstance(text, str):
            raise InvalidInput(f"{where}: expected an agenda cursor, got {type(text).__name__}")
        values = _decoded(text, where)
        if (
            not isinstance(values, list)
            or len(values) != 4
            or not all(isinstance(v, str) for v in values)
        ):
            raise InvalidInput(f"{where}: not an agenda cursor (expected four values)")
        due, case_id, kind, key = values
        try:
            day = date.fromisoformat(due)
        except ValueError:
            raise InvalidInput(f"{where}: not an agenda cursor (its due date)") from None
        if kind not in _KINDS:
            raise InvalidInput(f"{where}: not an agenda cursor (its kind)")
        for name, value in (("case id", case_id), ("key", key)):
            # A store compares them with what it holds: text it can encode, no NUL.
            if not value or "\x00" in value or has_lone_surrogate(value):
                raise InvalidInput(f"{where}: not an agenda cursor (its {name})")
        return cls(day, case_id, _KINDS[kind], key)


def _decoded(text: str, where: str) -> object:
    if len(text) > _MAX_TEXT or not text.startswith(_PREFIX):
        raise InvalidInput(f"{where}: not an agenda cursor (it starts with {_PREFIX!r})")
    body = text[len(_PREFIX) :]
    try:
        if not body.isascii():
            raise ValueError(body)
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return json.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, RecursionError):  # RecursionError: '[' nested deep
        raise InvalidInput(f"{where}: not an agenda cursor (damaged)") from None


def checked_after(after: object) -> AgendaCursor | None:
    """``after`` as a store's ``agenda`` takes it: None or an AgendaCursor, else InvalidInput."""
    if after is None or isinstance(after, AgendaCursor):
        return after
    raise InvalidInput(f"after: expected an AgendaCursor, got {type(after).__name__}")


_TAKES_AFTER: dict[type[Any], bool] = {}


def _takes_after(store_type: type[Any]) -> bool:
    known = _TAKES_AFTER.get(store_type)
    if known is not None:
        return known
    try:
        parameters = inspect.signature(store_type.agenda).parameters
    except (TypeError, ValueError):  # pragma: no cover - a builtin without a signature
        return False
    takes = "after" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )
    _TAKES_AFTER[store_type] = takes
    return takes


def pages_itself(store: object) -> bool:
    """Whether ``store.agenda`` takes ``after`` (else it predates decision 30)."""
    store_type: type[Any] = type(store)
    return _takes_after(store_type)


def paged_agenda(
    store: CaseStore,
    *,
    until: date,
    kinds: Collection[AgendaKind] | None = None,
    case_id: str | None = None,
    limit: int | None = None,
    after: AgendaCursor | None = None,
) -> list[AgendaItem]:
    """``store.agenda(…, after=after)``, also for a store whose ``agenda`` predates ``after``.

    Such a store is asked for every row up to ``until`` (its old, unpaged read) and the page is
    cut here, so its answers are the same and its cost is what it was.
    """
    cursor = checked_after(after)
    if cursor is None:
        return store.agenda(until=until, kinds=kinds, case_id=case_id, limit=limit)
    if pages_itself(store):
        return store.agenda(until=until, kinds=kinds, case_id=case_id, limit=limit, after=cursor)
    rows = [
        r for r in store.agenda(until=until, kinds=kinds, case_id=case_id) if cursor.precedes(r)
    ]
    return rows if limit is None else rows[: max(limit, 0)]
