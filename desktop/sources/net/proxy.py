"""Which proxy, if any, a connection to (scheme, host, port) goes through.

The proxy setting (declared by the settings; this module takes its value):

- ``"system"`` (or empty): the environment (``https_proxy``, ``all_proxy``, ``no_proxy``…),
  else, on Windows and macOS, the OS settings (a PAC file configured there, else the
  static proxies, through urllib). Linux desktop settings (GNOME/KDE) are not read.
- ``"none"``: always direct; the environment is ignored.
- ``"http://user:pw@host:port"``, ``"socks5://user:pw@host:port"``: that proxy.
- ``"pac+https://host/proxy.pac"`` (or ``pac+http://``, ``pac+file:///path``): a PAC file
  decides per destination (``desktop.sources.net.pac``).

Whatever the mode, the caller's own ``no_proxy`` list (a setting) is honoured; the
environment's ``no_proxy`` only in ``system`` mode.

Credentials come from the proxy URL (percent-encoded) or from the caller
(:class:`Credentials`, e.g. a keyring secret); URL credentials win, and a URL with only a
user name takes the caller's password. Every password is registered with
``desktop.config.logs.register_secret`` as soon as it is seen, and never shown:
:attr:`Proxy.display` and ``repr`` leave it out.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import re
import sys
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from desktop.config.logs import register_secret
from desktop.core.i18n import lazy
from desktop.sources.net.errors import ProxyConfigError

log = logging.getLogger(__name__)

ProxyScheme = Literal["http", "socks5"]
# Ports a proxy URL without one gets: HTTP proxies by convention 80 (as urllib and
# requests assume), SOCKS 1080 (RFC 1928).
DEFAULT_PORTS: dict[str, int] = {"http": 80, "socks5": 1080}
_SCHEME_ALIASES: dict[str, ProxyScheme] = {
    "http": "http",
    "socks5": "socks5",
    "socks5h": "socks5",
    "socks": "socks5",
}
_SOCKS4 = lazy.translate("Status", "SOCKS4 proxies are not supported (no passwords); use SOCKS5")
_UNSUPPORTED = {
    "https": lazy.translate(
        "Status", "a proxy reached over TLS (https://) is not supported; use its http:// address"
    ),
    "socks4": _SOCKS4,
    "socks4a": _SOCKS4,
}
#: What a proxy URL's error names as its origin: the sentences below put it in as {0},
#: translated with them (a parsed URL's errors reach the window as a connection status).
SETTING_LABEL = lazy.translate("Status", "The proxy setting")
SYSTEM_LABEL = lazy.translate("Status", "The system proxy setting")
_ENV_LABEL = lazy.translate("Status", "The {0} environment variable")
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Credentials:
    """A proxy user name and password supplied by the caller (e.g. from the keyring)."""

    username: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        if self.password:
            register_secret(self.password)


@dataclass(frozen=True)
class Proxy:
    """One proxy: HTTP CONNECT or SOCKS5 (names always resolved by the SOCKS proxy)."""

    scheme: ProxyScheme
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.password:
            register_secret(self.password)

    @property
    def display(self) -> str:
        """``http://user@host:port``: for messages and logs, never with the password."""
        user = f"{urllib.parse.quote(self.username, safe='')}@" if self.username else ""
        return f"{self.scheme}://{user}{_host_for_url(self.host)}:{self.port}"

    def url(self, *, scheme: str | None = None) -> str:
        """The URL with credentials, percent-encoded, for libraries that take one.
        Contains the password: pass it on, never log it."""
        auth = ""
        if self.username or self.password:
            quote = urllib.parse.quote
            auth = f"{quote(self.username, safe='')}:{quote(self.password, safe='')}@"
        return f"{scheme or self.scheme}://{auth}{_host_for_url(self.host)}:{self.port}"

    def with_credentials(self, credentials: Credentials | None) -> Proxy:
        """Fill in what the URL lacks: its user name and password, or only the password."""
        if credentials is None or self.password:
            return self
        if self.username:
            return replace(self, password=credentials.password)
        return replace(self, username=credentials.username, password=credentials.password)


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def parse_proxy_url(text: str, *, what: str = SETTING_LABEL) -> Proxy:
    """A :class:`Proxy` from ``http://user:pw@host:port``, ``socks5://…`` or ``host:port``
    (taken as HTTP, as ``https_proxy=proxy:3128`` is commonly written).

    Raises :class:`ProxyConfigError` saying what is wrong, a translatable sentence; the
    message never repeats the password. ``what`` names the source for the message
    (:data:`SETTING_LABEL`, the environment variable's label...), best a translatable one.
    """
    value = text.strip()
    if not value:
        raise ProxyConfigError(lazy.translate("Status", "{0} is empty.").format(what))
    if _BAD_CHARS.search(value):
        raise ProxyConfigError(
            lazy.translate("Status", "{0} contains spaces or control characters.").format(what)
        )
    if "://" not in value:
        value = "http://" + value
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError as exc:
        raise ProxyConfigError(
            lazy.translate("Status", "{0} is not a valid proxy address ({1}).").format(
                what, _without_secrets(str(exc))
            )
        ) from None
    raw_scheme = parts.scheme.lower()
    if raw_scheme in _UNSUPPORTED:
        raise ProxyConfigError(lazy.translate("Status", "{0}: {1}.").format(what, _UNSUPPORTED[raw_scheme]))
    scheme = _SCHEME_ALIASES.get(raw_scheme)
    if scheme is None:
        raise ProxyConfigError(
            lazy.translate(
                "Status",
                "{0} has the unknown scheme {1}: use http://, socks5://, pac+https://, 'system' or 'none'.",
            ).format(what, repr(raw_scheme))
        )
    host = parts.hostname or ""
    if not host:
        raise ProxyConfigError(lazy.translate("Status", "{0} has no host name.").format(what))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ProxyConfigError(
            lazy.translate(
                "Status", "{0} must be only scheme://host:port (it has a path, query or fragment)."
            ).format(what)
        )
    bad_port = lazy.translate("Status", "{0} has an invalid port (1-65535).").format(what)
    try:
        port = parts.port
    except ValueError:
        raise ProxyConfigError(bad_port) from None
    if port == 0:
        raise ProxyConfigError(bad_port)
    username = urllib.parse.unquote(parts.username or "")
    password = urllib.parse.unquote(parts.password or "")
    if password:
        register_secret(password)
    if ":" in username:
        raise ProxyConfigError(
            lazy.translate("Status", "{0}: a proxy user name cannot contain ':'.").format(what)
        )
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _valid_hostname(host):
            raise ProxyConfigError(
                lazy.translate("Status", "{0} has an invalid host name {1}.").format(what, repr(host))
            ) from None
    return Proxy(scheme, host, port or DEFAULT_PORTS[scheme], username, password)


