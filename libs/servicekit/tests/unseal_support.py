"""What the unseal tests share: a producer's API on real keys, served by a real uvicorn on a port of our choosing."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from servicekit.problems import install_problem_handlers
from servicekit.service_identity import ServiceTokenVerifier
from servicekit.shredding import SubjectKeys
from servicekit.unseal import unseal_router


def producer_api(keys: SubjectKeys, *, service: str, callers: dict[str, Ed25519PrivateKey]) -> FastAPI:
    """`service`'s `/internal/unseal` for `callers` (name -> their identity key), with the problem handlers."""
    api = FastAPI()
    install_problem_handlers(api)
    verifier = ServiceTokenVerifier(service, {name: key.public_key() for name, key in callers.items()})
    api.include_router(unseal_router(keys, verifier))
    return api


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(app: FastAPI, port: int | None = None) -> Iterator[str]:
    """`app` on a real uvicorn (in a thread) until the block ends; its base URL."""
    port = port or free_port()
    # log_config=None: uvicorn's own config would stop its access log propagating for the rest of this process
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           log_config=None))
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
