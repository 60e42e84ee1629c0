"""``barnekoordinator plugins``: list the loaded plugins and the hooks each implements.

Plugins come from the ``barnekoordinator`` entry-point group plus the
first-party plugins. ``--block NAME`` shows the list as it would be with a
plugin blocked. Exit status 0.
"""

from __future__ import annotations

import argparse
import json

from barnekoordinator.plugins import describe_plugins, get_plugin_manager

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``plugins`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "plugins",
        help="list loaded plugins and the hooks each implements",
        description="List the plugins barnekoordinator loads and the hooks each implements.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--block",
        action="append",
        default=[],
        metavar="NAME",
        help="leave out the plugin with this entry-point name (repeatable)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the plugins; return 0."""
    infos = describe_plugins(get_plugin_manager(block=args.block))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": info.name,
                        "module": info.module,
                        "distribution": info.distribution,
                        "hooks": list(info.hooks),
                    }
                    for info in infos
                ],
                indent=2,
            )
        )
        return 0
    for info in infos:
        source = info.distribution or "not installed as a distribution"
        print(f"{info.name}: {info.module} ({source})")
        for hook in info.hooks:
            print(f"    {hook}")
        if not info.hooks:
            print("    (no hooks)")
    return 0
