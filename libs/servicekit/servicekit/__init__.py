"""Infrastructure shared by every service. It holds plumbing only, never business rules."""
