"""Read models of this service, kept by servicekit's ProjectionRunner."""

from .emails import EmailsProjection

__all__ = ["EmailsProjection"]
