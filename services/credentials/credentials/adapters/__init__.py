"""Adapters between the application and the outside: keys, signing."""
