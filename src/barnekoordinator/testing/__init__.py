"""Test kit for barnekoordinator: Hypothesis strategies and pytest helpers (testing extra)."""
