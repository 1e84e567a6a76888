"""`python -m gateway`: read the settings, build the gateway, serve it until stopped."""

from __future__ import annotations

import logging
import sys

import uvicorn
from pydantic import ValidationError
from servicekit.logs import configure_logging
from servicekit.telemetry import configure_tracing

from .bootstrap import ConfigurationError, build
from .config import GatewaySettings
from .forwarding.targets import redacted
from .tenants import TenantConfigError


class RedactSecretPaths(logging.Filter):
    """Access log lines show emailed links' secrets as `[redacted]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redacted(a) if isinstance(a, str) else a for a in record.args)
        return True


def main() -> None:
    configure_logging("gateway")  # JSON lines with trace and correlation ids (LOG_FORMAT=text for people)
    configure_tracing("gateway")
    logging.getLogger("uvicorn.access").addFilter(RedactSecretPaths())
    try:
        settings = GatewaySettings.model_validate({})
        api = build(settings)
    except (ValidationError, ConfigurationError, TenantConfigError) as exc:
        sys.exit(f"gateway: cannot start: {exc}")
    # log_config=None: uvicorn's loggers (the access log too) reach the JSON handler configure_logging installed
    uvicorn.run(api, host=settings.host, port=settings.port, log_level="info", log_config=None,
                timeout_graceful_shutdown=5,
                proxy_headers=False)  # forwarded headers: only from TRUSTED_PROXIES (ClientAddressMiddleware)


if __name__ == "__main__":
    main()
