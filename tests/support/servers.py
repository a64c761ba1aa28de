"""Throwaway HTTP servers on free loopback ports (stub inboxes, rogue origins, sentinels)."""

from __future__ import annotations

from aiohttp import web


class LoopbackServers:
    """Starts aiohttp apps on 127.0.0.x at free ports; `close()` stops them all."""

    def __init__(self) -> None:
        self._runners: list[web.AppRunner] = []

    async def start(self, app: web.Application, host: str = "127.0.0.1") -> str:
        """Serve `app`; its base URL, e.g. http://127.0.0.1:41234."""
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        self._runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://{host}:{port}"

    async def close(self) -> None:
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
