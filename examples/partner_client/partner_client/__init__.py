"""A partner association's client for the endorsement platform's credentials topic (example)."""
