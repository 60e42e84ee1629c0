"""The rights wing: who has a right to what, on which legal basis, and what follows.

- `eligibility` — the right to barnekoordinator, koordinator and individuell
  plan, and when a stafettlogg is offered: condition by condition, with the
  legal basis and explanations in nb, nn and en; one module per legal regime,
  chosen by the date in force;
- `decisions` — the individual decision (enkeltvedtak) and the appointment
  notice, rendered for the family;
- `complaints` — complaints to the municipality and statsforvalteren, and the
  obligations they create;
- `decision_records`, `complaint_records` — decisions and complaint stages
  recorded in the case as events (through the Casebook: access-checked,
  audited, hash-chained), with their obligations and agenda rows;
- `wire` — the JSON documents of facts, results, decisions and complaints.

It uses only the base values and the history. Import from the modules; this
package re-exports nothing.
"""

__all__: list[str] = []
