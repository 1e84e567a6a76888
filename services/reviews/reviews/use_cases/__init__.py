"""Use cases of the reviews service, one module per concern; `reviews.application.Reviews` combines them."""
