"""Proxy failures in words a user can act on, and the classification that produces them.

Three causes need three different fixes, so they are three classes:

- :class:`ProxyAuthError`: the proxy refused the credentials (HTTP 407, tinyproxy's 401,
  a SOCKS5 authentication failure). Retrying cannot help: the user must fix the proxy
  password.
- :class:`ProxyTargetError`: the proxy answered but could not (or would not) reach the
  server (HTTP 403/5xx on CONNECT, a SOCKS5 error reply). The server or the proxy's
  rules are at fault, not this computer.
- :class:`ProxyUnreachableError`: the proxy itself does not answer (refused, no such
  name, timed out). Wrong proxy setting, or this network has no such proxy (a laptop
  at home).

All are :class:`OSError` subclasses, so code that treats socket errors as "offline"
keeps working before it learns the difference. No message ever contains a password:
proxies are shown by :attr:`Proxy.display`.
"""

from __future__ import annotations

import socket
import ssl
from typing import TYPE_CHECKING, Any

from desktop.core.i18n import lazy

if TYPE_CHECKING:
    from desktop.sources.net.proxy import Proxy

# SOCKS5 reply codes (RFC 1928, section 6)
_SOCKS_REPLIES = {
    1: lazy.translate("Status", "general SOCKS server failure"),
    2: lazy.translate("Status", "connection not allowed by the proxy's rules"),
    3: lazy.translate("Status", "network unreachable"),
    4: lazy.translate("Status", "host unreachable"),
    5: lazy.translate("Status", "connection refused by the server"),
    6: lazy.translate("Status", "TTL expired"),
    7: lazy.translate("Status", "command not supported"),
    8: lazy.translate("Status", "address type not supported"),
}
# The reasons the sentences below put in brackets.
NAME_NOT_FOUND = lazy.translate("Status", "its name could not be found")
REFUSED = lazy.translate("Status", "connection refused")
NO_ANSWER = lazy.translate("Status", "no answer in time")
SOCKS_AUTH_FAILED = lazy.translate("Status", "SOCKS5 authentication failed")
_NO_METHOD = lazy.translate("Status", "it accepts none of the offered sign-in methods")
_CLOSED_AT_SIGN_IN = lazy.translate("Status", "it closed the connection at sign-in")
_SOCKS_ERROR = lazy.translate("Status", "SOCKS error {0}")
_INCOMPLETE = lazy.translate("Status", "The proxy {0} did not complete the connection ({1}).")
_NEEDS_CREDENTIALS = lazy.translate(
    "Status", "The proxy {0} requires a user name and password. Set them in the proxy setting."
)
_HTTP_AUTH = {401, 407}  # tinyproxy answers a wrong password with 401 (test-infrastructure.md)


class ProxyConfigError(ValueError):
    """A proxy setting or URL that cannot be used; the message says what is wrong with it."""

    def __str__(self) -> str:
        # The message as raised: a translatable Text stays one (ValueError's own str() would
        # make a plain copy), so callers' str(exc) still reaches the window translatable.
        message: str = self.args[0] if self.args else ""
        return message


