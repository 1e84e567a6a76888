"""The reviews service: a review case per submitted application, decided by the association's coordinator."""
