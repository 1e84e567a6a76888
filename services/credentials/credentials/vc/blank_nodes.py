"""Bounds on blank nodes, checked on the RDF dataset before RDFC-1.0 hashing, and on the hashing's own work.

RDFC-1.0 labels a blank node cheaply when its first-degree hash is unique. Blank nodes that look alike
and reference each other send it into the N-degree hash step, which tries every permutation of related
nodes, recursively: six such nodes (5.3 KB) cost about a second of CPU. Legitimate credentials have few
blank nodes and almost no blank-node-to-blank-node edges (an issued Open Badge: 11 nodes, 1 edge; the
W3C and 1EdTech vectors at most 3 nodes, 0 edges) and never need the N-degree step, so the limits below
refuse the pathological shapes in microseconds while leaving ample room for real documents.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

from credentials.vc.errors import BlankNodeLimitError

MAX_BLANK_NODES = 100
"""Most distinct blank nodes in one document's RDF dataset (an issued credential has 11)."""

MAX_BLANK_NODE_EDGES = 16
"""Most triples whose subject and object are both blank nodes (an issued credential has 1)."""

MAX_N_DEGREE_WORK = 1000
"""Most N-degree steps (one per Hash N-Degree Quads call and per permutation it tries) in one
canonicalization; the documents above need 0, and 1000 steps take a few milliseconds."""

Dataset = Mapping[str, Sequence[Mapping[str, Any]]]
"""pyld's RDF dataset: graph name -> triples of {type, value} components."""


def check_blank_nodes(dataset: Dataset) -> None:
    """Raise BlankNodeLimitError when the dataset has too many blank nodes or blank-node edges."""
    blank_nodes: set[str] = set()
    edges = 0
    for graph_name, triples in dataset.items():
        if graph_name.startswith("_:"):
            blank_nodes.add(graph_name)
        for triple in triples:
            subject, target = triple["subject"], triple["object"]
            subject_blank, target_blank = _is_blank(subject), _is_blank(target)
            if subject_blank:
                blank_nodes.add(subject["value"])
            if target_blank:
                blank_nodes.add(target["value"])
            edges += subject_blank and target_blank
        if len(blank_nodes) > MAX_BLANK_NODES:
            raise BlankNodeLimitError(f"more than {MAX_BLANK_NODES} blank nodes")
        if edges > MAX_BLANK_NODE_EDGES:
            raise BlankNodeLimitError(f"more than {MAX_BLANK_NODE_EDGES} links between blank nodes")


class NDegreeBudget:
    """Counts the N-degree hashing work of one canonicalization and stops it beyond `limit` steps."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit if limit is not None else MAX_N_DEGREE_WORK
        self.spent = 0

    def spend(self, related_groups: Sequence[Sequence[str]]) -> None:
        """One Hash N-Degree Quads call that will try every permutation of each group of related nodes."""
        self.spent += 1
        for group in related_groups:
            self.spent += math.factorial(len(group)) if len(group) <= 20 else self.limit + 1
            if self.spent > self.limit:
                break
        if self.spent > self.limit:
            raise BlankNodeLimitError(
                f"blank nodes too alike to label within {self.limit} hashing steps (RDFC-1.0 N-degree hashing)"
            )


def _is_blank(component: Mapping[str, Any]) -> bool:
    return bool(component.get("type") == "blank node")
