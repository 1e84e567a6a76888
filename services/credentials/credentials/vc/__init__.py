"""Verifiable-credential core of the credentials service.

Pure library code: offline JSON-LD contexts, RDFC-1.0 canonicalization with
hostile-input limits, Ed25519 Multikeys, `eddsa-rdfc-2022` Data Integrity
proofs, Open Badges 3.0 credentials, did:web documents and verification.
"""
