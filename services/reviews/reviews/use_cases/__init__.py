"""Use cases of the reviews service, one module per concern, each a class that receives the store
(`store.ReviewStore`); `reviews.application.Reviews` builds them once (`reviews.intake`, `reviews.decisions`, ...)."""
