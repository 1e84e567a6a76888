"""Documents: what an upload may be (`media`, `packages` for DOCX, `refusals`), where the bytes live (`store` and its
adapters), the use cases."""
