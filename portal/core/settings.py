"""The one settings object, read once from `PORTAL_*` environment variables.

Every field documents itself (`doc` metadata); `portal settings-doc` writes the table in
docs/settings.md from these fields and a test keeps that file in step with this module.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENV_PREFIX = "PORTAL_"


class SettingsError(RuntimeError):
    """The environment describes a configuration the portal refuses to run with."""


def _setting(default: Any, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Settings:
    """Typed settings; the defaults are the embedded mode that `make run` uses."""

    env: str = _setting(
        "development",
        "`development`, `test` or `production`. Production refuses embedded defaults "
        "(SQLite, filesystem broker) and demo passwords, and requires a secret key.",
    )
    secret_key: str = _setting(
        "",
        "Secret for CSRF tokens and signed values. Embedded mode generates one into "
        "`var/secret_key`; production refuses to start without it.",
    )
    data_key: str = _setting(
        "",
        "Key that encrypts BSNs at rest and keys their look-up hash. Embedded mode generates "
        "one into `var/data_key`; production refuses to start without it. Losing it makes "
        "stored BSNs unreadable: keep it in the secret store beside the database backup.",
    )
    database_url: str = _setting(
        "sqlite:///var/portal.sqlite3",
        "`sqlite:///relative/or/absolute.sqlite3` or `postgresql://user@host:port/db`.",
    )
    database_pool_size: int = _setting(
        10,
        "Connections in the PostgreSQL pool of each web process (one pool per event loop). "
        "0 opens a connection per query.",
    )
    broker_url: str = _setting(
        "filesystem://",
        "Celery broker. `filesystem://` keeps messages in `var/broker` (embedded only); "
        "production uses `redis://...`.",
    )
    redis_url: str = _setting(
        "",
        "When set, sessions and log-in throttling live in Redis (needed with more than one "
        "web process); otherwise in files under `var/`.",
    )
    var_dir: str = _setting(
        "var",
        "Folder for the embedded database, broker, session files and generated secrets. "
        "Relative paths are taken from the project root.",
    )
    documents_dir: str = _setting(
        "",
        "Folder for uploaded documents (warme overdracht). Empty: `documents/` inside the var "
        "folder. Never inside `static/`: documents are served only through a checked, "
        "audited route. Production needs a persistent, backed-up volume here.",
    )
    base_url: str = _setting(
        "http://127.0.0.1:8000",
        "Public address of the portal, used in mails and the OpenID Connect redirect.",
    )
    smtp_host: str = _setting(
        "",
        "SMTP server for the portal's mail (notifications and reminders). Empty: every mail "
        "is written as an `.eml` file under `var/outbox/` instead (embedded mode).",
    )
    smtp_port: int = _setting(587, "Port of the SMTP server.")
    smtp_username: str = _setting("", "SMTP log-in name; empty sends without logging in.")
    smtp_password: str = _setting("", "SMTP password (from the secret store in production).")
    smtp_starttls: bool = _setting(
        True,
        "Upgrade the SMTP connection with STARTTLS before logging in. Off only for a relay on "
        "the same host or the test suite's loopback server.",
    )
    smtp_from: str = _setting(
        "noreply@inburgering.example",
        "Address mails are sent from; the sender's name is the regio's name.",
    )
    smtp_timeout_seconds: int = _setting(
        20, "Seconds to wait for the SMTP server before a delivery is retried later."
    )
    host: str = _setting("127.0.0.1", "Address `portal serve` binds to.")
    port: int = _setting(8000, "Port `portal serve` listens on.")
    session_idle_minutes: int = _setting(
        30,
        "A session ends after this many minutes without a request. A regio may set a "
        "lower value, never a higher one.",
    )
    session_max_hours: int = _setting(
        12, "A session ends this many hours after log-in, active or not."
    )
    login_address_failures: int = _setting(
        30,
        "Failed log-ins (and wrong current passwords on the password form) one address may "
        "make within the window below before it gets a Dutch 'wacht even' page (HTTP 429). "
        "Successful log-ins never count: a gemeente office or school behind one address logs "
        "in its whole team at nine o'clock without waiting, while a guesser gets 30 tries.",
    )
    login_address_window_minutes: int = _setting(
        10, "The window of the per-address failure count, from its first failure."
    )
    login_free_failures: int = _setting(
        5,
        "Failed log-ins for one account from one address before each further attempt "
        "is slowed (doubling wait, never a lock-out of the account itself).",
    )
    trusted_proxies: str = _setting(
        "",
        "Comma-separated addresses or networks (e.g. `127.0.0.1, 10.0.0.0/8`) of the reverse "
        "proxies in front of the portal. Only a request from one of these may name the "
        "client's address in `X-Forwarded-For`; for everyone else the header is ignored. It "
        "decides the address the log-in throttle counts and the audit log records. Empty: "
        "no proxy is trusted (set `127.0.0.1` when Caddy runs on the same host).",
    )
    allow_demo_passwords: bool = _setting(
        True, "Demo people log in with the password `demo`. Always off in production."
    )
    fast_password_hashing: bool = _setting(
        False,
        "Cheap argon2 parameters, for the test suite only (it logs in thousands of times). "
        "Read once when the password module loads; production refuses to start with it.",
    )
    log_level: str = _setting("INFO", "Python log level for the portal's own loggers.")

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def var_path(self) -> Path:
        path = Path(self.var_dir)
        return path if path.is_absolute() else PROJECT_ROOT / path

    @property
    def documents_path(self) -> Path:
        if not self.documents_dir:
            return self.var_path / "documents"
        path = Path(self.documents_dir)
        return path if path.is_absolute() else PROJECT_ROOT / path

    @property
    def outbox_path(self) -> Path:
        """Where mails go as `.eml` files when no SMTP server is set."""
        return self.var_path / "outbox"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_filesystem_broker(self) -> bool:
        return self.broker_url.startswith("filesystem")

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The networks of `trusted_proxies`; `validate()` has refused anything unreadable."""
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in self.trusted_proxies.split(",")
            if part.strip()
        )

    def validate(self) -> None:
        """Refuse combinations that would be unsafe; called by every entry point."""
        if self.env not in {"development", "test", "production"}:
            raise SettingsError(
                f"PORTAL_ENV must be development, test or production, not {self.env!r}"
            )
        try:
            self.trusted_proxy_networks  # noqa: B018 (parsed for its error)
        except ValueError as exc:
            raise SettingsError(f"PORTAL_TRUSTED_PROXIES: {exc}") from exc
        if not self.is_production:
            return
        problems = []
        if len(self.secret_key) < 32:
            problems.append("PORTAL_SECRET_KEY must be set to at least 32 characters")
        if len(self.data_key) < 32:
            problems.append("PORTAL_DATA_KEY must be set to at least 32 characters")
        if self.uses_sqlite:
            problems.append("PORTAL_DATABASE_URL must point to PostgreSQL, not SQLite")
        if self.uses_filesystem_broker:
            problems.append("PORTAL_BROKER_URL must point to Redis, not the filesystem broker")
        if not self.redis_url:
            problems.append(
                "PORTAL_REDIS_URL must be set so sessions survive more than one process"
            )
        if self.allow_demo_passwords:
            problems.append("PORTAL_ALLOW_DEMO_PASSWORDS must be false")
        if self.fast_password_hashing:
            problems.append("PORTAL_FAST_PASSWORD_HASHING must be false")
        if problems:
            raise SettingsError("Refusing to start in production: " + "; ".join(problems))


