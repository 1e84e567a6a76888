"""How the outside reaches the credentials service: HTTP routes and integration-event handlers."""