def _valid_hostname(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(
        re.fullmatch(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?", label) for label in labels
    )


def _without_secrets(text: str) -> str:
    """urllib's error messages may quote the URL; keep only the part after the last '@'."""
    return text.rsplit("@", 1)[-1]


# -- the setting ------------------------------------------------------------------------------

SettingKind = Literal["system", "none", "proxy", "pac"]


@dataclass(frozen=True)
class ProxySetting:
    """A parsed proxy setting: ``kind`` with the ``proxy`` or ``pac_url`` it needs."""

    kind: SettingKind
    proxy: Proxy | None = None
    pac_url: str = ""

    @property
    def display(self) -> str:
        if self.kind == "proxy" and self.proxy is not None:
            return self.proxy.display
        if self.kind == "pac":
            return f"PAC {self.pac_url}"
        return self.kind


SYSTEM = ProxySetting("system")
DIRECT = ProxySetting("none")


def parse_setting(value: str | ProxySetting | None) -> ProxySetting:
    """Parse the proxy setting's value; :class:`ProxyConfigError` for a bad one."""
    if isinstance(value, ProxySetting):
        return value
    text = (value or "").strip()
    lowered = text.lower()
    if lowered in ("", "system"):
        return SYSTEM
    if lowered in ("none", "direct"):
        return DIRECT
    if lowered.startswith("pac+"):
        return ProxySetting("pac", pac_url=_check_pac_url(text[4:]))
    return ProxySetting("proxy", proxy=parse_proxy_url(text))


def _check_pac_url(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        raise ProxyConfigError(lazy.translate("Status", "The PAC address is not a valid URL.")) from None
    if parts.scheme.lower() not in ("http", "https", "file"):
        raise ProxyConfigError(
            lazy.translate(
                "Status", "The PAC address must start with pac+https://, pac+http:// or pac+file://."
            )
        )
    if parts.scheme.lower() != "file" and not parts.hostname:
        raise ProxyConfigError(lazy.translate("Status", "The PAC address has no host name."))
    if _BAD_CHARS.search(url):
        raise ProxyConfigError(
            lazy.translate("Status", "The PAC address contains spaces or control characters.")
        )
    if parts.password:
        register_secret(urllib.parse.unquote(parts.password))
    return url


# -- no_proxy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    domain: str = ""  # matches the name itself and every name below it
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    port: int | None = None


@dataclass(frozen=True)
class NoProxy:
    """A ``no_proxy`` list: which destinations bypass the proxy.

    The usual rules (curl's and Python's): entries separated by commas or spaces, case
    ignored; ``*`` alone bypasses everything; ``example.com``, ``.example.com`` and
    ``*.example.com`` all match example.com and every name below it; an IP address or a
    CIDR block (``10.0.0.0/8``, ``fd00::/8``) matches destinations given as IP addresses
    in it (names are not resolved to check); ``host:port`` (``[v6]:port``) only that port.
    Entries that fit none of these are ignored and kept in ``ignored``.
    """

    everything: bool = False
    entries: tuple[_Entry, ...] = ()
    ignored: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> NoProxy:
        entries: list[_Entry] = []
        ignored: list[str] = []
        everything = False
        for raw in re.split(r"[,\s]+", text or ""):
            if not raw:
                continue
            if raw == "*":
                everything = True
                continue
            entry = _parse_entry(raw)
            if entry is None:
                ignored.append(raw)
            else:
                entries.append(entry)
        return cls(everything, tuple(entries), tuple(ignored))

    def __add__(self, other: NoProxy) -> NoProxy:
        return NoProxy(
            self.everything or other.everything, self.entries + other.entries, self.ignored + other.ignored
        )

    def matches(self, host: str, port: int | None = None) -> bool:
        if self.everything:
            return True
        name = _normal_host(host)
        if not name:
            return False
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            address = None
        for entry in self.entries:
            if entry.port is not None and entry.port != port:
                continue
            if entry.network is not None:
                if (
                    address is not None
                    and address.version == entry.network.version
                    and address in entry.network
                ):
                    return True
            elif address is None and (name == entry.domain or name.endswith("." + entry.domain)):
                return True
        return False


def _normal_host(host: str) -> str:
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    name = name.rstrip(".")
    if "%" in name:  # an IPv6 zone (fe80::1%eth0) takes no part in matching
        name = name.split("%", 1)[0]
    if not name.isascii():
        with contextlib.suppress(UnicodeError):
            name = name.encode("idna").decode("ascii")
    return name


def _parse_entry(raw: str) -> _Entry | None:
    text = raw.strip().lower()
    port: int | None = None
    if text.startswith("["):  # [v6], [v6]:port or [v6]/prefix
        inside, bracket, rest = text[1:].partition("]")
        if not bracket:
            return None
        if rest.startswith("/"):
            inside += rest
        elif rest:
            if not rest.startswith(":") or not rest[1:].isdigit():
                return None
            port = int(rest[1:])
        text = inside
    elif text.count(":") == 1:  # host:port (a bare IPv6 address has several colons)
        text, _, port_text = text.partition(":")
        if not port_text.isdigit():
            return None
        port = int(port_text)
    if port is not None and not 0 < port < 65536:
        return None
    if "/" in text:
        try:
            return _Entry(network=ipaddress.ip_network(text, strict=False), port=port)
        except ValueError:
            return None
    try:
        return _Entry(network=ipaddress.ip_network(text), port=port)
    except ValueError:
        pass
    if text.startswith("*."):
        text = text[2:]
    text = _normal_host(text.lstrip("."))
    if not text or not _valid_hostname(text):
        return None
    return _Entry(domain=text, port=port)


# -- the environment and the OS ---------------------------------------------------------------


def _env(environ: Mapping[str, str], name: str) -> str:
    """``name_proxy``, lower case first (as curl and urllib read it)."""
    return (environ.get(name) or environ.get(name.upper()) or "").strip()


def _env_keys(scheme: str) -> tuple[str, ...]:
    """Which ``*_proxy`` variables apply to a destination scheme, best first.

    HTTP(S) and websockets follow the conventions; for mail there is none, so a
    ``imaps_proxy``/``smtp_proxy`` style variable, then ``all_proxy``, then the HTTPS
    proxy: a company that sends everything through one proxy sets ``https_proxy``.
    """
    if scheme in ("https", "wss"):
        return ("https_proxy", "all_proxy")
    if scheme in ("http", "ws"):
        return ("http_proxy", "all_proxy")
    return (f"{scheme}_proxy", "all_proxy", "https_proxy")


def _has_env_proxies(environ: Mapping[str, str]) -> bool:
    return any(
        key.lower().endswith("_proxy") and key.lower() != "no_proxy" and value.strip()
        for key, value in environ.items()
    )


def _os_proxies() -> tuple[dict[str, str], Callable[[str], bool]]:
    """Static proxies from the Windows registry or macOS System Configuration (urllib),
    with their bypass check. Untested here (Linux): ``({}, never)`` on Linux."""
    names = {
        "win32": ("getproxies_registry", "proxy_bypass_registry"),
        "darwin": ("getproxies_macosx_sysconf", "proxy_bypass_macosx_sysconf"),
    }.get(sys.platform)
    if names is None:
        return {}, lambda _host: False
    import urllib.request  # with http.client: only where it reads the system's proxies

    getter = getattr(urllib.request, names[0], None)
    bypass = getattr(urllib.request, names[1], None)
    try:
        proxies = dict(getter()) if getter else {}
    except Exception as exc:  # registry or SystemConfiguration oddities: go direct, say so
        log.warning("cannot read the system proxy settings: %s", exc)
        proxies = {}

    def bypassed(host: str) -> bool:
        try:
            return bool(bypass(host)) if bypass else False
        except Exception:
            return False

    return proxies, bypassed


def _os_pac_url() -> str:
    """The PAC file configured in the OS (Windows registry, macOS preferences), or ''.
    Untested here."""
    if sys.platform not in ("win32", "darwin"):
        return ""
    try:
        from pypac import os_settings

        if sys.platform == "win32":
            return str(os_settings.autoconfig_url_from_registry() or "")
        return str(os_settings.autoconfig_url_from_preferences() or "")
    except Exception as exc:
        log.warning("cannot read the system's PAC setting: %s", exc)
        return ""


# -- resolution -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """How to reach one destination: through ``proxy``, or directly when it is None.

    ``via`` says why, for logs and diagnostics ("setting", "https_proxy", "no_proxy",
    "PAC https://…"); ``warning`` is set when the route is a fallback (a PAC file that
    could not be used) and belongs in the error shown if the connection then fails.
    """

    proxy: Proxy | None
    via: str
    warning: str = ""

    @property
    def direct(self) -> bool:
        return self.proxy is None


def resolve(
    setting: str | ProxySetting | None,
    scheme: str,
    host: str,
    port: int,
    *,
    credentials: Credentials | None = None,
    no_proxy: str = "",
    environ: Mapping[str, str] | None = None,
) -> Route:
    """The route to ``scheme://host:port`` under ``setting``.

    ``scheme`` is the destination's: ``imaps``, ``imap``, ``smtp``, ``smtps``, ``wss``,
    ``ws``, ``https``, ``http``. ``environ`` defaults to ``os.environ``; passing one also
    keeps the OS settings out (tests). Raises :class:`ProxyConfigError` for a bad setting
    or a bad proxy in the environment; a PAC file that fails falls back to direct (see
    ``desktop.sources.net.pac``). May block (PAC download, PAC scripts resolving names):
    call it from a worker thread or ``asyncio.to_thread``.
    """
    route = _resolve(parse_setting(setting), scheme.lower(), host, port, credentials, no_proxy, environ)
    log.debug(
        "route to %s://%s:%s: %s (%s)",
        scheme,
        host,
        port,
        route.proxy.display if route.proxy else "direct",
        route.via,
    )
    return route


def _resolve(
    parsed: ProxySetting,
    scheme: str,
    host: str,
    port: int,
    credentials: Credentials | None,
    no_proxy: str,
    environ: Mapping[str, str] | None,
) -> Route:
    if parsed.kind == "none":
        return Route(None, "setting: none")
    if NoProxy.parse(no_proxy).matches(host, port):
        return Route(None, "no_proxy setting")
    if parsed.kind == "proxy":
        assert parsed.proxy is not None
        return Route(parsed.proxy.with_credentials(credentials), "setting")
    if parsed.kind == "pac":
        return _from_pac(parsed.pac_url, scheme, host, port, credentials)
    return _from_system(scheme, host, port, credentials, environ)


def _from_system(
    scheme: str, host: str, port: int, credentials: Credentials | None, environ: Mapping[str, str] | None
) -> Route:
    env = os.environ if environ is None else environ
    if _has_env_proxies(env):
        if NoProxy.parse(_env(env, "no_proxy")).matches(host, port):
            return Route(None, "no_proxy")
        for key in _env_keys(scheme):
            value = _env(env, key)
            if value:
                proxy = parse_proxy_url(value, what=_ENV_LABEL.format(key))
                return Route(proxy.with_credentials(credentials), key)
        return Route(None, "environment: no proxy for this scheme")
    if environ is not None:
        return Route(None, "environment: no proxy")
    pac_url = _os_pac_url()
    if pac_url:
        return _from_pac(pac_url, scheme, host, port, credentials)
    proxies, bypassed = _os_proxies()
    if not proxies or bypassed(host):
        return Route(None, "system: direct")
    keys = [key.removesuffix("_proxy") for key in _env_keys(scheme)] + ["socks"]
    for key in keys:
        value = proxies.get(key, "")
        if value:
            if key == "socks" and value.startswith(("http://", "socks://")):
                value = "socks5://" + value.split("://", 1)[1]
            proxy = parse_proxy_url(value, what=SYSTEM_LABEL)
            return Route(proxy.with_credentials(credentials), f"system: {key}")
    return Route(None, "system: no proxy for this scheme")


def _from_pac(pac_url: str, scheme: str, host: str, port: int, credentials: Credentials | None) -> Route:
    from desktop.sources.net import pac

    route = pac.default_cache().route(pac_url, scheme, host, port)
    if route.proxy is not None:
        return replace(route, proxy=route.proxy.with_credentials(credentials))
    return route
