"""Kafka topics, their partition counts and which events they carry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    description: str
    public: bool = False


APPLICATIONS = Topic("endorsement.applications.v1", 6, "Application lifecycle events from the applications service.")
REVIEWS = Topic("endorsement.reviews.v1", 6, "Review decisions from the reviews service.")
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
)
DEAD_LETTER = Topic(
    "endorsement.deadletter.v1",
    1,
    "Messages a consumer could not accept, with the reason in `dlq_*` headers.",
)

ALL_TOPICS: tuple[Topic, ...] = (APPLICATIONS, REVIEWS, CREDENTIALS, ACCOUNTS, DEAD_LETTER)


def partition_counts() -> dict[str, int]:
    return {t.name: t.partitions for t in ALL_TOPICS}
