"""Kafka topics, their partition counts and which events they carry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    description: str
    public: bool = False
    replaced_by: str | None = None
    """The topic that supersedes this one: consumers move there, and the migration (docs/erasure.md, slice 9)
    deletes this one."""


# The sealed v2 topics come first so that the v1 topics they replace can name them.
APPLICATIONS_V2 = Topic(
    "endorsement.applications.v2",
    6,
    "Application lifecycle events from the applications service, every personal field sealed (`pd1.` tokens).",
)
REVIEWS_V2 = Topic(
    "endorsement.reviews.v2",
    6,
    "Review decisions from the reviews service, every personal field sealed (`pd1.` tokens).",
)
ACCOUNTS_V2 = Topic(
    "endorsement.accounts.v2",
    3,
    "Account events from the gateway (sign-up, profile and language, email confirmation, password reset links), "
    "every personal field and link sealed (`pd1.` tokens).",
)
APPLICATIONS = Topic("endorsement.applications.v1", 6, "Application lifecycle events from the applications service.",
                     replaced_by=APPLICATIONS_V2.name)
REVIEWS = Topic("endorsement.reviews.v1", 6, "Review decisions from the reviews service.",
                replaced_by=REVIEWS_V2.name)
CREDENTIALS = Topic(
    "endorsement.credentials.v1",
    6,
    "Partner topic: signed credentials and their status changes, for partner associations.",
    public=True,
)
ACCOUNTS = Topic(
    "endorsement.accounts.v1",
    3,
    "Account events from the gateway (sign-up, profile and language, email confirmation, password reset links).",
    replaced_by=ACCOUNTS_V2.name,
)
ERASURES = Topic(
    "endorsement.erasures.v1",
    3,
    "Internal erasure ledger: the gateway's `PersonErased` requests and each service's `ErasureCompleted` answer. "
    "Holds ids only (no personal data), so it is kept for ever and replayed after a database restore.",
)
DEAD_LETTER = Topic(
    "endorsement.deadletter.v1",
    1,
    "Messages a consumer could not accept, with the reason in `dlq_*` headers.",
)

ALL_TOPICS: tuple[Topic, ...] = (
    APPLICATIONS, REVIEWS, CREDENTIALS, ACCOUNTS, ERASURES, DEAD_LETTER, APPLICATIONS_V2, REVIEWS_V2, ACCOUNTS_V2)


def partition_counts() -> dict[str, int]:
    return {t.name: t.partitions for t in ALL_TOPICS}
