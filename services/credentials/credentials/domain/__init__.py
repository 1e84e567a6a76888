"""Credentials as the platform issues them: aggregates, value objects and rules, free of frameworks."""
