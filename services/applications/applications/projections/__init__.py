"""Read models of the applications service."""
