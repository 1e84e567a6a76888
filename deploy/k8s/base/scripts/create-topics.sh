#!/bin/sh
# Job `create-topics`: every contract topic with its partition count (endorsement_contracts.topics),
# replication factor 3 and min.insync.replicas 2, once the brokers answer. Existing topics are left alone.
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:?}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-3}"
MIN_INSYNC_REPLICAS="${MIN_INSYNC_REPLICAS:-2}"
TOPICS="endorsement.applications.v1:6 endorsement.reviews.v1:6 endorsement.credentials.v1:6 endorsement.accounts.v1:3 endorsement.erasures.v1:3 endorsement.deadletter.v1:1 endorsement.applications.v2:6 endorsement.reviews.v2:6 endorsement.accounts.v2:3"

until /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; do
  echo "waiting for the brokers at $BOOTSTRAP"; sleep 5
done
for spec in $TOPICS; do
  name="${spec%%:*}"; partitions="${spec##*:}"
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" \
    --config "min.insync.replicas=$MIN_INSYNC_REPLICAS"
done
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --describe --topics-with-overrides
