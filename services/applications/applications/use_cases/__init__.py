"""Use cases beyond the core ones on `ApplicationsService` (`application.py`): classes that receive the store."""
