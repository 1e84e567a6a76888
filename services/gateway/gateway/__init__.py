"""The API gateway: the single public entry point of the endorsement platform."""
