"""Subcommands of the ``barnekoordinator`` command, one module each."""
