"""`fedinet init`, `migrate`, `doctor` and `user …` as an admin runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import run_fedinet


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    result = run_fedinet(
        "init", "--admin-username", "admin", "--admin-password", "admin-pass-1",
        data_dir=data_dir, FEDINET_BASE_URL="http://127.0.0.1:8999",
    )
    assert result.exit_code == 0, result.stderr
    return data_dir


def test_init_prints_the_admin_and_writes_config(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = run_fedinet("init", "--json", data_dir=data_dir, FEDINET_BASE_URL="http://127.0.0.1:8999")
    assert result.exit_code == 0, result.stderr
    output = result.json()
    assert output["admin"]["username"] == "admin"
    assert len(output["admin"]["password"]) >= 16  # generated, shown once
    assert output["base_url"] == "http://127.0.0.1:8999"
    assert (data_dir / "fedinet.db").exists()
    assert 'base_url = "http://127.0.0.1:8999"' in (data_dir / "fedinet.toml").read_text()
    # The base URL is remembered: later commands need no environment.
    listed = run_fedinet("user", "list", "--json", data_dir=data_dir)
    assert [(u["username"], u["role"], u["handle"]) for u in listed.json()] == [
        ("admin", "admin", "admin@127.0.0.1:8999")
    ]


def test_init_refuses_an_existing_instance(initialised: Path) -> None:
    before = sorted(p.name for p in initialised.iterdir())
    result = run_fedinet("init", data_dir=initialised)
    assert result.exit_code == 1
    assert "is not empty" in result.stderr and "fedinet serve" in result.stderr
    assert sorted(p.name for p in initialised.iterdir()) == before


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--admin-password", "short"], {}, "at least 8 characters"),
        (["--admin-username", "no way"], {}, "invalid username"),
        ([], {"FEDINET_BASE_URL": "social.example"}, "must be an http:// or https:// URL"),
        ([], {"FEDINET_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "cannot open the database"),
    ],
)
def test_init_bad_input_writes_nothing(tmp_path: Path, args: list[str], env: dict[str, str], message: str) -> None:
    data_dir = tmp_path / "data"
    result = run_fedinet("init", *args, data_dir=data_dir, **env)
    assert result.exit_code != 0
    assert message in result.stderr
    assert not data_dir.exists()


def test_user_lifecycle(initialised: Path) -> None:
    created = run_fedinet("user", "create", "Bob", "--display-name", "Bob B", "--json", data_dir=initialised)
    assert created.exit_code == 0, created.stderr
    bob = created.json()
    assert bob["username"] == "bob" and bob["role"] == "member" and bob["password"]
    assert bob["actor"] == "http://127.0.0.1:8999/users/bob"

    assert run_fedinet("user", "create", "carol", "--password", "carol-pass", data_dir=initialised).exit_code == 0
    duplicate = run_fedinet("user", "create", "BOB", "--password", "whatever-1", data_dir=initialised)
    assert duplicate.exit_code == 1 and "already taken" in duplicate.stderr

    assert run_fedinet("user", "promote", "bob", data_dir=initialised).stdout.strip() == "bob is now admin."
    assert run_fedinet("user", "promote", "carol", "--role", "moderator", data_dir=initialised).exit_code == 0
    assert run_fedinet("user", "suspend", "carol", data_dir=initialised).exit_code == 0
    again = run_fedinet("user", "suspend", "carol", data_dir=initialised)
    assert again.exit_code == 1 and "already suspended" in again.stderr

    listing = {u["username"]: u for u in run_fedinet("user", "list", "--json", data_dir=initialised).json()}
    assert listing["bob"]["role"] == "admin"
    assert listing["carol"]["role"] == "moderator" and listing["carol"]["suspended"] is True
    table = run_fedinet("user", "list", data_dir=initialised).stdout
    assert "carol" in table and "suspended" in table

    assert run_fedinet("user", "unsuspend", "carol", data_dir=initialised).exit_code == 0
    assert run_fedinet("user", "demote", "bob", data_dir=initialised).exit_code == 0
    changed = run_fedinet("user", "set-password", "carol", "--password", "new-carol-pass", data_dir=initialised)
    assert changed.exit_code == 0


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["user", "promote", "nobody"], 1, "no member named 'nobody'"),
        (["user", "suspend", "nobody"], 1, "no member named"),
        (["user", "create", "bad name"], 2, "invalid username"),
        (["user", "create", "dave", "--password", "short"], 2, "at least 8 characters"),
        (["user", "create", "dave", "--role", "king"], 2, "Invalid value for '--role'"),
        (["user", "set-password", "admin", "--password", "short"], 2, "at least 8 characters"),
    ],
)
def test_user_errors(initialised: Path, args: list[str], exit_code: int, message: str) -> None:
    result = run_fedinet(*args, data_dir=initialised)
    assert result.exit_code == exit_code
    assert message in result.stderr


def test_commands_on_an_uninitialised_directory(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for data_dir in (tmp_path / "nothing", empty):
        for args in (["user", "list"], ["migrate"], ["serve"]):
            result = run_fedinet(*args, data_dir=data_dir)
            assert result.exit_code == 1, args
            assert "run `fedinet init` first" in result.stderr
    assert list(empty.iterdir()) == []  # no database file was created on the way


def test_migrate_and_doctor(initialised: Path) -> None:
    migrated = run_fedinet("migrate", "--json", data_dir=initialised)
    assert migrated.exit_code == 0 and migrated.json()["changed"] is False

    doctor = run_fedinet("doctor", "--json", data_dir=initialised)
    assert doctor.exit_code == 0, doctor.stdout
    checks = {finding["check"]: finding["status"] for finding in doctor.json()}
    assert checks == {
        "configuration": "ok", "base_url": "ok", "database": "ok",
        "schema": "ok", "instance actor": "ok", "keys": "ok",
    }

    # A changed base URL breaks every stored URL: the doctor says so.
    moved = run_fedinet("doctor", data_dir=initialised, FEDINET_BASE_URL="https://moved.example")
    assert moved.exit_code == 1
    assert "was base_url changed" in moved.stdout


def test_doctor_on_nothing(tmp_path: Path) -> None:
    result = run_fedinet("doctor", data_dir=tmp_path / "nothing")
    assert result.exit_code == 1
    assert "run `fedinet init`" in result.stdout


def test_help_everywhere(tmp_path: Path) -> None:
    for args in ([], ["init"], ["serve"], ["migrate"], ["doctor"], ["user"], ["user", "create"]):
        result = run_fedinet(*args, "--help", data_dir=tmp_path)
        assert result.exit_code == 0 and "Usage: " in result.stdout, args
