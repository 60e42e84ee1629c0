"""Login benchmark: verified tokens per second with a warm key cache (issue 12).

An ID-porten-style RS256 id_token (2048-bit key, the claims of Digdir's example with a
synthetic pid) is verified by the strict verifier of ``barnekoordinator.access.login``
with its key set already fetched from a loopback provider over HTTP. Two figures:

* ``verify`` — ``TokenVerifier.verify``: size and shape, strict JSON, the allowlisted
  algorithm, the key by kid, the signature (python-jose on cryptography), typ, iss,
  aud/azp, exp/iat/nbf, sub, cnf and the assurance level;
* ``authenticate`` — ``OidcAuthenticator.authenticate``: the above plus the
  ``Principal`` (the pid parsed into a redacting ``PersonId``, label, amr).

The floor is a bare ``cryptography`` RS256 verify of the same token (split it, decode
the signature, ``public_key.verify`` with PKCS#1 v1.5 and SHA-256): the signature check
no verifier can skip. Also shown, for comparison, python-jose's own ``jwt.decode`` with
an allowlist, a pre-built key and every ``require_*`` option (what a hand-written
verifier would call, without the checks it leaves out).

Targets: >= 5,000 verified tokens/s on one core; verify / floor <= 1.5.

Run: ``python benchmarks/bench_login.py [--tokens N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import base64
import statistics
import time
from collections.abc import Callable
from datetime import date

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from jose import jwk as jose_jwk
from jose import jwt as jose_jwt

from barnekoordinator.access.login import ClaimMapping, IssuerSettings, OidcAuthenticator
from barnekoordinator.access.principal import Credential
from barnekoordinator.clock import SystemClock
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.oidc import LoopbackOidcProvider

AUDIENCE = "bench-client"
FLOOR = "floor: cryptography RS256 verify"
VERIFY = "verify (TokenVerifier)"


def rates(
    measures: dict[str, Callable[[str], object]], tokens: list[str], repeat: int
) -> dict[str, list[float]]:
    """Tokens per second of each measure in each of ``repeat`` passes.

    The measures take turns within a pass, so a change in the machine's load touches
    all of them alike and the ratios stay honest on a shared machine.
    """
    found: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(repeat):
        for name, fn in measures.items():
            started = time.perf_counter()
            for token in tokens:
                fn(token)
            found[name].append(len(tokens) / (time.perf_counter() - started))
    return found


def main() -> None:
    """Measure and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=2000, help="distinct tokens per pass")
    parser.add_argument("--repeat", type=int, default=7, help="passes per measure")
    args = parser.parse_args()

    # python-jose reads the wall clock, so the provider mints by it too.
    with LoopbackOidcProvider(clock=SystemClock()) as idp:
        settings = IssuerSettings(
            name="idporten",
            display_name="ID-porten",
            issuer=idp.issuer,
            audience=AUDIENCE,
            claims=ClaimMapping(national_id="pid"),
            synthetic_identities=True,
        )
        pid = synthetic_fodselsnummer(date(2012, 5, 3))
        tokens = [
            idp.token(
                idp.claims(
                    audience=AUDIENCE,
                    lifetime=3600,
                    pid=pid,
                    acr="idporten-loa-high",
                    amr=["TestID"],
                    locale="nb",
                    sid=f"s-{n}",
                    auth_time=idp.now(),
                )
            )
            for n in range(args.tokens)
        ]
        with OidcAuthenticator(settings, clock=idp.clock) as auth:
            auth.verify(tokens[0])  # warm: discovery and JWKS fetched once, over HTTP
            fetches = idp.jwks_requests

            public = idp.current_key.private_key.public_key()
            pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

            def floor(token: str) -> None:
                signing_input, _, signature = token.rpartition(".")
                raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
                public.verify(raw, signing_input.encode("ascii"), pkcs1, sha256)

            key = jose_jwk.construct(idp.current_key.public_jwk(), "RS256")
            options = {f"require_{c}": True for c in ("exp", "iat", "aud", "iss", "sub")}

            def jose_decode(token: str) -> None:
                jose_jwt.decode(
                    token,
                    key,
                    algorithms=["RS256"],
                    audience=AUDIENCE,
                    issuer=idp.issuer,
                    options={**options, "leeway": 30},
                )

            def authenticate(token: str) -> None:
                auth.authenticate(Credential(kind="idporten-id-token", token=token))

            for fn in (floor, jose_decode, auth.verify, authenticate):  # warm up
                for token in tokens[:200]:
                    fn(token)
            measured = rates(
                {
                    FLOOR: floor,
                    "python-jose jwt.decode (strict options)": jose_decode,
                    VERIFY: auth.verify,
                    "authenticate (to a Principal)": authenticate,
                },
                tokens,
                args.repeat,
            )
            assert idp.jwks_requests == fetches, "the key cache must stay warm"

    floors = measured[FLOOR]
    print(f"RS256 (2048-bit) id_tokens, {args.tokens} distinct, {args.repeat} passes, one core")
    print(f"{'measure':<42}{'median/s':>11}{'best/s':>11}{'µs each':>9}{'÷ floor':>9}")
    for name, per_pass in measured.items():
        median = statistics.median(per_pass)
        ratio = statistics.median(f / r for f, r in zip(floors, per_pass, strict=True))
        print(
            f"{name:<42}{median:>11,.0f}{max(per_pass):>11,.0f}{1e6 / median:>9.1f}{ratio:>8.2f}×"
        )
    verify_rate = statistics.median(measured[VERIFY])
    verify_ratio = statistics.median(f / r for f, r in zip(floors, measured[VERIFY], strict=True))
    print(
        f"target: verify >= 5,000/s ({'met' if verify_rate >= 5000 else 'NOT met'}); "
        f"verify ÷ floor <= 1.5 ({'met' if verify_ratio <= 1.5 else 'NOT met'}); "
        "ratios are medians of per-pass ratios"
    )


if __name__ == "__main__":
    main()
