"""`python -m gateway`: read the settings, build the gateway, serve it until stopped."""

from __future__ import annotations

import logging
import sys

import uvicorn
from pydantic import ValidationError

from .bootstrap import ConfigurationError, build
from .config import GatewaySettings
from .tenants import TenantConfigError


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = GatewaySettings.model_validate({})
        api = build(settings)
    except (ValidationError, ConfigurationError, TenantConfigError) as exc:
        sys.exit(f"gateway: cannot start: {exc}")
    uvicorn.run(api, host=settings.host, port=settings.port, log_level="info", timeout_graceful_shutdown=5)


if __name__ == "__main__":
    main()
