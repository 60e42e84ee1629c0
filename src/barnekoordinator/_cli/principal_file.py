"""Read a ``principal.v1`` document: who a command-line call acts as.

The file is not a login. Whoever runs the command with access to the store is
trusted back office; ``--principal FILE`` narrows what the command shows to what
that principal may see, through the Casebook, and the reads are audited under
the principal's subject and label. Errors name the file and the JSON path, never
a value (the file may hold a fødselsnummer).
"""

from __future__ import annotations

from pathlib import Path

from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.edges import read_json
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


def read_principal(path: str | Path, *, allow_synthetic: bool = False) -> Principal:
    """Read and validate a principal file, with the strict JSON reader of
    [`edges`][barnekoordinator.edges] (UTF-8, no key twice in one object, bounded sizes).

    Raises:
        OSError: the file cannot be read.
        MalformedJson: it is not UTF-8 JSON, or is nested too deep.
        InvalidInput: see ``principal_from_json()`` (and the strict reader's
            ``SchemaViolation`` for duplicate keys and oversized values).
    """
    document = read_json(Path(path).read_bytes(), str(path))
    return principal_from_json(document, allow_synthetic=allow_synthetic)
