"""httpx clients that route every request by the proxy setting (OAuth, autoconfig, discovery).

    with http_client(setting, ca_file=ca_file, credentials=creds, timeout=15) as client:
        response = client.get("https://login.example.com/.well-known/openid-configuration")

The route is resolved per request (a PAC file or ``no_proxy`` may send two hosts two
ways), and one httpx transport is kept per proxy. httpx's own environment handling is
off (``trust_env=False``): the setting decides, and ``none`` means none. SOCKS5 needs
``socksio`` (pinned). A failure at the proxy is raised as httpx's own exception type
(so ``except httpx.HTTPError`` keeps working) with our sentence as its message and our
:class:`~desktop.sources.net.errors.ProxyError` as its ``__cause__``
(``find_proxy_error(exc)`` finds it).
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Mapping
from typing import Any

import httpx

from desktop.sources.net.errors import classify
from desktop.sources.net.proxy import Credentials, Proxy, ProxySetting, Route, parse_setting, resolve
from desktop.sources.net.tls import client_context

_DEFAULT_PORTS = {"http": 80, "https": 443}


class _Router:
    def __init__(
        self,
        setting: str | ProxySetting | None,
        credentials: Credentials | None,
        no_proxy: str,
        environ: Mapping[str, str] | None,
    ) -> None:
        self.setting = parse_setting(setting)  # a bad setting fails here, not on the first request
        self.credentials = credentials
        self.no_proxy = no_proxy
        self.environ = environ

    def route(self, url: httpx.URL) -> Route:
        port = url.port or _DEFAULT_PORTS.get(url.scheme, 443)
        return resolve(
            self.setting,
            url.scheme,
            url.host,
            port,
            credentials=self.credentials,
            no_proxy=self.no_proxy,
            environ=self.environ,
        )


def _httpx_proxy(proxy: Proxy | None) -> httpx.Proxy | None:
    return None if proxy is None else httpx.Proxy(proxy.url())


def _reraise(exc: httpx.TransportError, route: Route, request: httpx.Request) -> None:
    url = request.url
    error = classify(exc, route.proxy, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 443))
    if error is None:
        return
    error.__cause__ = exc
    raise type(exc)(error.message, request=request) from error


class RoutedTransport(httpx.BaseTransport):
    """A sync transport that picks direct or a proxy per request."""

    def __init__(
        self,
        setting: str | ProxySetting | None,
        *,
        ssl_context: ssl.SSLContext,
        credentials: Credentials | None = None,
        no_proxy: str = "",
        environ: Mapping[str, str] | None = None,
        **transport_kwargs: Any,
    ) -> None:
        self._router = _Router(setting, credentials, no_proxy, environ)
        self._ssl_context = ssl_context
        self._kwargs = transport_kwargs
        self._lock = threading.Lock()
        self._transports: dict[Proxy | None, httpx.HTTPTransport] = {}

    def _transport(self, proxy: Proxy | None) -> httpx.HTTPTransport:
        with self._lock:
            transport = self._transports.get(proxy)
            if transport is None:
                transport = httpx.HTTPTransport(
                    verify=self._ssl_context, trust_env=False, proxy=_httpx_proxy(proxy), **self._kwargs
                )
                self._transports[proxy] = transport
            return transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        route = self._router.route(request.url)
        try:
            return self._transport(route.proxy).handle_request(request)
        except httpx.TransportError as exc:
            _reraise(exc, route, request)
            raise

    def close(self) -> None:
        with self._lock:
            transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            transport.close()


class AsyncRoutedTransport(httpx.AsyncBaseTransport):
    """The asyncio counterpart of :class:`RoutedTransport`; routes are resolved in a
    worker thread (a PAC file may have to be downloaded)."""

    def __init__(
        self,
        setting: str | ProxySetting | None,
        *,
        ssl_context: ssl.SSLContext,
        credentials: Credentials | None = None,
        no_proxy: str = "",
        environ: Mapping[str, str] | None = None,
        **transport_kwargs: Any,
    ) -> None:
        self._router = _Router(setting, credentials, no_proxy, environ)
        self._ssl_context = ssl_context
        self._kwargs = transport_kwargs
        self._transports: dict[Proxy | None, httpx.AsyncHTTPTransport] = {}

    def _transport(self, proxy: Proxy | None) -> httpx.AsyncHTTPTransport:
        transport = self._transports.get(proxy)  # one loop thread: no lock needed
        if transport is None:
            transport = httpx.AsyncHTTPTransport(
                verify=self._ssl_context, trust_env=False, proxy=_httpx_proxy(proxy), **self._kwargs
            )
            self._transports[proxy] = transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        route = await asyncio.to_thread(self._router.route, request.url)
        try:
            return await self._transport(route.proxy).handle_async_request(request)
        except httpx.TransportError as exc:
            _reraise(exc, route, request)
            raise

    async def aclose(self) -> None:
        transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            await transport.aclose()


def http_client(
    setting: str | ProxySetting | None,
    *,
    ca_file: str | None = None,
    credentials: Credentials | None = None,
    no_proxy: str = "",
    environ: Mapping[str, str] | None = None,
    **client_kwargs: Any,
) -> httpx.Client:
    """An ``httpx.Client`` routed by ``setting`` and verifying with :func:`client_context`.
    ``client_kwargs`` go to ``httpx.Client`` (``timeout``, ``headers``, …)."""
    transport = RoutedTransport(
        setting,
        ssl_context=client_context(ca_file),
        credentials=credentials,
        no_proxy=no_proxy,
        environ=environ,
    )
    return httpx.Client(transport=transport, trust_env=False, **client_kwargs)


def async_http_client(
    setting: str | ProxySetting | None,
    *,
    ca_file: str | None = None,
    credentials: Credentials | None = None,
    no_proxy: str = "",
    environ: Mapping[str, str] | None = None,
    **client_kwargs: Any,
) -> httpx.AsyncClient:
    """The ``httpx.AsyncClient`` counterpart of :func:`http_client`."""
    transport = AsyncRoutedTransport(
        setting,
        ssl_context=client_context(ca_file),
        credentials=credentials,
        no_proxy=no_proxy,
        environ=environ,
    )
    return httpx.AsyncClient(transport=transport, trust_env=False, **client_kwargs)
