"""`python -m portal`: read the settings, build the portal, serve it until stopped."""

from __future__ import annotations

import sys

import uvicorn
from pydantic import ValidationError

from .bootstrap import build
from .config import PortalSettings
from .logs import configure_logging


def main() -> None:
    configure_logging()  # JSON lines (LOG_FORMAT=text for people)
    try:
        settings = PortalSettings.model_validate({})
    except ValidationError as exc:
        sys.exit(f"portal: cannot start: {exc}")
    app = build(settings)
    # uvicorn's access log would print paths such as /rate/{token}: the portal logs requests itself, redacted.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", access_log=False, log_config=None,
                proxy_headers=False, timeout_graceful_shutdown=5)


if __name__ == "__main__":
    main()
