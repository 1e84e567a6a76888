"""Accounts, sessions and login throttling as plain rules; no framework or driver imports here."""
