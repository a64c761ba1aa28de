"""Everything that touches private keys or signature formats lives in this package.

Modules: `keys` (generation, PEM, Multikey), `http_message` (the request model and
body digests), `http_cavage` (draft-cavage Signature header), `http_rfc9421` (RFC 9421
message signatures), `proofs` (FEP-8b32 eddsa-jcs-2022 integrity proofs). All are pure
functions: no network, no database, and the time is always passed in as `now`
(`fedinet.clock.utc_now()` for the real one).
"""
