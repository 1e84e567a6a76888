"""Signed webhooks for partners without Kafka: registration, fan-out of partner events, delivery, retries."""
