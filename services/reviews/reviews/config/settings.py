"""Settings from the environment; they fail fast."""

from __future__ import annotations

from pydantic import Field
from servicekit.settings import ServiceSettings

SERVICE_NAME = "reviews"
SCHEMA = "reviews"
EVENT_SOURCE = "/services/reviews"
CONSUMER_GROUP = "reviews"


class ReviewsSettings(ServiceSettings):
    port: int = 8002
    reviews_consumer_group: str = Field(default=CONSUMER_GROUP, min_length=1,
                                        description="Kafka consumer group; tests use their own.")
    reviews_config_dir: str | None = Field(
        default=None, description="Directory of review data files (default: `reviews` next to TENANTS_DIR)."
    )
    lapse_sweep_seconds: float = Field(default=300.0, gt=0, description="How often lapsed endorsements are sought.")
    competencies_file: str | None = Field(
        default=None, description="The Competency Guidelines® ids (default: `rulesets/competencies.yaml` next to "
        "TENANTS_DIR, i.e. config/rulesets/competencies.yaml), for reviewers' checklists."
    )
