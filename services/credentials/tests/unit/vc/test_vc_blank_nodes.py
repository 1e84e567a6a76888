"""Pathological blank-node structures are refused before RDFC-1.0 hashing, and the hashing's work is bounded."""

import copy
from collections.abc import Callable
from typing import Any

import pytest
from credentials.vc import blank_nodes
from credentials.vc.canonical import canonicalize
from credentials.vc.errors import BlankNodeLimitError, MalformedDocumentError


def blank_node_cycle(credential: dict[str, Any], nodes: int = 6) -> dict[str, Any]:
    """The probe's attack: `nodes` alike blank nodes, each `related` to every other one (about 5 KB)."""
    attack = copy.deepcopy(credential)
    attack["credentialSubject"]["achievement"]["related"] = [
        {"id": f"_:b{i}", "type": ["Achievement"],
         "related": [{"id": f"_:b{j}"} for j in range(nodes) if j != i]}
        for i in range(nodes)
    ]
    return attack


@pytest.fixture
def badge(vector_json: Callable[[str], Any]) -> dict[str, Any]:
    document: dict[str, Any] = vector_json("ob3/credential.json")
    document.pop("proof", None)
    return document


def test_six_blank_nodes_referencing_each_other_are_refused_before_hashing(badge: dict[str, Any]) -> None:
    with pytest.raises(BlankNodeLimitError, match="links between blank nodes"):
        canonicalize(blank_node_cycle(badge))
    assert canonicalize(badge).startswith("<did:example:")  # the legitimate credential still canonicalizes


def test_the_hashing_work_is_bounded_when_the_shape_passes_the_counts(
    badge: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blank_nodes, "MAX_BLANK_NODE_EDGES", 1_000)
    with pytest.raises(BlankNodeLimitError, match="hashing steps"):
        canonicalize(blank_node_cycle(badge))
    canonicalize(blank_node_cycle(badge, nodes=3))  # a few alike nodes are cheap and accepted


def test_too_many_blank_nodes_are_refused(badge: dict[str, Any]) -> None:
    many = copy.deepcopy(badge)
    many["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": f"domain {index}", "targetUrl": "https://example.org/framework"}
        for index in range(blank_nodes.MAX_BLANK_NODES + 1)
    ]
    with pytest.raises(BlankNodeLimitError, match="blank nodes"):
        canonicalize(many)
    assert issubclass(BlankNodeLimitError, MalformedDocumentError)  # reported as MALFORMED by the verifier
