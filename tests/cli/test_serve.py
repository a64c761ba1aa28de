"""`fedinet serve` as a real process: it answers discovery, then stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp

from support.cli import run_fedinet
from support.instances import bound_loopback_socket


async def wait_until_up(url: str, process: asyncio.subprocess.Process, seconds: float = 30) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(int(seconds * 10)):
            if process.returncode is not None:
                raise AssertionError(f"fedinet serve exited with {process.returncode}")
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not come up within {seconds} s")


async def test_serve_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    with bound_loopback_socket() as sock:
        port = sock.getsockname()[1]  # released just before the server binds it
    base_url = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "data"
    assert run_fedinet("init", "--admin-password", "admin-pass-1", data_dir=data_dir,
                       FEDINET_BASE_URL=base_url).exit_code == 0

    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDINET_")}
    env["FEDINET_DATA_DIR"] = str(data_dir)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fedinet", "serve",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await wait_until_up(f"{base_url}/.well-known/nodeinfo", process)
        async with aiohttp.ClientSession() as http:
            async with http.get(
                f"{base_url}/.well-known/webfinger?resource=acct:admin@127.0.0.1:{port}"
            ) as response:
                assert response.status == 200
                assert (await response.json(content_type=None))["subject"] == f"acct:admin@127.0.0.1:{port}"
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = (await process.stderr.read()).decode()  # type: ignore[union-attr]
    assert f"serving {base_url}" in stderr
    assert process.returncode == 0, stderr


def test_serve_reports_a_busy_port(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with bound_loopback_socket() as sock:
        sock.listen()
        port = sock.getsockname()[1]
        assert run_fedinet("init", "--admin-password", "admin-pass-1", data_dir=data_dir,
                           FEDINET_BASE_URL=f"http://127.0.0.1:{port}").exit_code == 0
        result = run_fedinet("serve", data_dir=data_dir)
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
