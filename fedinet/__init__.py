"""fedinet: a federated ActivityPub server for micro-market-networks."""

__version__ = "0.1.0"
