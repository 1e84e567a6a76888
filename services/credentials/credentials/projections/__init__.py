"""Read models of the credentials service."""
