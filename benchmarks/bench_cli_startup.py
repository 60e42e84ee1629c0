"""Start-up of the command line: whole processes, side by side in one run.

Targets (issue 17, item 4): ``barnekoordinator assess FILE`` of one facts file ≤ 6 × the
floor ``python -c pass``; ``barnekoordinator --help`` ≤ 4 ×.

The commands run in turn (floor, --help, assess, floor, --help, assess …), each a new
process timed from ``fork`` to exit (wall clock), so the machine's drift touches them alike.
Each run's ratio is a command's time ÷ the floor of the same round; the medians are printed
with min and max. The processes' CPU time (user + system, from ``getrusage``) is printed too: on
a shared machine a process waits for a core, and its wall clock holds that wait; its CPU time
does not. The commands run as ``python -m barnekoordinator`` with the interpreter
running this script (the installed console script adds its own wrapper's start-up).

Installed third-party plugins are part of what ``--help`` costs (it imports them to list their
commands, decision 25). ``--help`` and ``assess`` run with ``BARNEKOORDINATOR_BLOCK_PLUGINS``
set to every vendor entry point, so their figures show the library alone; when vendor plugins
are installed, ``--help+vendors`` runs in the same rounds without the block (no target: the
cost is the vendors' imports). ``--block-vendors`` leaves that line out.

``--compare SRC`` adds ``assess`` run from another source tree (``PYTHONPATH=SRC``, e.g. the
main checkout's ``src``) to the same rounds: before and after, side by side.

Run: ``python benchmarks/bench_cli_startup.py [--rounds 30] [--block-vendors] [--compare SRC]``
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "examples" / "facts" / "bk-01-baseline-eligible.json"
TARGETS = {"--help": 4.0, "assess": 6.0}


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The wall clock and the CPU time (user + system) of one process running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def _vendors() -> list[str]:
    from barnekoordinator.plugins import FIRST_PARTY_PLUGINS

    return sorted(
        ep.name
        for ep in importlib.metadata.entry_points(group="barnekoordinator")
        if FIRST_PARTY_PLUGINS.get(ep.name) != ep.value
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--block-vendors", action="store_true", help="leave --help+vendors out")
    parser.add_argument("--compare", metavar="SRC", help="also run assess from this source tree")
    args = parser.parse_args()
    env = dict(os.environ)
    # An installed package runs from bytecode; with PYTHONDONTWRITEBYTECODE the warm-up writes
    # none, and every run compiles every module from source (about +40 ms for assess).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    vendors = _vendors()
    blocked_env = dict(env)
    if vendors:
        blocked_env["BARNEKOORDINATOR_BLOCK_PLUGINS"] = ",".join(vendors)
    python = sys.executable
    module = [python, "-m", "barnekoordinator"]
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "floor": ([python, "-c", "pass"], env),
        "--help": ([*module, "--help"], blocked_env),
        "assess": ([*module, "assess", str(FACTS)], blocked_env),
    }
    if vendors and not args.block_vendors:
        commands["--help+vendors"] = ([*module, "--help"], env)
    if args.compare:
        compare_env = {**blocked_env, "PYTHONPATH": str(Path(args.compare).resolve())}
        commands["assess@compare"] = ([*module, "assess", str(FACTS)], compare_env)
    for argv, command_env in commands.values():  # warm the file cache and the bytecode
        _time(argv, command_env)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, (argv, command_env) in commands.items():
            wall, cpu = _time(argv, command_env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(f"python {sys.version.split()[0]}, {args.rounds} rounds, interleaved")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"vendor plugins installed: {', '.join(vendors) or 'none'}")
    if args.compare:
        print(f"assess@compare: PYTHONPATH={Path(args.compare).resolve()}")
    for title, times in (("wall clock", walls), ("CPU time (user + system)", cpus)):
        print(f"\n{title}")
        _report(times)
    return 0  # a figure, not a verdict: nox -s bench runs every script to the end


def _report(times: dict[str, list[float]]) -> None:
    """Each command's median (min, max), then its ratio to the floor of the same rounds."""
    width = max(len(name) for name in times)
    for name, values in times.items():
        print(
            f"{name:<{width}} median {statistics.median(values) * 1000:7.1f} ms "
            f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
        )
    for name in times:
        if name == "floor":
            continue
        ratios = [t / floor for t, floor in zip(times[name], times["floor"], strict=True)]
        median = statistics.median(ratios)
        target = TARGETS.get(name)
        verdict = (
            "no target"
            if target is None
            else f"target ≤ {target:g}×: {'meets' if median <= target else 'MISSES'}"
        )
        print(
            f"{name:<{width}} ÷ floor: median {median:.2f}× (min {min(ratios):.2f}, "
            f"max {max(ratios):.2f}); {verdict}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
