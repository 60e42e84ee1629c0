"""The hash chain shared by the case history and the audit trail.

Each stored record carries the hash of the previous record of the same stream
and its own hash over its content plus that previous hash. Editing, removing,
inserting or reordering any record breaks the chain at that point.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from barnekoordinator.errors import InvalidInput

GENESIS = "0" * 64
"""The ``prev_hash`` of the first record of every stream."""


def chain_hash(prev_hash: str, fields: Sequence[str | int | list[str] | None]) -> str:
    """SHA-256 over the previous hash and the record's fields.

    The fields are encoded as one JSON array (a field may itself be a list of texts), so no
    choice of separator can make two different records hash alike.

    Raises:
        InvalidInput: A field is not text, a whole number, a list of texts or None, or holds
            a lone surrogate (not Unicode text: it has no UTF-8 form to hash or store). The
            message never repeats the field.
    """
    try:
        body = json.dumps([prev_hash, *fields], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(body.encode("utf-8")).hexdigest()
    except UnicodeEncodeError:
        raise InvalidInput(
            "record to hash: a field holds a lone surrogate, which is not Unicode text"
        ) from None
    except (TypeError, ValueError) as exc:  # a field JSON cannot write (bytes, an object …)
        raise InvalidInput(
            f"record to hash: expected texts, whole numbers and None ({type(exc).__name__})"
        ) from None
