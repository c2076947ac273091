"""The ``[network]`` settings in force, applied to every connection the sources open.

The runtime calls :func:`configure` with the settings at start and whenever they change;
IMAP, SMTP, the gateway and the HTTP clients (OAuth, discovery) then ask :func:`route` for
the way to each server. Process-wide, like the PAC cache (``pac.default_cache``): the
setting is the user's one answer for the whole machine, and one place to set it keeps
every caller (worker threads, one-shot connection tests, sign-in) on the same answer.

The proxy password lives in the system keyring (``secrets.PROXY_KEY``), read only when a
route actually goes through a proxy that asks for one: nobody without a proxy needs a
keyring for it. A missing password is a :class:`ProxyAuthError` (the user must act, so
sources stop retrying, as for a wrong password).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from desktop.config.secrets import PROXY_KEY, KeyringUnavailable, SecretError, get_secret
from desktop.config.settings import NetworkSettings
from desktop.core.i18n import lazy
from desktop.sources.net.errors import ProxyAuthError
from desktop.sources.net.proxy import Credentials, Route, parse_setting, resolve

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Network:
    """What the sources need of ``[network]``: the proxy setting, the bypass list, the
    proxy user (``""``: the one in the proxy URL, if any)."""

    proxy: str = "system"
    no_proxy: str = ""  # comma-separated, as NoProxy.parse reads it
    proxy_username: str = ""

    @classmethod
    def from_settings(cls, settings: NetworkSettings) -> Network:
        return cls(settings.proxy, ",".join(settings.no_proxy), settings.proxy_username)


_lock = threading.Lock()
_current = Network()
_pac_ca_file: str | None = None


def configure(settings: NetworkSettings) -> None:
    """Make ``settings`` the network in force for connections opened from now on. A
    different PAC CA file starts a fresh PAC cache verifying with it."""
    global _current, _pac_ca_file
    with _lock:
        _current = Network.from_settings(settings)
        if settings.pac_ca_file == _pac_ca_file:
            return
        _pac_ca_file = settings.pac_ca_file
    from desktop.sources.net import pac
    from desktop.sources.net.tls import CaFileError, client_context

    try:
        context = client_context(settings.pac_ca_file or None)
    except CaFileError as exc:  # the settings check the file exists; it may still be junk
        log.warning("%s The PAC file is verified with the system's certificates only.", exc)
        context = client_context()
    pac.set_default_cache(pac.PacCache(ssl_context=context))


def current() -> Network:
    return _current


def route(
    scheme: str,
    host: str,
    port: int,
    *,
    network: Network | None = None,
    environ: Mapping[str, str] | None = None,
) -> Route:
    """How to reach ``scheme://host:port`` (``imaps``, ``imap``, ``smtp``, ``wss``…) now.

    Blocking (a PAC file may be fetched, the keyring asked): call it from a worker thread
    or ``asyncio.to_thread``. Raises ``ProxyConfigError`` for a setting that cannot be
    used, :class:`ProxyAuthError` when the proxy needs a password none is stored for, and
    ``SecretError`` when the keyring cannot be asked.
    """
    net = network or current()
    found = resolve(net.proxy, scheme, host, port, no_proxy=net.no_proxy, environ=environ)
    proxy = found.proxy
    if proxy is None or proxy.password:
        return found
    username = proxy.username or net.proxy_username
    if not username:
        return found  # a proxy that needs no sign-in
    return replace(found, proxy=proxy.with_credentials(Credentials(username, _password(username))))


def _password(username: str) -> str:
    try:
        return get_secret(PROXY_KEY, what="proxy password")
    except KeyringUnavailable:
        raise
    except SecretError:
        raise ProxyAuthError(
            f"No password is stored for the proxy user {username}: set it with “tidings proxy set-password”."
        ) from None


def credentials(network: Network | None = None) -> Credentials | None:
    """The proxy user and password for clients that take them up front (httpx), or None:
    no proxy user, the setting ``none``, or no password stored (the proxy then refuses,
    and says so)."""
    net = network or current()
    setting = parse_setting(net.proxy)
    username = net.proxy_username or (setting.proxy.username if setting.proxy else "")
    if setting.kind == "none" or not username or (setting.proxy and setting.proxy.password):
        return None
    try:
        return Credentials(username, _password(username))
    except (ProxyAuthError, SecretError) as exc:
        log.warning("the proxy password is not available: %s", exc)
        return None


def with_warning(message: str, found: Route | None) -> str:
    """``message`` about a failed connection, plus the route's warning (a PAC file that
    could not be used, so the connection went direct) when there is one."""
    if found is None or not found.direct or not found.warning:
        return message
    return lazy.translate("Status", "{0} ({1})").format(message, found.warning)


def http_client(ca_file: str | None = None, **client_kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` routed by the network in force (``net.http_client.http_client``)."""
    from desktop.sources.net.http_client import http_client as routed_client

    net = current()
    return routed_client(
        net.proxy, ca_file=ca_file, credentials=credentials(net), no_proxy=net.no_proxy, **client_kwargs
    )


def async_http_client(ca_file: str | None = None, **client_kwargs: Any) -> httpx.AsyncClient:
    """The ``httpx.AsyncClient`` counterpart of :func:`http_client`."""
    from desktop.sources.net.http_client import async_http_client as routed_client

    net = current()
    return routed_client(
        net.proxy, ca_file=ca_file, credentials=credentials(net), no_proxy=net.no_proxy, **client_kwargs
    )


def http_transport(ssl_context: ssl.SSLContext, **transport_kwargs: Any) -> httpx.BaseTransport:
    """A sync httpx transport routed by the network in force, verifying with
    ``ssl_context`` (:func:`~desktop.sources.net.tls.client_context`), for clients built
    elsewhere (Authlib's)."""
    from desktop.sources.net.http_client import RoutedTransport

    net = current()
    return RoutedTransport(
        net.proxy,
        ssl_context=ssl_context,
        credentials=credentials(net),
        no_proxy=net.no_proxy,
        **transport_kwargs,
    )
