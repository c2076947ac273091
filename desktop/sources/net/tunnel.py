"""A connected TCP socket to a server, directly or through an HTTP CONNECT or SOCKS5 proxy.

python-socks does the proxy protocols (sync and asyncio). Its failures come out as
:class:`~desktop.sources.net.errors.ProxyError` subclasses that tell a refused password
from an unreachable server from an unreachable proxy. TLS is not done here: callers wrap
the socket (``ssl_context.wrap_socket(sock, server_hostname=host)``), so the server's
certificate is checked end to end, the proxy only sees ciphertext.
"""

from __future__ import annotations

import asyncio
import socket

from python_socks import ProxyType
from python_socks.async_.asyncio import Proxy as AsyncSocksProxy
from python_socks.sync import Proxy as SyncSocksProxy

from desktop.sources.net.errors import ProxyError, classify, target_error
from desktop.sources.net.proxy import Proxy, Route

_TYPES = {"http": ProxyType.HTTP, "socks5": ProxyType.SOCKS5}


def _proxy_of(route: Route | Proxy | None) -> Proxy | None:
    return route.proxy if isinstance(route, Route) else route


def open_socket(route: Route | Proxy | None, host: str, port: int, *, timeout: float) -> socket.socket:
    """A blocking socket connected to ``host:port`` (through the route's proxy, if any),
    with ``timeout`` set on it. Proxy failures raise :class:`ProxyError`; a direct
    connection raises what ``socket.create_connection`` raises."""
    proxy = _proxy_of(route)
    if proxy is None:
        return socket.create_connection((host, port), timeout=timeout)
    socks = SyncSocksProxy(
        _TYPES[proxy.scheme],
        proxy.host,
        proxy.port,
        proxy.username or None,
        proxy.password or None,
        rdns=True,  # the proxy resolves names: behind one, this computer often cannot
    )
    try:
        sock = socks.connect(dest_host=host, dest_port=port, timeout=timeout)
    except ProxyError:
        raise
    except Exception as exc:
        error = classify(exc, proxy, host, port)
        if error is None:
            raise
        raise error from exc
    sock.settimeout(timeout)
    return sock


async def open_socket_async(
    route: Route | Proxy | None, host: str, port: int, *, timeout: float
) -> socket.socket:
    """The asyncio counterpart of :func:`open_socket`: a non-blocking connected socket, for
    ``asyncio.open_connection(sock=…, ssl=…, server_hostname=host)``."""
    proxy = _proxy_of(route)
    if proxy is None:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            last: OSError | None = None
            for family, kind, proto, _name, address in infos:
                sock = socket.socket(family, kind, proto)
                sock.setblocking(False)
                try:
                    await loop.sock_connect(sock, address)
                    return sock
                except OSError as exc:
                    sock.close()
                    last = exc
            raise last or OSError(f"no address for {host}")
    socks = AsyncSocksProxy(
        _TYPES[proxy.scheme],
        proxy.host,
        proxy.port,
        proxy.username or None,
        proxy.password or None,
        rdns=True,
    )
    try:
        async with asyncio.timeout(timeout):
            return await socks.connect(dest_host=host, dest_port=port)
    except TimeoutError as exc:
        raise target_error(proxy.display, f"{host}:{port}", "no answer in time") from exc
    except ProxyError:
        raise
    except Exception as exc:
        error = classify(exc, proxy, host, port)
        if error is None:
            raise
        raise error from exc