class ProxyError(OSError):
    """A failure at or through a proxy. ``message`` is a sentence for the user."""

    def __init__(self, message: str, *, proxy: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.proxy = proxy  # the proxy's display form, never with its password
        self.status = status  # the HTTP status or SOCKS reply code, when there was one

    def __str__(self) -> str:
        return self.message


class ProxyAuthError(ProxyError):
    """The proxy refused the user name or password (or wanted some and got none)."""


class ProxyTargetError(ProxyError):
    """The proxy was reached but could not, or would not, connect to the server."""


class ProxyUnreachableError(ProxyError):
    """The proxy itself could not be reached."""


def auth_error(proxy: str, detail: str, status: int | None = None) -> ProxyAuthError:
    return ProxyAuthError(
        lazy.translate(
            "Status",
            "The proxy {0} refused the user name or password ({1}). "
            "Check the proxy user name and password in Settings.",
        ).format(proxy, detail),
        proxy=proxy,
        status=status,
    )


def target_error(proxy: str, target: str, detail: str, status: int | None = None) -> ProxyTargetError:
    if status in (403, 2):  # HTTP Forbidden, SOCKS "not allowed by ruleset"
        text = lazy.translate(
            "Status",
            "The proxy {0} does not allow connections to {1} ({2}). "
            "Ask your IT department to allow this server and port.",
        ).format(proxy, target, detail)
    else:
        text = lazy.translate("Status", "The proxy {0} could not reach {1} ({2}).").format(
            proxy, target, detail
        )
    return ProxyTargetError(text, proxy=proxy, status=status)


def unreachable_error(proxy: str, detail: str) -> ProxyUnreachableError:
    return ProxyUnreachableError(
        lazy.translate(
            "Status",
            "The proxy {0} cannot be reached ({1}). Check the proxy setting, "
            "or whether this network uses that proxy.",
        ).format(proxy, detail),
        proxy=proxy,
    )


def classify(exc: BaseException, proxy: Proxy | None, host: str = "", port: int = 0) -> ProxyError | None:
    """Our :class:`ProxyError` for an exception raised while connecting through ``proxy``
    (by python-socks, websockets or httpx), or None when the proxy is not at fault.

    ``host``/``port`` name the server, for the message. Certificate and TLS errors are
    never proxy errors: the tunnel was up and the server's certificate is checked end to
    end (``desktop.sources.tls`` describes those).
    """
    found = find_proxy_error(exc)
    if found is not None:
        return found
    if proxy is None or isinstance(exc, ssl.SSLError):
        return None
    name = proxy.display
    target = f"{host}:{port}" if host else lazy.translate("Status", "the server")
    for link in _chain(exc):
        result = _classify_one(link, proxy, name, target)
        if result is not None:
            return result
    return None


def find_proxy_error(exc: BaseException) -> ProxyError | None:
    """The :class:`ProxyError` in ``exc``'s cause/context chain (httpx and websockets wrap them)."""
    for link in _chain(exc):
        if isinstance(link, ProxyError):
            return link
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _classify_one(exc: BaseException, proxy: Proxy, name: str, target: str) -> ProxyError | None:
    kind = type(exc)
    module = kind.__module__
    if module.startswith("python_socks"):
        return _from_python_socks(exc, proxy, name, target)
    if module.startswith("websockets"):
        return _from_websockets(exc, proxy, name, target)
    if module.startswith("httpx") or module.startswith("httpcore"):
        return _from_httpx(exc, proxy, name, target)
    # Raised while reaching the proxy itself: with a proxy, the socket's peer is the proxy.
    if isinstance(exc, socket.gaierror):
        return unreachable_error(name, NAME_NOT_FOUND)
    if isinstance(exc, ConnectionRefusedError):
        return unreachable_error(name, REFUSED)
    return None


def status_error(status: int, reason: str, proxy: Proxy, host: str, port: int) -> ProxyError:
    """The error for an HTTP proxy's non-2xx answer to CONNECT."""
    return _from_status(status, reason, proxy, proxy.display, f"{host}:{port}")


def _from_status(status: int, reason: str, proxy: Proxy, name: str, target: str) -> ProxyError:
    detail = f"HTTP {status}{' ' + reason if reason else ''}"
    if status in _HTTP_AUTH:
        if not proxy.username:
            return ProxyAuthError(
                lazy.translate(
                    "Status",
                    "The proxy {0} requires a user name and password ({1}). Set them in the proxy setting.",
                ).format(name, detail),
                proxy=name,
                status=status,
            )
        return auth_error(name, detail, status)
    return target_error(name, target, detail, status)


def _from_python_socks(exc: BaseException, proxy: Proxy, name: str, target: str) -> ProxyError | None:
    kind = type(exc).__name__
    text = str(exc)
    code: Any = getattr(exc, "error_code", None)
    if kind == "ProxyConnectionError":
        reason = getattr(exc, "strerror", None) or text
        return unreachable_error(name, str(reason).lower())
    if kind == "ProxyTimeoutError":
        return target_error(name, target, NO_ANSWER)
    if kind not in ("ProxyError", "ReplyError"):
        return None
    if isinstance(code, int) and proxy.scheme == "http":
        reason = text.split(" ", 1)[1] if " " in text else ""
        return _from_status(code, reason, proxy, name, target)
    if isinstance(code, int):
        return target_error(name, target, _SOCKS_REPLIES.get(code, _SOCKS_ERROR.format(code)), code)
    lowered = text.lower()
    if "authentication failure" in lowered:
        return auth_error(name, SOCKS_AUTH_FAILED)
    if "no acceptable authentication" in lowered:
        if proxy.username:
            return auth_error(name, _NO_METHOD)
        return ProxyAuthError(_NEEDS_CREDENTIALS.format(name), proxy=name)
    if "closed unexpectedly" in lowered and proxy.username:
        # Some SOCKS5 servers (pproxy) close the connection on a wrong password instead of
        # replying: during the handshake, that is by far the likeliest reason.
        return auth_error(name, _CLOSED_AT_SIGN_IN)
    return ProxyError(_INCOMPLETE.format(name, text), proxy=name)


def _from_websockets(exc: BaseException, proxy: Proxy, name: str, target: str) -> ProxyError | None:
    kind = type(exc).__name__
    if kind == "InvalidProxyStatus":
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        reason = str(getattr(response, "reason_phrase", "") or "")
        if isinstance(status, int):
            return _from_status(status, reason, proxy, name, target)
    if kind == "InvalidProxyMessage":
        return ProxyError(
            lazy.translate("Status", "The proxy {0} did not answer like an HTTP proxy.").format(name),
            proxy=name,
        )
    return None  # websockets.exceptions.ProxyError: its __cause__ is classified next


def _from_httpx(exc: BaseException, proxy: Proxy, name: str, target: str) -> ProxyError | None:
    kind = type(exc).__name__
    text = str(exc)
    if kind == "ProxyError":
        first = text.split(" ", 1)
        if first[0].isdigit():
            return _from_status(int(first[0]), first[1] if len(first) > 1 else "", proxy, name, target)
        if "username/password" in text.lower():
            return auth_error(name, SOCKS_AUTH_FAILED)
        if "could not connect" in text.lower():
            return target_error(name, target, text.rstrip("."))
        return ProxyError(_INCOMPLETE.format(name, text), proxy=name)
    if kind == "ConnectError":
        lowered = text.lower()
        if "refused" in lowered:
            return unreachable_error(name, REFUSED)
        if "name or service not known" in lowered or "nodename nor servname" in lowered:
            return unreachable_error(name, NAME_NOT_FOUND)
    if kind == "ConnectTimeout":
        return unreachable_error(name, NO_ANSWER)
    return None
