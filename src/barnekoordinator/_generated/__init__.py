"""Methods written ahead of time by ``python -m barnekoordinator._classgen`` (decision 36)."""
