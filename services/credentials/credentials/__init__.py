"""The credentials service: issues granted endorsements as signed Open Badges 3.0 credentials."""
