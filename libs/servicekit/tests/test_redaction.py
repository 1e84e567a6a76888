"""No secret in any log line: paths and query strings of emailed links, as uvicorn, httpx and handlers log them."""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from servicekit.edge import install_edge_guards
from servicekit.redaction import install_log_redaction, redact
from uvicorn.logging import AccessFormatter

TOKEN = "0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210.1760000000.c2VjcmV0LXNpZ25hdHVyZQ"
SECRET_TARGETS = [
    f"/references/{TOKEN}", f"/references/{TOKEN}/draft", f"/references/{TOKEN}/decline", f"/rate/{TOKEN}",
    f"/account/verify/{TOKEN}", f"/account/password/reset/{TOKEN}",
    *(f"/auth/callback?state=1&{name}={TOKEN}" for name in
      ("token", "code", "key", "secret", "signature", "password", "access_token", "Token")),
]


@pytest.mark.parametrize("target", SECRET_TARGETS)
def test_every_secret_target_is_redacted_in_any_text(target: str) -> None:
    for text in (target, f'127.0.0.1:5 - "GET {target} HTTP/1.1" 200', f"http://applications:8001{target}",
                 f"unexpected error on POST {target}", f"instance={target}"):
        assert TOKEN not in redact(text), text


def test_what_is_no_secret_stays_readable() -> None:
    assert redact("/references/[redacted]/draft") == "/references/[redacted]/draft"
    assert redact("/applications/42/references") == "/applications/42/references"
    assert redact(f"/references/{TOKEN}/draft?lang=es") == "/references/[redacted]/draft?lang=es"
    assert redact("/applications/holdings?category=IFS&limit=5") == "/applications/holdings?category=IFS&limit=5"


def test_records_of_any_logger_lose_their_secrets(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("anything.at.all")
    log.info("GET %s", httpx.URL(f"http://gateway/references/{TOKEN}"))
    log.warning(f"forwarding /rate/{TOKEN} failed")
    log.info("%(path)s", {"path": f"/account/verify/{TOKEN}"})
    try:
        raise RuntimeError(f"upstream said no to /references/{TOKEN}?password=hunter2")
    except RuntimeError:
        log.exception("unexpected error")
    text = caplog.text + "".join(logging.Formatter().format(r) for r in caplog.records)
    assert TOKEN not in text and "hunter2" not in text
    assert "[redacted]" in text
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _uvicorn(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn as `servicekit.runtime.serve` configures it (default logging, access log on)."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_uvicorn_access_log_lines_hold_no_token() -> None:
    """A real uvicorn serving an app with the edge guards: its access log, in uvicorn's own format."""
    app = FastAPI()
    install_edge_guards(app)

    @app.api_route("/references/{token}", methods=["GET", "POST"])
    def reference(token: str) -> dict[str, str]:
        logging.getLogger("some.route").info("answered reference %s", token)  # even a careless route
        return {"ok": "yes"}

    @app.get("/rate/{token}")
    def rate(token: str) -> dict[str, str]:
        raise RuntimeError(f"boom on /rate/{token}")

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
    with _uvicorn(app) as url:
        access = logging.getLogger("uvicorn.access")
        access.addHandler(handler)
        try:
            with httpx.Client(base_url=url) as client:
                assert client.get(f"/references/{TOKEN}?token={TOKEN}").status_code == 200
                assert client.post(f"/references/{TOKEN}").status_code == 200
                with contextlib.suppress(httpx.HTTPError):
                    client.get(f"/rate/{TOKEN}")
        finally:
            access.removeHandler(handler)
    lines = out.getvalue()
    assert "/references/[redacted]" in lines and "token=[redacted]" in lines
    assert TOKEN not in lines
