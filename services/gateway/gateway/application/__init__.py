"""Use cases: sign up, log in, log out, authenticate a bearer token, seed staff accounts."""
