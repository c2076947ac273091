"""Which proxy failure is which: the exceptions python-socks, websockets and httpx raise,
mapped to "refused your credentials", "could not reach the server", "unreachable".

The same failures from real proxies: tests/integration/test_proxies.py.
"""

from __future__ import annotations

import ssl

import httpx
import pytest
from python_socks import ProxyConnectionError, ProxyTimeoutError
from python_socks import ProxyError as SocksProxyError
from websockets.datastructures import Headers
from websockets.exceptions import InvalidProxyStatus
from websockets.http11 import Response

from desktop.sources.net.errors import (
    ProxyAuthError,
    ProxyError,
    ProxyTargetError,
    ProxyUnreachableError,
    classify,
    find_proxy_error,
)
from desktop.sources.net.proxy import Proxy

HTTP = Proxy("http", "proxy.corp", 3128, "alice", "Secr3tProxyPw")
HTTP_ANON = Proxy("http", "proxy.corp", 3128)
SOCKS = Proxy("socks5", "socks.corp", 1080, "alice", "Secr3tProxyPw")


@pytest.mark.parametrize(
    ("exc", "proxy", "kind", "words"),
    [
        (
            SocksProxyError("407 Proxy Authentication Required", 407),
            HTTP,
            ProxyAuthError,
            "refused the user name or password",
        ),
        (SocksProxyError("401 Unauthorized", 401), HTTP, ProxyAuthError, "HTTP 401"),  # tinyproxy
        (
            SocksProxyError("407 Proxy Authentication Required", 407),
            HTTP_ANON,
            ProxyAuthError,
            "requires a user name",
        ),
        (
            SocksProxyError("403 Forbidden", 403),
            HTTP,
            ProxyTargetError,
            "does not allow connections to mail.corp:993",
        ),
        (
            SocksProxyError("502 Bad Gateway", 502),
            HTTP,
            ProxyTargetError,
            "could not reach mail.corp:993 (HTTP 502",
        ),
        (SocksProxyError("500 Unable to connect", 500), HTTP, ProxyTargetError, "could not reach"),
        (
            SocksProxyError("Username and password authentication failure"),
            SOCKS,
            ProxyAuthError,
            "SOCKS5 authentication failed",
        ),
        (
            SocksProxyError("No acceptable authentication methods were offered"),
            SOCKS,
            ProxyAuthError,
            "sign-in methods",
        ),
        (
            SocksProxyError("Connection closed unexpectedly"),
            SOCKS,
            ProxyAuthError,
            "closed the connection at sign-in",
        ),
        (SocksProxyError("Host unreachable", 4), SOCKS, ProxyTargetError, "host unreachable"),
        (
            SocksProxyError("Connection refused by destination host", 5),
            SOCKS,
            ProxyTargetError,
            "refused by the server",
        ),
        (SocksProxyError("Connection not allowed by ruleset", 2), SOCKS, ProxyTargetError, "does not allow"),
        (
            ProxyConnectionError(111, "Could not connect to proxy [Connection refused]"),
            SOCKS,
            ProxyUnreachableError,
            "cannot be reached",
        ),
        (ProxyTimeoutError("Proxy connection timed out: 10"), HTTP, ProxyTargetError, "no answer in time"),
        (
            ConnectionRefusedError(111, "Connection refused"),
            HTTP,
            ProxyUnreachableError,
            "connection refused",
        ),
        (httpx.ProxyError("407 Proxy Authentication Required"), HTTP, ProxyAuthError, "HTTP 407"),
        (httpx.ProxyError("Invalid username/password"), SOCKS, ProxyAuthError, "SOCKS5"),
        (
            httpx.ProxyError("Proxy Server could not connect: HOST_UNREACHABLE."),
            SOCKS,
            ProxyTargetError,
            "could not reach",
        ),
        (
            httpx.ConnectError("[Errno 111] Connection refused"),
            HTTP,
            ProxyUnreachableError,
            "cannot be reached",
        ),
    ],
)
def test_each_failure_gets_its_class_and_words(
    exc: BaseException, proxy: Proxy, kind: type[ProxyError], words: str
) -> None:
    error = classify(exc, proxy, "mail.corp", 993)
    assert type(error) is kind
    assert error is not None and words in error.message
    assert isinstance(error, OSError)  # code that treats socket errors as "offline" keeps working
    assert "Secr3tProxyPw" not in error.message
    assert error.proxy in (proxy.display,)


def test_websockets_proxy_status() -> None:
    response = Response(407, "Proxy Authentication Required", Headers())
    error = classify(InvalidProxyStatus(response), HTTP, "gw.corp", 443)
    assert isinstance(error, ProxyAuthError) and "HTTP 407" in error.message


def test_without_a_proxy_or_for_tls_errors_the_proxy_is_not_blamed() -> None:
    assert classify(ConnectionRefusedError(111, "refused"), None, "mail.corp", 993) is None
    assert classify(ssl.SSLCertVerificationError("certificate verify failed"), HTTP, "mail.corp", 993) is None


def test_wrapped_errors_are_found_in_the_chain() -> None:
    inner = ProxyAuthError("The proxy refused", proxy="http://alice@proxy.corp:3128")
    try:
        try:
            raise inner
        except ProxyAuthError as exc:
            raise httpx.ProxyError(str(exc)) from exc
    except httpx.ProxyError as outer:
        assert find_proxy_error(outer) is inner
        assert classify(outer, HTTP) is inner
