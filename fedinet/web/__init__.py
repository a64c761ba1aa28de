"""The HTTP edge: aiohttp handlers that parse, call a service and serialise."""
