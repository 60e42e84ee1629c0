"""First-party plugins of barnekoordinator; each module is one plugin."""
