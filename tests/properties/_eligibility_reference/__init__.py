"""Frozen copy of today's eligibility evaluator: see README.md in this folder. Never edit."""

from _eligibility_reference._rule_sets import assess

__all__ = ["assess"]
