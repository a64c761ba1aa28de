"""Settings: defaults, the TOML file, the environment (which wins) and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fedinet.config import ConfigError, load_settings, normalise_database_url, write_config_file


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ={"FEDINET_DATA_DIR": str(tmp_path)})
    assert settings.base_url == "http://127.0.0.1:8080"
    assert settings.domain == "127.0.0.1:8080"
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'fedinet.db'}"
    assert settings.registration_mode == "closed"
    assert settings.allow_private_addresses is False


def test_file_then_environment(tmp_path: Path) -> None:
    (tmp_path / "fedinet.toml").write_text(
        'base_url = "https://social.example"\nregistration_mode = "open"\nport = 9000\n'
    )
    from_file = load_settings(environ={"FEDINET_DATA_DIR": str(tmp_path)})
    assert from_file.domain == "social.example"
    assert from_file.registration_mode == "open"
    assert from_file.port == 9000
    assert from_file.sources["base_url"] == str(tmp_path / "fedinet.toml")

    env = {
        "FEDINET_DATA_DIR": str(tmp_path),
        "FEDINET_BASE_URL": "https://other.example:8443/",
        "FEDINET_ALLOW_PRIVATE_ADDRESSES": "yes",
        "FEDINET_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
    }
    settings = load_settings(environ=env)
    assert settings.base_url == "https://other.example:8443"
    assert settings.domain == "other.example:8443"
    assert settings.port == 9000  # still from the file
    assert settings.allow_private_addresses is True
    assert settings.database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    assert settings.sources["base_url"] == "environment variable FEDINET_BASE_URL"


def test_port_defaults_to_the_base_url_port(tmp_path: Path) -> None:
    settings = load_settings(environ={"FEDINET_BASE_URL": "http://127.0.0.1:9123"}, data_dir=tmp_path)
    assert settings.port == 9123
    assert load_settings(environ={"FEDINET_BASE_URL": "https://a.example"}, data_dir=tmp_path).port == 8080


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FEDINET_BASE_URL", "social.example", "must be an http:// or https:// URL"),
        ("FEDINET_BASE_URL", "ftp://social.example", "must be an http:// or https:// URL"),
        ("FEDINET_BASE_URL", "https://social.example/fedinet", "scheme, host and optional port only"),
        ("FEDINET_BASE_URL", "https://social.example:99999", "invalid port"),
        ("FEDINET_PORT", "eighty", "must be a whole number"),
        ("FEDINET_PORT", "70000", "between 1 and 65535"),
        ("FEDINET_REGISTRATION_MODE", "everyone", "must be one of closed, approval, open"),
        ("FEDINET_ALLOW_PRIVATE_ADDRESSES", "maybe", "must be true or false"),
        ("FEDINET_DATABASE_URL", "mysql://db/x", "is not supported"),
        ("FEDINET_LOG_LEVEL", "LOUD", "must be DEBUG, INFO"),
    ],
)
def test_bad_values_name_the_setting_and_source(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(environ={variable: value}, data_dir=tmp_path)
    assert value in str(caught.value) or "port" in str(caught.value)


def test_bad_file(tmp_path: Path) -> None:
    (tmp_path / "fedinet.toml").write_text("base_url = \n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_settings(environ={}, data_dir=tmp_path)
    (tmp_path / "fedinet.toml").write_text('base_ur1 = "https://a.example"\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(environ={}, data_dir=tmp_path)


def test_database_url_normalisation() -> None:
    assert normalise_database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert normalise_database_url("postgres://u@h/d") == "postgresql+asyncpg://u@h/d"
    assert normalise_database_url("postgresql+asyncpg://u@h/d") == "postgresql+asyncpg://u@h/d"


@pytest.mark.parametrize(
    ("given", "base_url", "domain"),
    [
        ("https://Social.Example:443/", "https://social.example", "social.example"),
        ("http://127.0.0.1:80", "http://127.0.0.1", "127.0.0.1"),
        ("https://a.example:8443", "https://a.example:8443", "a.example:8443"),
    ],
)
def test_base_url_is_normalised(tmp_path: Path, given: str, base_url: str, domain: str) -> None:
    settings = load_settings(environ={"FEDINET_BASE_URL": given}, data_dir=tmp_path)
    assert (settings.base_url, settings.domain) == (base_url, domain)


def test_config_file_keeps_what_defines_the_instance(tmp_path: Path) -> None:
    settings = load_settings(
        environ={
            "FEDINET_BASE_URL": "https://social.example",
            "FEDINET_DATABASE_URL": "postgresql://fedinet:secret@db/fedinet",
            "FEDINET_LOG_LEVEL": "DEBUG",
            "FEDINET_ALLOW_PRIVATE_ADDRESSES": "true",
        },
        data_dir=tmp_path,
    )
    write_config_file(settings)
    text = settings.config_file.read_text()
    assert 'base_url = "https://social.example"' in text
    assert 'database_url = "postgresql+asyncpg://fedinet:secret@db/fedinet"' in text
    assert "log_level" not in text and "allow_private_addresses" not in text
    assert settings.config_file.stat().st_mode & 0o777 == 0o600  # it may hold a password
    assert load_settings(environ={}, data_dir=tmp_path).base_url == "https://social.example"


def test_data_dir_is_not_a_file_setting(tmp_path: Path) -> None:
    (tmp_path / "fedinet.toml").write_text('data_dir = "/elsewhere"\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(environ={}, data_dir=tmp_path)
