"""The domain: what fedinet does, independent of HTTP. Handlers and the CLI call these."""
