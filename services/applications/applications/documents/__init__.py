"""Documents: what an upload may be (`media`), where the bytes live (`store` and its adapters), the use cases."""
