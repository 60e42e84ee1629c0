"""JSON Schemas (draft 2020-12) of every public document, shipped in the wheel.

Load them with
[`barnekoordinator.history.documents.schema()`][barnekoordinator.history.documents.schema].
"""
