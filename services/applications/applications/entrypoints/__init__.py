"""Ports into the applications service."""
