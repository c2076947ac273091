"""How one setting is declared: its kind of value, title, description and checks.

A setting is a field of a settings dataclass annotated with ``Declared``::

    url: Annotated[str, Declared(WebSocketUrl(), QT_TRANSLATE_NOOP("Settings", "Gateway URL"), "...")] = ""

The field gives the name and default; ``Declared`` the rest. ``options_of`` turns the
fields into ``Option`` rows, which the TOML loader, the settings dialog and the
generated reference (docs/settings.md) all read, so each option is described once.

Checks return a problem in a user's words, naming the option as the caller wants
it named: the TOML key in a file's error message, the translated title in the
dialog. Titles, descriptions and problems are marked for Qt's lupdate (context
"Settings") and translated where they are shown.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Sequence
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop.core.i18n import translate


class ConfigError(Exception):
    """The settings cannot be used; the message says which file, which option and why."""


# -- kinds of value ---------------------------------------------------------------------------


class Kind:
    """A kind of value: the TOML type it must have, and what else it must satisfy."""

    #: the TOML type, as the reference names it
    toml_type = "string"

    def type_problem(self, value: object, name: str) -> str | None:
        """The value has the wrong TOML type (a number where text belongs, ...)."""
        if isinstance(value, str):
            return None
        return translate("Settings", "{0} must be text in quotes").format(name)

    def problem(self, value: Any, name: str) -> str | None:
        """The value has the right type but is not acceptable."""
        return None

    def normalize(self, value: Any) -> Any:
        """The canonical form of what a user typed (the dialog saves this)."""
        return value.strip() if isinstance(value, str) else value

    def rule(self) -> str:
        """What the value must be, for the reference (English)."""
        return ""


class Text(Kind):
    def __init__(self, required: bool = False) -> None:
        self.required = required

    def problem(self, value: str, name: str) -> str | None:
        if self.required and not value.strip():
            return translate("Settings", "{0} must not be empty").format(name)
        return None

    def rule(self) -> str:
        return "required" if self.required else ""


class AccountName(Text):
    """Names a keyring entry and a source id ("mail:<name>"), so it stays short and plain."""

    _RE = re.compile(r"^[\w.@+-][\w .@+-]{0,63}$")

    def __init__(self) -> None:
        super().__init__(required=True)

    def problem(self, value: str, name: str) -> str | None:
        if not self._RE.match(value):
            return translate("Settings", "{0} must be 1-64 letters, digits, spaces or . @ + - _").format(name)
        return None

    def rule(self) -> str:
        return "required; 1-64 letters, digits, spaces or `. @ + - _`"


class Choice(Text):
    def __init__(self, *choices: str) -> None:
        super().__init__(required=True)
        self.choices = choices

    def problem(self, value: str, name: str) -> str | None:
        if value not in self.choices:
            return translate("Settings", "{0} must be one of {1}").format(name, ", ".join(self.choices))
        return None

    def rule(self) -> str:
        return "one of " + ", ".join(f"`{c}`" for c in self.choices)


class Integer(Kind):
    toml_type = "integer"

    def __init__(self, low: int, high: int, default_means: str = "") -> None:
        self.low, self.high = low, high
        self.default_means = default_means  # what 0 stands for, if it is allowed as "default"

    def type_problem(self, value: object, name: str) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return None
        return translate("Settings", "{0} must be a whole number, without quotes").format(name)

    def problem(self, value: int, name: str) -> str | None:
        if self.default_means and value == 0:
            return None
        if not self.low <= value <= self.high:
            return translate("Settings", "{0} must be between {1} and {2}").format(name, self.low, self.high)
        return None

    def normalize(self, value: Any) -> Any:
        return value

    def rule(self) -> str:
        rule = f"{self.low}-{self.high}"
        return f"{rule}, or 0 for {self.default_means}" if self.default_means else rule


class Boolean(Kind):
    toml_type = "boolean"

    def type_problem(self, value: object, name: str) -> str | None:
        if isinstance(value, bool):
            return None
        return translate("Settings", "{0} must be true or false, without quotes").format(name)

    def rule(self) -> str:
        return "`true` or `false`"


class TextList(Kind):
    toml_type = "array of strings"

    def __init__(self, at_least_one: bool = False) -> None:
        self.at_least_one = at_least_one

    def type_problem(self, value: object, name: str) -> str | None:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return None
        return translate("Settings", '{0} must be a list of texts, like ["a", "b"]').format(name)

    def problem(self, value: list[str], name: str) -> str | None:
        if self.at_least_one and (not value or any(not v.strip() for v in value)):
            return translate("Settings", "{0} must name at least one folder, and no empty one").format(name)
        return None

    def normalize(self, value: Any) -> Any:
        return [v.strip() for v in value if v.strip()] if isinstance(value, list) else value

    def rule(self) -> str:
        return "at least one, none empty" if self.at_least_one else ""


class WebSocketUrl(Text):
    """The gateway's address: wss:// (ws:// is accepted for a test gateway on this machine)."""

    def problem(self, value: str, name: str) -> str | None:
        if not value:
            return None
        parts = urlsplit(value) if not any(c.isspace() for c in value) else None
        if parts is None or parts.scheme not in ("wss", "ws") or not parts.hostname:
            return translate(
                "Settings", "{0} must start with wss:// (or ws:// for a local test gateway)"
            ).format(name)
        return None

    def rule(self) -> str:
        return "empty, or `wss://host[:port]` (`ws://` only for a local test gateway)"


class FilePath(Text):
    """A file that must exist when set (``~`` is the home folder)."""

    def problem(self, value: str, name: str) -> str | None:
        if value and not Path(value).expanduser().is_file():
            return translate("Settings", "{0} names a file that does not exist: {1}").format(name, value)
        return None

    def rule(self) -> str:
        return "empty, or an existing file"


