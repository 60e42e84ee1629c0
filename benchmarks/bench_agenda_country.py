"""The agenda for the whole country: every agenda query at 10,000, 100,000 and 1,100,000 cases.

    nice -n 19 python benchmarks/bench_agenda_country.py                 # 10k, 100k, 1.1M
    nice -n 19 python benchmarks/bench_agenda_country.py --sizes 10000,100000 --no-postgres

One synthetic population (``barnekoordinator.testing.population``, seed 2026, real commands,
sealed synthetic identities) is generated once, in chunks by ``--workers`` processes, and loaded
through the bulk path (``store.load``) into a SQLite file (``synchronous=FULL``) and a durable
PostgreSQL schema (a private cluster from ``barnekoordinator.testing.postgres``) together, growing
from one size to the next. At each size it prints the load rate (cases and events per second spent
in ``load``), the database size per case, and each agenda query's median and maximum over
``--repeat`` runs with the number of rows. Long answers ("turning 18 within 180 days" …) are read
in pages of 100 (keyset cursor, decision 30): their first page and page 50 (or the last full one)
are both timed, interleaved round by round, and the deep page's time is printed as a ratio to the
first page's in the same round (min, median, max). Target: every query ≤ 50 ms (decision 20).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _country import Loader, time_agenda

from barnekoordinator_plugins.sqlite import SQLiteCaseStore


def _sqlite_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _pg_bytes(store: Any) -> int:
    row = (
        store._connection()
        .execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            (store.schema,),
        )
        .fetchone()
    )
    return int(row[0] or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1100000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--dir", default=None, help="where the SQLite file goes (default: a temp dir)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    free = shutil.disk_usage(args.dir or tempfile.gettempdir()).free / 1e9
    print(f"# free disk: {free:.0f} GB; sizes {sizes}; {args.workers} generator processes")
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=args.dir)))
        path = tmp / "country.db"
        stores: dict[str, Any] = {"SQLite": stack.enter_context(SQLiteCaseStore(path))}
        if not args.no_postgres:
            from barnekoordinator.testing.postgres import throwaway_postgres
            from barnekoordinator_plugins.postgres import PostgresCaseStore

            server = stack.enter_context(throwaway_postgres(durable=True))
            stores["PostgreSQL"] = stack.enter_context(
                PostgresCaseStore(server.dsn, schema="country")
            )
        loader = Loader(stores)
        for size in sizes:
            loader.load(loader.cases, size, workers=args.workers)
            for name, store in stores.items():
                if name == "SQLite":
                    store._connection().execute("ANALYZE")
                    size_bytes = _sqlite_bytes(path)
                else:
                    store._connection().execute("ANALYZE")
                    size_bytes = _pg_bytes(store)
                seconds = loader.seconds[name]
                agenda_rows = len(store.agenda(until=date.max)) if size <= 100_000 else None
                print(
                    f"\n## {name}, {loader.cases:,} cases, {loader.events:,} events"
                    + (f", {agenda_rows:,} agenda rows" if agenda_rows is not None else "")
                )
                print(
                    f"load: {loader.cases / seconds:,.0f} cases/s, {loader.events / seconds:,.0f} "
                    f"events/s (time in load() only); size {size_bytes / loader.cases:,.0f} "
                    f"bytes per case ({size_bytes / 1e9:.2f} GB)"
                )
                print(
                    f"{'query':44} {'median ms':>10} {'max ms':>8} {'rows':>6} {'≤ 50 ms':>8}  "
                    "deep / first page (min med max)"
                )
                some_case = f"case-{loader.cases // 2:07d}"
                results, ratios = time_agenda(store, some_case, args.repeat)
                for query, median, worst, rows in results:
                    verdict = "yes" if median <= 50 else "NO"
                    ratio = ratios.get(query)
                    shown = "" if ratio is None else "  {:.2f} {:.2f} {:.2f}".format(*ratio)
                    print(f"{query:44} {median:10.2f} {worst:8.2f} {rows:6,} {verdict:>8}{shown}")
                sys.stdout.flush()
        os.sync()


if __name__ == "__main__":
    main()
