"""Forwarding public paths to the services, with an identity token the gateway signs."""
