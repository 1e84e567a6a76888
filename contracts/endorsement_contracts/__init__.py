"""Public integration contracts of the endorsement platform."""

from .base import IntegrationEvent
from .cloudevents import Envelope, KafkaRecord, UndeliverableMessage, decode, encode
from .events import ALL_EVENTS, EVENTS_BY_TYPE, ApplicationSubmitted, CredentialIssued, EndorsementGranted, Person
from .topics import ACCOUNTS, ALL_TOPICS, APPLICATIONS, CREDENTIALS, DEAD_LETTER, REVIEWS, Topic, partition_counts

__all__ = [
    "ACCOUNTS",
    "ALL_EVENTS",
    "ALL_TOPICS",
    "APPLICATIONS",
    "CREDENTIALS",
    "DEAD_LETTER",
    "EVENTS_BY_TYPE",
    "REVIEWS",
    "ApplicationSubmitted",
    "CredentialIssued",
    "EndorsementGranted",
    "Envelope",
    "IntegrationEvent",
    "KafkaRecord",
    "Person",
    "Topic",
    "UndeliverableMessage",
    "decode",
    "encode",
    "partition_counts",
]
