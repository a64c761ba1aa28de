"""Settings: one object built from `fedinet.toml` in the data directory and `FEDINET_*` variables.

Precedence, lowest to highest: built-in defaults, the TOML file, the environment.
Every setting is documented in docs/configuration.md.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

CONFIG_FILE_NAME = "fedinet.toml"
ENV_PREFIX = "FEDINET_"
DEFAULT_DATA_DIR = "fedinet-data"
DEFAULT_BASE_URL = "http://127.0.0.1:8080"
REGISTRATION_MODES = ("closed", "approval", "open")
REPUTATION_VISIBILITIES = ("admins", "members", "public")


class ConfigError(ValueError):
    """A setting has a value fedinet cannot use; the message names the setting and its source."""


@dataclass(frozen=True)
class Settings:
    """Everything an instance is configured with. Build it with `load_settings()`."""

    data_dir: Path
    base_url: str = DEFAULT_BASE_URL
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 0
    registration_mode: str = "closed"
    allow_private_addresses: bool = False
    instance_name: str = "fedinet"
    instance_description: str = "A fedinet community: asks, offers and introductions."
    log_level: str = "INFO"
    signature_window_seconds: int = 3600
    authorized_fetch: bool = False
    delivery_lease_seconds: int = 600
    rate_limits: bool = True
    reputation_seeds: tuple[str, ...] = ()  # members (usernames) or actor URIs; none: the admins
    reputation_visibility: str = "members"
    reputation_interval_seconds: int = 60
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def domain(self) -> str:
        """The instance's domain as other servers see it: host, plus the port if not default."""
        return urlsplit(self.base_url).netloc

    @property
    def scheme(self) -> str:
        return urlsplit(self.base_url).scheme

    @property
    def config_file(self) -> Path:
        return self.data_dir / CONFIG_FILE_NAME

    def url(self, path: str) -> str:
        """Absolute URL for a path on this instance."""
        return self.base_url + path

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


_SETTING_NAMES = tuple(f.name for f in fields(Settings) if f.name not in ("sources", "data_dir"))


