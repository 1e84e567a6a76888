"""The applications service: applicants start, complete and submit applications for endorsement."""
