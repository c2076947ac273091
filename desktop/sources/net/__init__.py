"""The network layer every source shares: proxies and TLS. No Qt.

- ``proxy``: the proxy setting, ``no_proxy``, the environment and OS settings, and
  :func:`resolve` (setting, destination) -> :class:`Route` (a proxy, or direct).
- ``pac``: PAC files (pypac), cached; a failing PAC file means direct, with a warning.
- ``tunnel``: :func:`open_socket` / :func:`open_socket_async`, a socket through HTTP
  CONNECT or SOCKS5 (python-socks).
- ``errors``: :class:`ProxyAuthError`, :class:`ProxyTargetError`,
  :class:`ProxyUnreachableError` (all ``OSError``), and :func:`classify` for exceptions
  from websockets and httpx.
- ``tls``: :func:`client_context`, the one client SSL context (OS trust store through
  truststore plus an optional CA file, TLS 1.2+).
- Adapters, imported on use: ``imap.ProxiedIMAPClient``, ``smtp.ProxiedSMTP`` /
  ``ProxiedSMTP_SSL``, ``websocket.websocket_proxy``, ``http_client.http_client`` /
  ``async_http_client``.
"""

from desktop.sources.net.errors import (
    ProxyAuthError,
    ProxyConfigError,
    ProxyError,
    ProxyTargetError,
    ProxyUnreachableError,
    classify,
    find_proxy_error,
)
from desktop.sources.net.proxy import Credentials, NoProxy, Proxy, ProxySetting, Route, parse_setting, resolve
from desktop.sources.net.tls import CaFileError, client_context
from desktop.sources.net.tunnel import open_socket, open_socket_async

__all__ = [
    "CaFileError",
    "Credentials",
    "NoProxy",
    "Proxy",
    "ProxyAuthError",
    "ProxyConfigError",
    "ProxyError",
    "ProxySetting",
    "ProxyTargetError",
    "ProxyUnreachableError",
    "Route",
    "classify",
    "client_context",
    "find_proxy_error",
    "open_socket",
    "open_socket_async",
    "parse_setting",
    "resolve",
]
