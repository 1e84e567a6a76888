"""HTTP: the gateway's own routes, the forwarded prefixes, middleware and error mapping."""
