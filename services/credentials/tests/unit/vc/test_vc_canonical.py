"""Offline contexts, undefined-term detection and hostile-input limits of canonicalization."""

import copy
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest
from credentials.vc.bounds import MAX_DOCUMENT_BYTES, MAX_NESTING_DEPTH, parse_json_document
from credentials.vc.canonical import canonicalize
from credentials.vc.contexts import BUNDLED_CONTEXTS, OB_V3P0_CONTEXT, VC_V2_CONTEXT, load_bundled_context
from credentials.vc.deadline import DeadlineExceededError, run_with_deadline
from credentials.vc.errors import (
    CanonicalizationTimeoutError,
    MalformedDocumentError,
    UndefinedTermError,
    UnknownContextError,
)
from credentials.vc.loader import DEFAULT_LOADER


@pytest.fixture
def badge(vector_json: Callable[[str], Any]) -> dict[str, Any]:
    document: dict[str, Any] = vector_json("ob3/credential.json")
    return document


def test_every_bundled_context_is_package_data() -> None:
    for url in BUNDLED_CONTEXTS:
        assert "@context" in load_bundled_context(url)
    assert DEFAULT_LOADER.urls == frozenset(BUNDLED_CONTEXTS)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/evil-context.jsonld",
        "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",  # OB only under its 3.0.3 URL
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "http://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/v2/",
        "https://w3id.org/citizenship/v4rc1",
    ],
)
def test_other_contexts_are_refused_without_touching_the_network(
    url: str, badge: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(UnknownContextError) as raised:
        DEFAULT_LOADER(url)
    assert raised.value.url == url
    badge["@context"] = [VC_V2_CONTEXT, url]
    with pytest.raises(UnknownContextError, match="not bundled"):
        canonicalize(badge)


def test_inline_contexts_are_refused(badge: dict[str, Any]) -> None:
    badge["@context"] = [VC_V2_CONTEXT, OB_V3P0_CONTEXT, {"foo": "https://example.org/foo"}]
    with pytest.raises(MalformedDocumentError, match="context URL"):
        canonicalize(badge)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(foo="bar"), "foo"),
        (lambda d: d["credentialSubject"]["achievement"].update(rating=5), "credentialSubject.achievement.rating"),
        (lambda d: d.update(expirationDate="2030-01-01T00:00:00Z"), "expirationDate"),  # a VC 1.1 term
        (lambda d: d["issuer"].update({"@foo": "x"}), "issuer.@foo"),
        (lambda d: d["credentialSubject"]["type"].append("Employee"), "credentialSubject.type[1]"),
        (lambda d: d["credentialSubject"].update(id="subject-42"), "credentialSubject.id"),
    ],
)
def test_undefined_terms_are_refused_with_their_path(
    change: Callable[[dict[str, Any]], None], path: str, badge: dict[str, Any]
) -> None:
    change(badge)
    with pytest.raises(UndefinedTermError) as raised:
        canonicalize(badge)
    assert any(found.startswith(path) for found in raised.value.paths), raised.value.paths


def test_defined_terms_everywhere_pass(badge: dict[str, Any]) -> None:
    badge["credentialSubject"]["name"] = "Ana"  # schema:name, defined by the OB context at every level
    badge["credentialSubject"]["achievement"]["achievementType"] = "Certification"
    assert '<https://schema.org/name> "Ana"' in canonicalize(badge)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["issuer"].update(name=None),
        lambda d: d.update(name=float("nan")),
        lambda d: d.update(name=b"bytes"),
    ],
)
def test_values_json_ld_would_alter_are_refused(
    change: Callable[[dict[str, Any]], None], badge: dict[str, Any]
) -> None:
    change(badge)
    with pytest.raises(MalformedDocumentError):
        canonicalize(badge)


def _nested(depth: int) -> dict[str, Any]:
    document: dict[str, Any] = {"@context": [VC_V2_CONTEXT]}
    node = document
    for level in range(depth - 1):  # named nodes: the chain is about depth, not about blank nodes
        node["description"] = {"id": f"urn:example:level:{level}"}
        node = node["description"]
    return document


