"""The broker epoch: which incarnation of the broker's data we are talking to.

A broker that loses its data (tansu on memory storage restarting, a wiped volume, a topic deleted and made
again) comes back with empty topics whose offsets start again at 0. Nothing in a fetch says so: tansu answers a
fetch past the log end with nothing rather than OFFSET_OUT_OF_RANGE, and a high watermark below our positions is
no proof either (republished records soon push it past them). Every topic, though, gets a new topic id when it is
made again (Kafka ≥ 2.8 and tansu both report ids in metadata). So the epoch is a digest of the ids of every
contract topic: it changes exactly when some topic we rely on was made anew, and it is the same for every process
that reads it. Positions in the broker's logs (relay and consumer tracking records) are scoped to it.

Reading it makes any missing contract topic first, with its partition count, so nothing is auto-created with the
broker's default count when the data is gone (tansu auto-creates a topic any client asks about, with 4 partitions,
and aiokafka always asks: a client may still win that race; the count is then logged as an error). A broker older
than Kafka 2.8 reports no topic ids: its epoch never changes, and a loss of its data goes unnoticed as before.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping

from endorsement_contracts import partition_counts
from kafka.admin import KafkaAdminClient

from .topics import ensure_topics

log = logging.getLogger(__name__)

NO_ERROR = 0
EPOCH_DIGITS = 15


class BrokerUnavailable(RuntimeError):
    """The broker did not describe the contract topics (away, or they could not be made)."""


def epoch_of(topic_ids: Mapping[str, str]) -> str:
    """A digest of `topic -> topic id`, the same in every process: 15 hex digits, so it fits a tracking position."""
    text = ";".join(f"{topic}={topic_ids[topic]}" for topic in sorted(topic_ids))
    return hashlib.sha256(text.encode()).hexdigest()[:EPOCH_DIGITS]


class BrokerEpoch:
    """Reads the current epoch (thread-safe), at most once every `max_age` seconds unless asked for a fresh one."""

    def __init__(self, bootstrap_servers: str, *, max_age: float = 1.0,
                 partitions: Mapping[str, int] | None = None,
                 make_topics: Callable[[str], None] = ensure_topics) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.max_age = max_age
        self.partitions = dict(partitions or partition_counts())
        self._make_topics = make_topics
        self._lock = threading.Lock()
        self._admin: KafkaAdminClient | None = None
        self._epoch: str | None = None
        self._read_at = float("-inf")
        self._counts: dict[str, int] = {}
        self.changes = 0
        """How many times this process saw the epoch change (the broker lost its data)."""

    @property
    def last_known(self) -> str | None:
        """The epoch last read, without asking the broker."""
        return self._epoch

    def current(self, *, fresh: bool = False) -> str:
        """The epoch now; raises BrokerUnavailable when the broker cannot say."""
        with self._lock:
            if not fresh and self._epoch is not None and time.monotonic() - self._read_at < self.max_age:
                return self._epoch
            epoch = self._read()
            if epoch != self._epoch:
                self._warn_on_wrong_counts()
            if self._epoch is not None and epoch != self._epoch:
                self.changes += 1
                log.warning("broker epoch changed from %s to %s: the broker lost its data; positions start over",
                            self._epoch, epoch)
            self._epoch, self._read_at = epoch, time.monotonic()
            return epoch

    def close(self) -> None:
        with self._lock:
            self._drop_admin()

    def _read(self) -> str:
        try:
            ids = self._described_once_more_on_a_fresh_client()
            if set(ids) != set(self.partitions):
                self._make_topics(self.bootstrap_servers)  # the data is gone: make the topics before anyone writes
                ids = self._topic_ids()
        except Exception as exc:
            self._drop_admin()
            raise BrokerUnavailable(f"cannot describe the contract topics: {type(exc).__name__}: {exc}") from exc
        missing = sorted(set(self.partitions) - set(ids))
        if missing:
            raise BrokerUnavailable(f"contract topics still missing: {', '.join(missing)}")
        return epoch_of(ids)

    def _described_once_more_on_a_fresh_client(self) -> dict[str, str]:
        """`_topic_ids`, asked again on a new client when the one held failed: after the broker restarted, the
        held client's connection is dead (NodeNotReadyError) while a new connection is served at once."""
        try:
            return self._topic_ids()
        except Exception:  # any failure of the held client; a failure of the new one is the caller's
            if self._admin is None:
                raise
            log.debug("describing the contract topics failed on the held client; once more on a new one",
                      exc_info=True)
            self._drop_admin()
            return self._topic_ids()

    def _topic_ids(self) -> dict[str, str]:
        """Ids of the contract topics that exist (listing first: describing an absent topic may auto-create it)."""
        admin = self._admin_client()
        present = sorted(set(admin.list_topics()) & set(self.partitions))
        if not present:
            return {}
        ids: dict[str, str] = {}
        for described in admin.describe_topics(present):
            if described["error_code"] == NO_ERROR:
                ids[described["name"]] = str(described["topic_id"])
                self._counts[described["name"]] = len(described["partitions"])
        return ids

    def _warn_on_wrong_counts(self) -> None:
        for topic, want in self.partitions.items():
            have = self._counts.get(topic, want)
            if have != want:
                log.error("topic %s has %d partitions, the contract says %d (auto-created by a client after the broker "
                          "lost its data?): records still flow, in order per key, but make it again by hand to "
                          "restore the planned parallelism", topic, have, want)

    def _admin_client(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = KafkaAdminClient(bootstrap_servers=self.bootstrap_servers.split(","),
                                           client_id="broker-epoch", request_timeout_ms=5000,
                                           bootstrap_timeout_ms=5000)  # a broker away: give up soon, try later
        return self._admin

    def _drop_admin(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            try:
                admin.close()
            except Exception:  # a broken client may fail to close; the next read makes a new one
                log.debug("closing the admin client failed", exc_info=True)

