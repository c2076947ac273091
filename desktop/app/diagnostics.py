"""One text for the helpdesk: versions, platform, effective settings and where each value
came from, connection states, recent log lines. No secret may reach it.

Two producers: the tray app (Help → Copy diagnostics…, with the live connection states
from the facade) and ``tidings diagnostics`` (a separate process: it cannot ask the running
app, so it says so and relies on the log, where every state change and error is written).

Secrets are kept out three ways: the keyring is never read; options declared
``sensitive`` (commands that may carry a password) show only whether they are set; and
the finished text goes through the log redactor (passwords in URLs, tokens, every
secret this process has loaded), like every log line.
"""

from __future__ import annotations

import collections
import dataclasses
import importlib.metadata
import locale
import os
import platform
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from desktop.config import logs, policy
from desktop.config.settings import MAIL_OPTIONS, OPTIONS, Option, Settings
from desktop.core.events import SourceStatus

if TYPE_CHECKING:
    from desktop.app.facade import AppFacade

LOG_LINES = 200
FILE_NAME = "diagnostics.txt"
#: Libraries whose version matters to a bug report, by distribution name.
LIBRARIES = (
    "pyside6-essentials",
    "qasync",
    "imapclient",
    "websockets",
    "keyring",
    "jeepney",  # notifications and NetworkManager on Linux
    "desktop-notifier",  # notifications on Windows and macOS
    "authlib",
    "truststore",
    "python-socks",
    "pypac",
    "nh3",
    "platformdirs",
)
#: Environment variables that change how Tidings connects or displays.
ENVIRONMENT = (
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "https_proxy",
    "http_proxy",
    "all_proxy",
    "no_proxy",
    "XDG_CURRENT_DESKTOP",
    "XDG_SESSION_TYPE",
    "DESKTOP_SESSION",
    "QT_QPA_PLATFORM",
    "LANG",
    policy.ENV,
)
HIDDEN = "<set, not shown>"  # no "=" pattern of the redactor matches it: it stays readable


@dataclasses.dataclass(slots=True)
class Context:
    """What the producer knows beyond the settings."""

    data_dir: Path | None = None
    log_file: Path | None = None
    policy_explicit: Path | None = None
    #: source id -> last status; None: not known to this process (the CLI)
    statuses: Mapping[str, SourceStatus] | None = None
    names: Mapping[str, str] = dataclasses.field(default_factory=dict)  # source id -> display name
    extra_versions: Mapping[str, str] = dataclasses.field(default_factory=dict)  # e.g. Qt at run time
    producer: str = "tidings diagnostics"


def from_app(facade: AppFacade, extra_versions: Mapping[str, str]) -> str:
    """The running app's report, with its live connection states (Help → Copy diagnostics…)."""
    log_file = logs.current_file()
    context = Context(
        data_dir=log_file.parent.parent if log_file else None,
        log_file=log_file,
        statuses=facade.statuses(),
        names=facade.source_names(),
        extra_versions=extra_versions,
        producer="the tray app (Help → Copy diagnostics…)",
    )
    return report(facade.settings, context)


def save_beside_log(text: str) -> Path | None:
    """Also keep the report as a file in the data folder, to attach to a ticket; None
    when there is no data folder or it cannot be written."""
    log_file = logs.current_file()
    if log_file is None:
        return None
    path = log_file.parent.parent / FILE_NAME
    try:
        write(text, path)
    except OSError:
        return None
    return path


def report(settings: Settings, context: Context, now: datetime | None = None) -> str:
    """The whole report, redacted."""
    now = now or datetime.now(UTC)
    parts = [
        f"Tidings diagnostics, {now.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, from {context.producer}",
        _section("Versions", _versions(context)),
        _section("Platform", _platform()),
        _section("Files", _files(settings, context)),
        _section("Policy", _policy(settings, context)),
        _section("Settings (value, then where it comes from)", _settings(settings)),
        _section("Connections", _connections(settings, context)),
        _section(f"Recent log (last {LOG_LINES} lines)", recent_log(context.log_file)),
    ]
    return logs.redact("\n\n".join(parts) + "\n")


def _section(title: str, lines: Iterable[str]) -> str:
    return "\n".join([f"## {title}", *lines])


def _versions(context: Context) -> list[str]:
    lines = [f"Tidings {_version('tidings')}", f"Python {platform.python_version()} ({sys.executable})"]
    lines += [f"{name} {version}" for name, version in context.extra_versions.items()]
    lines += [f"{name} {_version(name)}" for name in LIBRARIES]
    return lines


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def _platform() -> list[str]:
    lines = [
        f"{platform.platform()} ({platform.machine()})",
        f"locale: {locale.getlocale()[0] or '-'}, file system encoding: {sys.getfilesystemencoding()}",
    ]
    for name in ENVIRONMENT:
        if name in os.environ:
            lines.append(f"{name}={scrub_url(os.environ[name])}")
    return lines


