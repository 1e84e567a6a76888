"""What employers and partners see: the public verification page, the PDF certificate, the QR code,
the LinkedIn link and the opt-in registry. Rendering only; the HTTP routes are in `entrypoints.public_pages_api`."""