def test_nesting_at_the_limit_is_accepted_and_beyond_it_refused() -> None:
    statements = canonicalize(_nested(MAX_NESTING_DEPTH)).splitlines()
    assert len(statements) == MAX_NESTING_DEPTH - 1  # a chain of nodes linked by schema:description
    with pytest.raises(MalformedDocumentError, match="nesting deeper"):
        canonicalize(_nested(MAX_NESTING_DEPTH + 1))


def test_pathological_depth_is_refused_quickly() -> None:
    deep = _nested(200_000)
    started = time.monotonic()
    with pytest.raises(MalformedDocumentError, match="nesting deeper"):
        canonicalize(deep)
    with pytest.raises(MalformedDocumentError):
        parse_json_document("[" * 100_000 + "]" * 100_000)
    assert time.monotonic() - started < 1.0


def test_huge_documents_are_refused_quickly(badge: dict[str, Any]) -> None:
    badge["description"] = "x" * MAX_DOCUMENT_BYTES
    many = {"@context": [VC_V2_CONTEXT], "description": ["y"] * 5_000_000}
    started = time.monotonic()
    with pytest.raises(MalformedDocumentError, match="limit"):
        canonicalize(badge)
    with pytest.raises(MalformedDocumentError, match="limit"):
        canonicalize(many)
    with pytest.raises(MalformedDocumentError, match="limit"):
        parse_json_document(b" " * (MAX_DOCUMENT_BYTES + 1))
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "raw",
    ['{"a": 1, "a": 2}', '{"a": NaN}', "[1, 2]", "{", '{"a": 1' + "0" * 5000 + "}", b"\xff\xfe"],
)
def test_invalid_json_is_refused(raw: str | bytes) -> None:
    with pytest.raises(MalformedDocumentError):
        parse_json_document(raw)


def test_a_slow_canonicalization_is_interrupted_and_leaves_nothing_behind(badge: dict[str, Any]) -> None:
    subjects = [copy.deepcopy(badge["credentialSubject"]) for _ in range(600)]
    for index, subject in enumerate(subjects):
        subject["id"] = f"urn:example:subject:{index}"
        subject["achievement"]["id"] = f"urn:example:achievement:{index}"  # 600 subjects: slow, not alike
    slow = {**badge, "credentialSubject": subjects}
    # interrupted, not run to the end (no timed assertion: CI is loaded)
    with pytest.raises(CanonicalizationTimeoutError):
        canonicalize(slow, time_budget=0.05)
    time.sleep(0.1)  # a stray interrupt would surface here
    assert canonicalize(badge).startswith("<did:example:")


def test_deadline_returns_results_and_propagates_errors() -> None:
    assert run_with_deadline(lambda: 42, 1.0) == 42
    with pytest.raises(ZeroDivisionError):
        run_with_deadline(lambda: 1 // 0, 1.0)

    def spin() -> int:
        while True:
            pass

    with pytest.raises(DeadlineExceededError):
        run_with_deadline(spin, 0.02)


def test_concurrent_canonicalizations_agree(badge: dict[str, Any], vector_text: Callable[[str], str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: canonicalize(badge), range(64)))
    assert set(results) == {vector_text("ob3/document-canon.txt")}


def test_the_deadline_counts_cpu_time_so_a_computation_kept_waiting_is_not_refused() -> None:
    """A thread that waits (here: sleeps, as it would for the GIL on a loaded machine) spends no CPU time, so a
    budget of 0.05 s does not end a computation that takes 0.3 s on the wall but almost no CPU."""
    import time

    def mostly_waiting() -> str:
        time.sleep(0.3)
        return "done"

    assert run_with_deadline(mostly_waiting, 0.05) == "done"


def test_the_wall_clock_backstop_ends_a_computation_that_never_spends_its_budget() -> None:
    import time

    from credentials.vc.deadline import WALL_CLOCK_FACTOR

    def waiting_in_python() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.01)  # bytecode boundaries between sleeps: the interrupt can land

    with pytest.raises(DeadlineExceededError):
        run_with_deadline(waiting_in_python, 0.2 / WALL_CLOCK_FACTOR * 5)
