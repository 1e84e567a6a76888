"""Ports: the HTTP API and the integration-event consumer."""
