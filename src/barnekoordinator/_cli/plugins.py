"""``barnekoordinator plugins``: list the loaded plugins and the hooks each implements.

Plugins come from the ``barnekoordinator`` entry-point group plus the
first-party plugins. ``--block NAME`` (or ``$BARNEKOORDINATOR_BLOCK_PLUGINS``) shows the
list as it would be with a plugin blocked. An installed plugin that cannot be loaded (its
import fails, a hook is malformed or unknown) is listed as broken with the reason, and the
others are still listed. Exit status 0, or 3 when a plugin is broken.
"""

from __future__ import annotations

import argparse
import json

from barnekoordinator._cli import add_json_option, add_lang_option, printable
from barnekoordinator.plugins import describe_plugins, get_plugin_manager
from barnekoordinator.texts import text as cli_text

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``plugins`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "plugins",
        help="list loaded plugins and the hooks each implements",
        description="List the plugins barnekoordinator loads and the hooks each implements.",
    )
    add_json_option(
        parser,
        'an array of {"name", "module", "distribution", "hooks"}, and {"name", "broken"} for '
        "each plugin that could not be loaded",
    )
    add_lang_option(parser)
    parser.add_argument(
        "--block",
        action="append",
        default=[],
        metavar="NAME",
        help="leave out the plugin with this entry-point name (repeatable; also "
        "$BARNEKOORDINATOR_BLOCK_PLUGINS, comma-separated)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the plugins (and the broken ones); return 0, or 3 when a plugin is broken."""
    pm = get_plugin_manager(block=args.block, tolerate_broken=True)
    infos = describe_plugins(pm)
    status = 3 if pm.broken else 0
    if args.json:
        listed: list[dict[str, object]] = [
            {
                "name": info.name,
                "module": info.module,
                "distribution": info.distribution,
                "hooks": list(info.hooks),
            }
            for info in infos
        ]
        listed += [{"name": name, "broken": why} for name, why in sorted(pm.broken.items())]
        print(json.dumps(listed, indent=2))
        return status
    lang = args.lang
    for name, why in sorted(pm.broken.items()):
        print(cli_text("cli.plugins.broken").format(lang, name=name, why=printable(why)))
    for info in infos:
        source = info.distribution or cli_text("cli.plugins.no-distribution").get(lang)
        print(printable(f"{info.name}: {info.module} ({source})"))
        for hook in info.hooks:
            print(f"    {hook}")
        if not info.hooks:
            print("    " + cli_text("cli.plugins.no-hooks").get(lang))
    return status
