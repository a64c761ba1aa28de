"""Idle memory and discovery throughput of a real `fedinet serve` process on loopback.

Usage: python bench/serve_footprint.py [--requests N] [--concurrency C]

Starts a fresh instance (SQLite, temporary data directory) on a free port, measures its RSS
when idle, then sends a bounded number of WebFinger and actor-document requests and prints
requests per second, latency percentiles and RSS afterwards. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never came up")


async def load(urls: list[str], total: int, concurrency: int, accept: str) -> list[float]:
    latencies: list[float] = []
    counter = iter(range(total))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers={"Accept": accept}) as http:

        async def worker() -> None:
            for index in counter:
                start = time.perf_counter()
                async with http.get(urls[index % len(urls)]) as response:
                    await response.read()
                    assert response.status == 200, response.status
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def report(name: str, latencies: list[float], seconds: float) -> None:
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"{name:<16} {len(latencies) / seconds:8.0f} req/s   "
        f"p50 {statistics.median(ordered) * 1000:6.2f} ms   p99 {p99 * 1000:6.2f} ms"
    )


async def main(requests: int, concurrency: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FEDINET_DATA_DIR": f"{tmp}/data", "FEDINET_BASE_URL": base}
        fedinet = [sys.executable, "-m", "fedinet"]
        subprocess.run([*fedinet, "init", "--admin-password", "bench-password"], env=env, check=True, capture_output=True)
        for index in range(20):
            subprocess.run([*fedinet, "user", "create", f"member{index}", "--password", "bench-password"],
                           env=env, check=True, capture_output=True)
        server = subprocess.Popen([*fedinet, "serve"], env=env, stderr=subprocess.DEVNULL)
        try:
            await wait_up(f"{base}/.well-known/nodeinfo")
            await asyncio.sleep(2)
            print(f"idle RSS after start: {rss_mib(server.pid):.1f} MiB")
            webfinger = [f"{base}/.well-known/webfinger?resource=acct:member{i}@127.0.0.1:{port}" for i in range(20)]
            actors = [f"{base}/users/member{i}" for i in range(20)]
            await load(webfinger, 200, concurrency, "application/jrd+json")  # warm up
            for name, urls, accept in (
                ("webfinger", webfinger, "application/jrd+json"),
                ("actor document", actors, "application/activity+json"),
            ):
                start = time.perf_counter()
                latencies = await load(urls, requests, concurrency, accept)
                report(name, latencies, time.perf_counter() - start)
            print(f"RSS after load:       {rss_mib(server.pid):.1f} MiB")
        finally:
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.concurrency))
