#!/bin/sh
# Create every topic with its partition count (docker-compose `kafka-init`); mirrors endorsement_contracts.topics.
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
for spec in endorsement.applications.v1:6 endorsement.reviews.v1:6 endorsement.credentials.v1:6 endorsement.accounts.v1:3 endorsement.erasures.v1:3 endorsement.deadletter.v1:1 endorsement.applications.v2:6 endorsement.reviews.v2:6 endorsement.accounts.v2:3; do
  name="${spec%%:*}"; partitions="${spec##*:}"
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor 1
done
