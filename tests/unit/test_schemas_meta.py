"""Every shipped JSON Schema is a valid schema of its draft (issue 17 item 4).

The check against the metaschema runs here, once, instead of in every process that validates a
document (``history.documents`` no longer calls ``check_schema`` at run time).
"""

from __future__ import annotations

import jsonschema
import pytest

from barnekoordinator.history.documents import schema, schema_names


@pytest.mark.parametrize("name", schema_names())
def test_each_schema_is_valid_against_its_metaschema(name: str) -> None:
    document = schema(name)
    cls = jsonschema.validators.validator_for(document, default=None)
    assert cls is not None, f"{name}: unknown $schema {document.get('$schema')!r}"
    cls.check_schema(document)


def test_a_broken_schema_would_be_caught() -> None:
    broken = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "strnig"}
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.validators.validator_for(broken).check_schema(broken)
