"""drkit assess and drkit runbook: apps, their recovery estimates, and renderings."""
