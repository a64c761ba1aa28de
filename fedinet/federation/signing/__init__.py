"""Everything that touches private keys or signature formats lives in this package."""
