"""Adapters beside the use cases: how values are stored in events, the read-model pool for worker threads."""