def _files(settings: Settings, context: Context) -> list[str]:
    return [
        f"settings file: {settings.path or '(none)'}",
        f"data folder: {context.data_dir or '(unknown)'}",
        f"log file: {context.log_file or '(none)'}",
    ]


def _policy(settings: Settings, context: Context) -> list[str]:
    where = policy.location(context.policy_explicit)
    used = bool(settings.enforced or settings.presets or _has_policy_defaults(settings))
    lines = [f"read from: {where} ({'in use' if used else 'none found, or it sets nothing'})"]
    lines += [f"problem: {p}" for p in settings.policy_problems]
    for scope, values in sorted(settings.ignored.items()):
        for path in sorted(values):
            what = f"mail account {scope!r}: {path}" if scope else path
            lines.append(f"ignored in the user's file (enforced): {what}")
    return lines


def _has_policy_defaults(settings: Settings) -> bool:
    return any(settings.inherited.get(o.path, o.default) != o.default for o in OPTIONS)


def _settings(settings: Settings) -> list[str]:
    lines: list[str] = []
    for account in settings.mail:
        preset = settings.presets.get(account.name)
        note = f"  # preset by the organisation ({preset.origin})" if preset else ""
        lines.append(f"[[mail]]{note}")
        lines += [
            _line(o, getattr(account, o.key), settings.origin(o.path, account.name)) for o in MAIL_OPTIONS
        ]
    for section in ("gateway", "notifications", "general", "network"):
        holder = getattr(settings, section)
        lines.append(f"[{section}]")
        for o in (o for o in OPTIONS if o.section == section):
            lines.append(_line(o, getattr(holder, o.key), settings.origin(o.path)))
    return lines


def _line(opt: Option, value: Any, origin: str) -> str:
    return f"{opt.key} = {shown_value(opt, value)}    # {origin}"


def shown_value(opt: Option, value: Any) -> str:
    """A value as the report shows it: sensitive ones hidden, URLs without a password."""
    if opt.sensitive:
        return HIDDEN if value else "<not set>"
    if isinstance(value, str):
        return f'"{scrub_url(value)}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(f'"{scrub_url(str(v))}"' for v in value) + "]"
    return str(value)


def scrub_url(text: str) -> str:
    """``scheme://user:password@host`` without the password (proxy and gateway URLs)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if not parts.netloc or "@" not in parts.netloc:
        return text
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    netloc = f"{user}:{logs.REDACTED}@{host}" if ":" in userinfo else f"{user}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def _connections(settings: Settings, context: Context) -> list[str]:
    if context.statuses is None:
        return [
            "Not known to this command: it is a separate process from the running app. The tray "
            "app's Help → Copy diagnostics… includes the live states; every change of state and "
            "every connection error is also in the log below.",
            *(f"configured: {sid}" for sid in _configured(settings)),
        ]
    lines = []
    for sid in dict.fromkeys([*_configured(settings), *context.statuses]):
        status = context.statuses.get(sid)
        name = context.names.get(sid) or sid
        if status is None:
            lines.append(f"{name}: no status reported yet")
        else:
            message = f" — {status.message}" if status.message else ""
            lines.append(f"{name}: {status.state}{message}")
    return lines or ["no sources configured"]


def _configured(settings: Settings) -> list[str]:
    ids = [a.source_id for a in settings.mail]
    if settings.gateway.enabled:
        ids.append("gateway")
    return ids


def recent_log(path: Path | None, lines: int = LOG_LINES) -> list[str]:
    """The last ``lines`` lines of the log file and, if needed, the one rotated before it."""
    if path is None:
        return ["(no log file)"]
    tail: collections.deque[str] = collections.deque(maxlen=lines)
    found = False
    for candidate in (path.with_name(path.name + ".1"), path):
        try:
            with candidate.open(encoding="utf-8", errors="replace") as f:
                tail.extend(line.rstrip("\n") for line in f)
            found = True
        except FileNotFoundError:
            continue
        except OSError as exc:
            tail.append(f"(cannot read {candidate}: {exc.strerror or exc})")
    return list(tail) if found else [f"(no log file at {path} yet)"]


def write(text: str, path: Path) -> None:
    """Write the report 0600: it names servers, accounts and people."""
    from desktop.config.paths import private_opener

    with open(path, "w", encoding="utf-8", opener=private_opener) as f:
        f.write(text)


__all__ = ["Context", "recent_log", "report", "scrub_url", "shown_value", "write"]