def _parse(raw: str, kind: Any) -> Any:
    if kind in (bool, "bool"):
        value = raw.strip().lower()
        if value in {"1", "true", "yes", "on"}:
            return True
        if value in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"expected true or false, got {raw!r}")
    if kind in (int, "int"):
        try:
            return int(raw)
        except ValueError as exc:
            raise SettingsError(f"expected a whole number, got {raw!r}") from exc
    return raw


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings from the environment (and explicit overrides, used by tests)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        name = ENV_PREFIX + f.name.upper()
        if name in environ:
            try:
                values[f.name] = _parse(environ[name], f.type)
            except SettingsError as exc:
                raise SettingsError(f"{name}: {exc}") from exc
    values.update(overrides)
    if values.get("env") == "production" and "allow_demo_passwords" not in values:
        values["allow_demo_passwords"] = False
    settings = Settings(**values)
    if not settings.is_production:
        if not settings.secret_key:
            settings = dataclasses.replace(
                settings, secret_key=_embedded_secret(settings.var_path, "secret_key")
            )
        if not settings.data_key:
            settings = dataclasses.replace(
                settings, data_key=_embedded_secret(settings.var_path, "data_key")
            )
    settings.validate()
    return settings


def _embedded_secret(var_path: Path, name: str) -> str:
    """A per-installation secret for embedded mode, so no secret ever lives in the repo."""
    import secrets

    path = var_path / name
    if path.exists():
        return path.read_text().strip()
    var_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def settings_table() -> str:
    """Markdown table of every setting, for docs/settings.md."""
    rows = [
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for f in dataclasses.fields(Settings):
        default = f.default if f.default != "" else "(empty)"
        if isinstance(default, bool):
            default = str(default).lower()
        rows.append(f"| `{ENV_PREFIX}{f.name.upper()}` | `{default}` | {f.metadata['doc']} |")
    return "\n".join(rows) + "\n"
