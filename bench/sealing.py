"""What sealing and opening a personal value costs (servicekit.shredding), beside in-memory baselines.

Run: `.venv/bin/python bench/sealing.py [--values 2000]`

It starts PostgreSQL (devstack, test mode) and seals one person's `{"name", "email"}` JSON `--values` times, then
opens every token. `SubjectKeys` reads (and unwraps) the subject's key row on every call, by design: a destroyed
key must stop working at once on every replica (docs/erasure.md, "Not cached"). The baselines, from the same run:
AES-256-GCM with the data key held in memory, and a plain `json` encode/decode of the same value. It also times the
eventsourcing transcoding (`sealed_transcoding`) of a `Person(subject, name, email)`, encode then decode.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from devstack.engines import start_engines
from devstack.postgres import fresh_database
from servicekit.sealed_transcoding import sealed_transcoding
from servicekit.shredding import SubjectKeys

VALUE = json.dumps({"name": "Zelda Quixmarker", "email": "zq-bench@example.org"})


@dataclass(frozen=True)
class Person:
    subject: str
    name: str | None
    email: str | None


def per_second(count: int, step: Callable[[int], object]) -> float:
    started = time.perf_counter()
    for index in range(count):
        step(index)
    return count / (time.perf_counter() - started)


def row(name: str, rate: float) -> str:
    return f"{name:<52} {rate:>10,.0f} /s   {1e6 / rate:8.1f} µs each"


def measure(keys: SubjectKeys, count: int) -> None:
    subject = f"account:{uuid.uuid4()}"
    keys.seal(subject, "warm-up: the key is made on first use")
    tokens: list[str] = []
    aes, nonce = AESGCM(os.urandom(32)), os.urandom(12)
    ciphertext = aes.encrypt(nonce, VALUE.encode(), b"aad")
    transcoding = sealed_transcoding(Person, name="person_v1", personal=("name", "email"), keys=keys)
    person = Person(subject, "Zelda Quixmarker", "zq-bench@example.org")
    print(f"{count} values of {len(VALUE)} bytes, one subject, same run (PostgreSQL on this machine):")
    print(row("seal (SubjectKeys: key row read + unwrap + AES-GCM)", per_second(
        count, lambda _: tokens.append(keys.seal(subject, VALUE)))))
    print(row("open (SubjectKeys: key row read + unwrap + AES-GCM)", per_second(
        count, lambda index: keys.open(tokens[index]))))
    print(row("person_v1 transcoding encode + decode", per_second(
        count, lambda _: transcoding.decode(transcoding.encode(person)))))
    print(row("baseline: AES-GCM encrypt, key cached in memory", per_second(
        count, lambda _: aes.encrypt(os.urandom(12), VALUE.encode(), b"aad"))))
    print(row("baseline: AES-GCM decrypt, key cached in memory", per_second(
        count, lambda _: aes.decrypt(nonce, ciphertext, b"aad"))))
    print(row("baseline: json encode + decode of the same value", per_second(
        count, lambda _: json.loads(json.dumps(json.loads(VALUE))))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir, start_engines(Path(data_dir), "test") as engines, \
            fresh_database(engines.database_url, "bench") as database_url:
        keys = SubjectKeys(database_url, "bench", os.urandom(32))
        try:
            keys.setup()
            measure(keys, args.values)
        finally:
            keys.close()


if __name__ == "__main__":
    main()
