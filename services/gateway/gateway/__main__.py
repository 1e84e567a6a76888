"""`python -m gateway`: read the settings, build the gateway, serve it until stopped."""

from __future__ import annotations

import logging
import sys

import uvicorn
from pydantic import ValidationError

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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("uvicorn.access").addFilter(RedactSecretPaths())
    try:
        settings = GatewaySettings.model_validate({})
        api = build(settings)
    except (ValidationError, ConfigurationError, TenantConfigError) as exc:
        sys.exit(f"gateway: cannot start: {exc}")
    uvicorn.run(api, host=settings.host, port=settings.port, log_level="info", timeout_graceful_shutdown=5,
                proxy_headers=False)  # forwarded headers: only from TRUSTED_PROXIES (ClientAddressMiddleware)


if __name__ == "__main__":
    main()
