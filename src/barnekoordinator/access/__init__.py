"""The access wing: who may see and do what in a case, and the trail of who did.

- `principal` — who is acting (a verified person or service) and how sure we
  are;
- `login` — the strict token verifier that identity plugins build on: an OIDC
  token of a trusted issuer becomes one principal;
- `consent` — the consent ledger: who must consent to what, by age and
  foreldreansvar, and what a consent covers;
- `entries` — the unit of access (an entry's section, author and visibility to
  guardians);
- `policy` — the access policy: every read and write decided from the child's
  age, consent and the principal's roles;
- `grants` — an adult's grant of access to a guardian;
- `audit` — the audit trail and "who has looked", as the family reads it.

It uses the base values and the history. Import from the modules; this package
re-exports nothing.
"""

__all__: list[str] = []