def load_settings(
    environ: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Read the data directory's TOML file and the environment; validate everything.

    `overrides` (used by tests and the CLI) win over both.
    """
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    sources: dict[str, str] = {}

    data_dir = Path(
        overrides.get("data_dir") or environ.get(ENV_PREFIX + "DATA_DIR") or DEFAULT_DATA_DIR
    ).expanduser().absolute()
    config_file = data_dir / CONFIG_FILE_NAME
    for name, value in _read_toml(config_file).items():
        raw[name] = value
        sources[name] = str(config_file)
    for name in _SETTING_NAMES:
        env_name = ENV_PREFIX + name.upper()
        if env_name in environ:
            raw[name] = environ[env_name]
            sources[name] = f"environment variable {env_name}"
    for name, value in overrides.items():
        if value is not None:
            raw[name] = value
            sources[name] = "command line"
    raw["data_dir"] = data_dir
    return _validate(raw, sources)


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    unknown = sorted(set(document) - set(_SETTING_NAMES))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; "
            "see docs/configuration.md for the list"
        )
    return document


def _validate(raw: dict[str, Any], sources: dict[str, str]) -> Settings:
    def where(name: str) -> str:
        return sources.get(name, "default")

    base_url = str(raw.get("base_url", DEFAULT_BASE_URL)).rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"base_url {base_url!r} (from {where('base_url')}) must be an http:// or https:// "
            "URL with a host, e.g. https://social.example or http://127.0.0.1:8080"
        )
    if parts.path or parts.query or parts.fragment or parts.username:
        raise ConfigError(
            f"base_url {base_url!r} (from {where('base_url')}) must be scheme, host and optional "
            "port only: fedinet serves from the root of its domain"
        )
    try:
        base_port = parts.port
    except ValueError as error:
        raise ConfigError(
            f"base_url {base_url!r} (from {where('base_url')}) has an invalid port"
        ) from error
    if base_port == {"http": 80, "https": 443}[parts.scheme]:
        base_port = None  # the default port is not part of the domain
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    base_url = f"{parts.scheme}://{host}" + (f":{base_port}" if base_port else "")

    data_dir: Path = raw["data_dir"]
    database_url = normalise_database_url(
        str(raw.get("database_url") or f"sqlite:///{data_dir / 'fedinet.db'}")
    )

    port = _as_int(raw.get("port", 0), "port", where("port"))
    if port == 0:
        port = base_port or 8080
    if not 0 < port < 65536:
        raise ConfigError(f"port {port} (from {where('port')}) must be between 1 and 65535")

    mode = str(raw.get("registration_mode", "closed")).lower()
    if mode not in REGISTRATION_MODES:
        raise ConfigError(
            f"registration_mode {mode!r} (from {where('registration_mode')}) must be one of "
            + ", ".join(REGISTRATION_MODES)
        )
    log_level = str(raw.get("log_level", "INFO")).upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(
            f"log_level {log_level!r} (from {where('log_level')}) must be DEBUG, INFO, WARNING or ERROR"
        )

    window = _as_int(
        raw.get("signature_window_seconds", 3600), "signature_window_seconds", where("signature_window_seconds")
    )
    lease = _as_int(
        raw.get("delivery_lease_seconds", 600), "delivery_lease_seconds", where("delivery_lease_seconds")
    )
    if not 60 <= window <= 86400:
        raise ConfigError(
            f"signature_window_seconds {window} (from {where('signature_window_seconds')}) "
            "must be between 60 and 86400"
        )
    if not 1 <= lease <= 86400:
        raise ConfigError(
            f"delivery_lease_seconds {lease} (from {where('delivery_lease_seconds')}) "
            "must be between 1 and 86400"
        )

    visibility = str(raw.get("reputation_visibility", "members")).lower()
    if visibility not in REPUTATION_VISIBILITIES:
        raise ConfigError(
            f"reputation_visibility {visibility!r} (from {where('reputation_visibility')}) must be one of "
            + ", ".join(REPUTATION_VISIBILITIES)
        )
    interval = _as_int(
        raw.get("reputation_interval_seconds", 60), "reputation_interval_seconds", where("reputation_interval_seconds")
    )
    if not 0 <= interval <= 86400:
        raise ConfigError(
            f"reputation_interval_seconds {interval} (from {where('reputation_interval_seconds')}) "
            "must be between 0 and 86400"
        )

    return Settings(
        data_dir=data_dir,
        base_url=base_url,
        database_url=database_url,
        host=str(raw.get("host", "127.0.0.1")),
        port=port,
        registration_mode=mode,
        allow_private_addresses=_as_bool(
            raw.get("allow_private_addresses", False),
            "allow_private_addresses",
            where("allow_private_addresses"),
        ),
        instance_name=str(raw.get("instance_name", Settings.instance_name)),
        instance_description=str(
            raw.get("instance_description", Settings.instance_description)
        ),
        log_level=log_level,
        signature_window_seconds=window,
        authorized_fetch=_as_bool(
            raw.get("authorized_fetch", False), "authorized_fetch", where("authorized_fetch")
        ),
        delivery_lease_seconds=lease,
        rate_limits=_as_bool(raw.get("rate_limits", True), "rate_limits", where("rate_limits")),
        reputation_seeds=_as_list(raw.get("reputation_seeds", ()), "reputation_seeds", where("reputation_seeds")),
        reputation_visibility=visibility,
        reputation_interval_seconds=interval,
        sources=dict(sources),
    )


def normalise_database_url(url: str) -> str:
    """Map plain `sqlite:`/`postgresql:` URLs to the async drivers fedinet uses."""
    for plain, driver in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    if url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return url
    raise ConfigError(
        f"database_url {url!r} is not supported: use sqlite:///PATH or "
        "postgresql://USER@HOST:PORT/DATABASE"
    )


def _as_int(value: Any, name: str, source: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{name} {value!r} (from {source}) must be a whole number") from error


def _as_list(value: Any, name: str, source: str) -> tuple[str, ...]:
    """A TOML list of strings, or a comma-separated string (as environment variables give it)."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) for item in items):
        raise ConfigError(f"{name} {value!r} (from {source}) must be a list of names")
    return tuple(item.strip() for item in items if item.strip())


def _as_bool(value: Any, name: str, source: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name} {value!r} (from {source}) must be true or false")


# What `fedinet init` remembers: what defines the instance, not how one run was started.
PERSISTED_AT_INIT = (
    "base_url",
    "authorized_fetch",
    "database_url",
    "registration_mode",
    "instance_name",
    "instance_description",
)


def write_config_file(settings: Settings) -> None:
    """Write the instance-defining settings to the data directory's TOML file (`fedinet init`).

    base_url is always written (an instance's URLs must never change); the others only when
    they were chosen explicitly. The file may hold a database password: only the owner reads it.
    """
    keys = [
        name for name in PERSISTED_AT_INIT if name == "base_url" or name in settings.sources
    ]
    lines = ["# fedinet configuration; environment variables FEDINET_* override these."]
    for name in keys:
        value = getattr(settings, name)
        if isinstance(value, bool):
            rendered = "true" if value else "false"
        elif isinstance(value, int):
            rendered = str(value)
        else:
            rendered = '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines.append(f"{name} = {rendered}")
    descriptor = os.open(settings.config_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")

