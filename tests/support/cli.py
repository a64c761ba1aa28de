"""Running the real `fedinet` command in a subprocess, as an admin would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_fedinet(*args: str, data_dir: Path, timeout: float = 60, **env: str) -> CliResult:
    """`fedinet ARGS` with only the FEDINET_* variables given (the caller's are not inherited)."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("FEDINET_")
    }
    environment.update({"FEDINET_DATA_DIR": str(data_dir), **env})
    completed = subprocess.run(
        [sys.executable, "-m", "fedinet", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)
