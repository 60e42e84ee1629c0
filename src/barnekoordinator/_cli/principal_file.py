"""Read a ``principal.v1`` document: who a command-line call acts as.

The file is not a login. Whoever runs the command with access to the store is
trusted back office; ``--principal FILE`` narrows what the command shows to what
that principal may see, through the Casebook, and the reads are audited under
the principal's subject and label. Errors name the file and the JSON path, never
a value (the file may hold a fødselsnummer).
"""

from __future__ import annotations

from typing import Final

from barnekoordinator._cli import read_source
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.edges import read_json
from barnekoordinator.errors import InvalidInput, SchemaViolation
from barnekoordinator.history.documents import validate_document
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
)

__all__ = ["PRINCIPAL_SCHEMA", "principal_from_json", "read_principal"]

PRINCIPAL_SCHEMA = "principal.v1"
"""The schema a principal file must match."""

_MAX_FILE: Final = 1 << 20
"""The most bytes of a principal file read (far more than a ``principal.v1`` document holds)."""


def principal_from_json(document: object, *, allow_synthetic: bool = False) -> Principal:
    """A [`Principal`][barnekoordinator.access.principal.Principal] from a ``principal.v1``
    document.

    Raises:
        SchemaViolation: the document does not match ``principal.v1`` (every problem,
            each with its JSON path).
        InvalidInput: a field the schema admits but the principal refuses (a national id
            with a bad checksum or, without ``allow_synthetic``, a synthetic one; a subject
            that looks like a national id …).
    """
    validate_document(PRINCIPAL_SCHEMA, document)
    assert isinstance(document, dict)
    policy = IdentifierPolicy(allow_synthetic=allow_synthetic)
    national_id = document.get("national_id")
    hpr = document.get("hpr")
    organisation = document.get("organisation")
    return Principal(
        subject=document["subject"],
        display_label=document["display_label"],
        assurance=AssuranceLevel(document["assurance"]),
        national_id=PersonId.parse(national_id, policy=policy) if national_id else None,
        hpr=HprNummer.parse(hpr) if hpr else None,
        organisation=Organisasjonsnummer.parse(organisation) if organisation else None,
        municipality_number=document.get("municipality_number"),
        identity_provider=document.get("identity_provider", ""),
        roles=frozenset(document.get("roles", ())),
    )


def read_principal(path: str, *, allow_synthetic: bool = False, option: str = "") -> Principal:
    """Read and validate a principal file, with the strict JSON reader of
    [`edges`][barnekoordinator.edges] (UTF-8, no key twice in one object, bounded sizes). Every
    error's message begins with ``option`` (``--principal``, ``--as``) and the file's name.

    Raises:
        MalformedJson: it is not UTF-8 JSON, or is nested too deep.
        SchemaViolation: see ``principal_from_json()`` (and the strict reader's, for duplicate
            keys and oversized values).
        InvalidInput: the name is not a file name, the file cannot be read or holds more than
            ``_MAX_FILE`` bytes, or see ``principal_from_json()``.
    """
    where = f"{option} {path}" if option else path
    # "-" is a file of that name: standard input is not a principal file.
    data = read_source(path, _MAX_FILE, where, stdin=False)
    document = read_json(data, where)
    try:
        return principal_from_json(document, allow_synthetic=allow_synthetic)
    except SchemaViolation as exc:
        raise SchemaViolation(f"{where}: {exc.document}", exc.problems) from None
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc}") from None
