"""``python -m barnekoordinator`` runs the command line."""

from barnekoordinator.cli import main

raise SystemExit(main())