class ProxyAddress(Text):
    """The proxy setting: ``system``, ``none``, a proxy URL or ``pac+`` a PAC file's URL.

    Only its shape is checked here; ``desktop.sources.net.proxy.parse_setting`` (above this
    layer) parses it fully and says what is wrong when a connection is made.
    """

    _SCHEMES = ("http", "socks5", "socks5h", "socks")
    _PAC_SCHEMES = ("http", "https", "file")

    def problem(self, value: str, name: str) -> str | None:
        text = value.strip()
        if text.lower() in ("", "system", "none", "direct"):
            return None
        pac = text.lower().startswith("pac+")
        url = text[4:] if pac else text
        parts = urlsplit(url) if not any(c.isspace() for c in url) else None
        schemes = self._PAC_SCHEMES if pac else self._SCHEMES
        try:
            ok = parts is not None and parts.scheme.lower() in schemes and parts.port != 0
        except ValueError:  # a port that is not a number, or out of range
            ok = False
        if ok and parts is not None and (parts.hostname or (pac and parts.scheme.lower() == "file")):
            return None
        return translate(
            "Settings",
            "{0} must be system, none, a proxy like http://proxy.example.com:3128 or "
            "socks5://proxy.example.com:1080, or pac+https://… for a PAC file",
        ).format(name)

    def rule(self) -> str:
        return (
            "`system`, `none`, `http://[user[:password]@]host:port`, `socks5://[user[:password]@]host:port`, "
            "or `pac+https://…` (also `pac+http://`, `pac+file:///…`)"
        )


class MailAddress(Text):
    """One mail address, as a sender uses it: ``name@domain``, no spaces or brackets."""

    _RE = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\]+\.[^@\s<>(),;:\"\[\]\\.]+$")

    def problem(self, value: str, name: str) -> str | None:
        if value and not self._RE.match(value):
            return translate("Settings", "{0} must be a mail address like name@example.com").format(name)
        return None

    def rule(self) -> str:
        return "empty, or a mail address `name@example.com`"


class Template(Text):
    """A URL with a placeholder Tidings fills in."""

    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.placeholder = placeholder

    def problem(self, value: str, name: str) -> str | None:
        if value and self.placeholder not in value:
            return translate("Settings", "{0} needs {1} where the message goes").format(
                name, self.placeholder
            )
        return None

    def rule(self) -> str:
        return f"empty, or a URL containing `{self.placeholder}`"


_QUIET_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """'19:00-08:00' -> (19:00, 08:00); '' -> None; ValueError when malformed.

    The one parser of quiet hours: the loader and the dialog check with it, the
    notification rules read with it.
    """
    if not text.strip():
        return None
    m = _QUIET_RE.match(text)
    problem = f"quiet hours must look like 19:00-08:00, not {text!r}"
    if m is None:
        raise ValueError(problem)
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    try:
        return time(h1, m1), time(h2, m2)  # time() itself rejects 25:00 or 10:61
    except ValueError:
        raise ValueError(problem) from None


class QuietHours(Text):
    def problem(self, value: str, name: str) -> str | None:
        try:
            parse_quiet_hours(value)
        except ValueError:
            return translate("Settings", "{0} must look like 19:00-08:00 (from-to, 24-hour clock)").format(
                name
            )
        return None

    def normalize(self, value: Any) -> Any:
        return re.sub(r"\s+", "", value) if isinstance(value, str) else value

    def rule(self) -> str:
        return "empty (off), or `HH:MM-HH:MM` on a 24-hour clock; may span midnight"


# -- declarations -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Declared:
    """What a settings field is, beyond its Python type and default (see the module doc)."""

    kind: Kind
    title: str  # marked with QT_TRANSLATE_NOOP("Settings", ...); the dialog's label
    description: str  # English, for the reference and the dialog's tooltip (translated there)
    #: may hold a secret (a command with a password in it): diagnostics show only whether it is set
    sensitive: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Option:
    """One row of the settings table."""

    section: str  # the TOML table: "gateway", "notifications", or "mail" (one per account)
    key: str
    kind: Kind
    title: str
    description: str
    default: Any  # dataclasses.MISSING: required
    sensitive: bool = False  # see Declared

    @property
    def path(self) -> str:
        """``section.key``: how layers, policies and the dialog refer to the option."""
        return f"{self.section}.{self.key}"

    @property
    def required(self) -> bool:
        return self.default is dataclasses.MISSING

    def check(self, value: object, name: str | None = None) -> str | None:
        """The first problem with ``value``, naming the option ``name`` (default: its key)."""
        name = self.key if name is None else name
        return self.kind.type_problem(value, name) or self.kind.problem(value, name)

    def translated_title(self) -> str:
        return translate("Settings", self.title)

    def translated_description(self) -> str:
        return translate("Settings", self.description)


def options_of(cls: type, section: str) -> tuple[Option, ...]:
    """The declared fields of a settings dataclass, in declaration order."""
    hints = typing.get_type_hints(cls, include_extras=True)
    out: list[Option] = []
    for f in dataclasses.fields(cls):
        declared = next(
            (m for m in getattr(hints[f.name], "__metadata__", ()) if isinstance(m, Declared)), None
        )
        if declared is None:
            continue  # bookkeeping, not a setting (e.g. the file it came from)
        default: Any = f.default
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        out.append(
            Option(
                section,
                f.name,
                declared.kind,
                declared.title,
                declared.description,
                default,
                declared.sensitive,
            )
        )
    return tuple(out)


def closest(key: str, known: Sequence[str]) -> str:
    """' (did you mean "x"?)' for a misspelt key, or ''."""
    import difflib

    match = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f' (did you mean "{match[0]}"?)' if match else ""
