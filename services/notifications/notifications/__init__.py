"""The notifications service: emails every person who must act on a step of their endorsement."""
