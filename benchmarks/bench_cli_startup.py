"""Start-up of the command line: whole processes, side by side in one run.

Targets (issue 17, item 4): ``barnekoordinator assess FILE`` of one facts file ≤ 6 × the
floor ``python -c pass``; ``barnekoordinator --help`` ≤ 4 ×.

The three commands run in turn (floor, --help, assess, floor, --help, assess …), each a new
process timed from ``fork`` to exit (wall clock), so the machine's drift touches them alike.
Each run's ratio is a command's time ÷ the floor of the same round; the medians are printed
with min and max. The commands run as ``python -m barnekoordinator`` with the interpreter
running this script (the installed console script adds its own wrapper's start-up).

Installed third-party plugins are part of what ``--help`` costs (it lists their commands);
``--block-vendors`` sets ``BARNEKOORDINATOR_BLOCK_PLUGINS`` to every vendor entry point so the
figure shows the library alone.

Run: ``python benchmarks/bench_cli_startup.py [--rounds 30] [--block-vendors]``
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "examples" / "facts" / "bk-01-baseline-eligible.json"
TARGETS = {"--help": 4.0, "assess": 6.0}


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - started


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
    parser.add_argument("--block-vendors", action="store_true")
    args = parser.parse_args()
    env = dict(os.environ)
    vendors = _vendors()
    if args.block_vendors and vendors:
        env["BARNEKOORDINATOR_BLOCK_PLUGINS"] = ",".join(vendors)
    python = sys.executable
    commands = {
        "floor": [python, "-c", "pass"],
        "--help": [python, "-m", "barnekoordinator", "--help"],
        "assess": [python, "-m", "barnekoordinator", "assess", str(FACTS)],
    }
    for argv in commands.values():  # warm the file cache and the bytecode
        _time(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    ratios: dict[str, list[float]] = {name: [] for name in TARGETS}
    for _ in range(args.rounds):
        round_times = {name: _time(argv, env) for name, argv in commands.items()}
        for name, seconds in round_times.items():
            times[name].append(seconds)
        for name in TARGETS:
            ratios[name].append(round_times[name] / round_times["floor"])
    print(f"python {sys.version.split()[0]}, {args.rounds} rounds, interleaved")
    blocked = env.get("BARNEKOORDINATOR_BLOCK_PLUGINS", "")
    print(f"vendor plugins installed: {', '.join(vendors) or 'none'}; blocked: {blocked or 'none'}")
    for name, values in times.items():
        print(
            f"{name:<8} median {statistics.median(values) * 1000:7.1f} ms "
            f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
        )
    for name, target in TARGETS.items():
        values = ratios[name]
        median = statistics.median(values)
        verdict = "meets" if median <= target else "MISSES"
        print(
            f"{name:<8} ÷ floor: median {median:.2f}× (min {min(values):.2f}, "
            f"max {max(values):.2f}); target ≤ {target:g}×: {verdict}"
        )
    return 0  # a figure, not a verdict: nox -s bench runs every script to the end


if __name__ == "__main__":
    raise SystemExit(main())
