"""The settings file: one declaration per option, read from and written to TOML.

Secrets never appear here: a password comes from the keyring or from the
account's ``password_command``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from desktop.config import paths

log = logging.getLogger(__name__)

SECURITY_CHOICES = ("tls", "starttls", "plain")
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "plain": 143}
_NAME_RE = re.compile(r"^[\w.@+-][\w .@+-]{0,63}$")


class ConfigError(Exception):
    """The settings file cannot be used; the message says where and why."""


@dataclasses.dataclass(slots=True)
class MailAccount:
    name: str
    host: str
    username: str
    security: str = "tls"
    port: int = 0  # 0: the default port for ``security``
    ca_file: str = ""
    folders: list[str] = dataclasses.field(default_factory=lambda: ["INBOX"])
    password_command: str = ""
    # "Open in mail client": a webmail URL with {message_id}; empty uses the system mail handler.
    webmail_url: str = ""

    @property
    def source_id(self) -> str:
        return f"mail:{self.name}"

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    def problems(self) -> list[str]:
        out: list[str] = []
        if not _NAME_RE.match(self.name):
            out.append("the name must be 1-64 letters, digits, spaces or . @ + - _")
        if not self.host.strip():
            out.append("the server name is empty")
        if not self.username.strip():
            out.append("the user name is empty")
        if self.security not in SECURITY_CHOICES:
            out.append(f"security must be one of {', '.join(SECURITY_CHOICES)}")
        if not 0 <= self.port <= 65535:
            out.append("the port must be between 1 and 65535")
        if not self.folders or any(not f.strip() for f in self.folders):
            out.append("at least one folder must be watched")
        if self.ca_file and not Path(self.ca_file).expanduser().is_file():
            out.append(f"the CA file {self.ca_file} does not exist")
        return out


@dataclasses.dataclass(slots=True)
class GatewaySettings:
    url: str = ""  # e.g. wss://gateway.example.com ; empty: no gateway
    token_command: str = ""
    ca_file: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.url)


@dataclasses.dataclass(slots=True)
class NotificationSettings:
    enabled: bool = True
    quiet_hours: str = ""  # "19:00-08:00"; empty: off
    vip_senders: list[str] = dataclasses.field(default_factory=list)
    muted_sources: list[str] = dataclasses.field(default_factory=list)
    urgent_breaks_through: bool = True


@dataclasses.dataclass(slots=True)
class Settings:
    mail: list[MailAccount] = dataclasses.field(default_factory=list)
    gateway: GatewaySettings = dataclasses.field(default_factory=GatewaySettings)
    notifications: NotificationSettings = dataclasses.field(default_factory=NotificationSettings)
    path: Path | None = dataclasses.field(default=None, compare=False)

    def account(self, name: str) -> MailAccount | None:
        return next((a for a in self.mail if a.name == name), None)


def _build(cls: type, table: Any, where: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "path"}
    unknown = set(table) - set(fields)
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s): {', '.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        default = fields[key].default
        if default is dataclasses.MISSING and fields[key].default_factory is not dataclasses.MISSING:
            default = fields[key].default_factory()
        expected = type(default) if default is not dataclasses.MISSING else str
        if expected is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}.{key} must be a list of strings")
        elif expected is bool:
            if not isinstance(value, bool):
                raise ConfigError(f"{where}.{key} must be true or false")
        elif not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"{where}.{key} must be a {expected.__name__}")
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        missing = [
            n
            for n, f in fields.items()
            if f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
            and n not in table
        ]
        raise ConfigError(f"{where}: missing {', '.join(missing)}") from exc


def parse(data: dict[str, Any]) -> Settings:
    unknown = set(data) - {"mail", "gateway", "notifications"}
    if unknown:
        raise ConfigError(f"unknown section(s): {', '.join(sorted(unknown))}")
    mail_tables = data.get("mail", [])
    if not isinstance(mail_tables, list):
        raise ConfigError("[[mail]] must be an array of tables")
    accounts = [_build(MailAccount, t, f"mail[{n}]") for n, t in enumerate(mail_tables)]
    names = [a.name for a in accounts]
    for account in accounts:
        problems = account.problems()
        if problems:
            raise ConfigError(f"mail account {account.name!r}: " + "; ".join(problems))
        if names.count(account.name) > 1:
            raise ConfigError(f"two mail accounts are called {account.name!r}")
        if account.security == "plain":
            log.warning(
                "mail account %r uses an unencrypted connection: its password crosses the network in clear",
                account.name,
            )
    return Settings(
        mail=accounts,
        gateway=_build(GatewaySettings, data.get("gateway", {}), "gateway"),
        notifications=_build(NotificationSettings, data.get("notifications", {}), "notifications"),
    )


def load(path: Path) -> Settings:
    """Read the settings file; a missing file gives empty settings."""
    if not path.exists():
        settings = Settings()
    else:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from exc
        try:
            settings = parse(data)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
    settings.path = path
    return settings


def to_toml(settings: Settings) -> str:
    def table(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            if f.name == "path":
                continue
            value = getattr(obj, f.name)
            default = f.default if f.default is not dataclasses.MISSING else None
            if f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            if value != default or default is None:
                out[f.name] = value
        return out

    data: dict[str, Any] = {}
    if settings.mail:
        data["mail"] = [table(a) for a in settings.mail]
    gateway = table(settings.gateway)
    if gateway:
        data["gateway"] = gateway
    notifications = table(settings.notifications)
    if notifications:
        data["notifications"] = notifications
    return tomli_w.dumps(data)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically, so a crash or a full disk never leaves half a file: a 0600 temp
    file in the same folder (created so, never chmod'ed afterwards), fsync, rename."""
    target = path or settings.path
    if target is None:
        raise ConfigError("no settings file to write to")
    text = to_toml(settings)
    tmp: Path | None = None
    try:
        paths.private_dir(target.parent)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        tmp = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(target)
        tmp = None
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself survives a power cut
        finally:
            os.close(dir_fd)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        raise ConfigError(f"cannot save the settings to {target}: {exc.strerror or exc}") from exc
