"""The web portal: pages for applicants, raters and employers on top of the gateway's public API."""
