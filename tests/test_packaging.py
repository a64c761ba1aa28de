"""`pip install .` (README command 1) must ship every file the server reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_code_migrations_templates_and_protocol(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("fedinet-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {
        "fedinet/cli/__init__.py",
        "fedinet/vocab/contexts.py",
        "fedinet/migrations/env.py",
        "fedinet/migrations/script.py.mako",
        "fedinet/protocol/contexts/index.json",
        "fedinet/protocol/context.jsonld",
        "fedinet/web/fedinet_api/openapi.json",
    }
    expected |= {f"fedinet/migrations/versions/{p.name}" for p in (ROOT / "migrations/versions").glob("*.py")}
    expected |= {f"fedinet/web/templates/{p.name}" for p in (ROOT / "fedinet/web/templates").glob("*.html")}
    expected |= {
        f"fedinet/protocol/contexts/{p.name}" for p in (ROOT / "protocol/contexts").glob("*.jsonld")
    }
    expected |= {
        str(p.relative_to(ROOT)) for p in (ROOT / "fedinet").rglob("*.py") if "__pycache__" not in p.parts
    }
    assert sorted(expected - names) == []
