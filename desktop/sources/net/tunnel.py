"""A connected TCP socket to a server, directly or through an HTTP CONNECT or SOCKS5 proxy.

SOCKS5 is python-socks' (sync and asyncio). HTTP CONNECT is done here, because
python-socks 3.2.1 reads the proxy's reply with a single ``recv()`` and drops whatever
came with it: over a plain tunnel the server speaks first (IMAP's and SMTP's greetings),
and when the greeting arrives in the same segment as ``200 Connection established`` the
client then waits for it forever. Here the reply is read up to its blank line and not a
byte further. Failures come out as :class:`~desktop.sources.net.errors.ProxyError`
subclasses that tell a refused password from an unreachable server from an unreachable
proxy. TLS is not done here: callers wrap
the socket (``ssl_context.wrap_socket(sock, server_hostname=host)``), so the server's
certificate is checked end to end, the proxy only sees ciphertext.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
from collections.abc import Iterator

from desktop.sources.net.errors import (
    ProxyError,
    classify,
    status_error,
    target_error,
    unreachable_error,
)
from desktop.sources.net.proxy import Proxy, Route


def _proxy_of(route: Route | Proxy | None) -> Proxy | None:
    return route.proxy if isinstance(route, Route) else route


def open_socket(route: Route | Proxy | None, host: str, port: int, *, timeout: float) -> socket.socket:
    """A blocking socket connected to ``host:port`` (through the route's proxy, if any),
    with ``timeout`` set on it. Proxy failures raise :class:`ProxyError`; a direct
    connection raises what ``socket.create_connection`` raises."""
    proxy = _proxy_of(route)
    if proxy is None:
        return socket.create_connection((host, port), timeout=timeout)
    if proxy.scheme == "http":
        return _http_connect(proxy, host, port, timeout)
    # python-socks is imported for SOCKS only: most connections are direct or HTTP.
    from python_socks import ProxyType
    from python_socks.sync import Proxy as SyncSocksProxy

    socks = SyncSocksProxy(
        ProxyType.SOCKS5,
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
    if proxy.scheme == "http":
        return await _http_connect_async(proxy, host, port, timeout)
    from python_socks import ProxyType
    from python_socks.async_.asyncio import Proxy as AsyncSocksProxy

    socks = AsyncSocksProxy(
        ProxyType.SOCKS5,
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


# -- HTTP CONNECT ------------------------------------------------------------------------------

MAX_REPLY = 16 * 1024


def _connect_request(proxy: Proxy, host: str, port: int) -> bytes:
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}", "User-Agent: Tidings"]
    if proxy.username or proxy.password:
        basic = base64.b64encode(f"{proxy.username}:{proxy.password}".encode()).decode("ascii")
        lines.append(f"Proxy-Authorization: Basic {basic}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _check_reply(head: bytes, proxy: Proxy, host: str, port: int) -> None:
    """Raise for anything but a 2xx status line."""
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ProxyError(f"The proxy {proxy.display} did not answer like an HTTP proxy.", proxy=proxy.display)
    status = int(parts[1])
    if not 200 <= status < 300:
        raise status_error(status, parts[2] if len(parts) > 2 else "", proxy, host, port)


def _closed(proxy: Proxy) -> ProxyError:
    return ProxyError(
        f"The proxy {proxy.display} closed the connection without answering.", proxy=proxy.display
    )


def _too_long(proxy: Proxy) -> ProxyError:
    return ProxyError(f"The proxy {proxy.display} sent an overlong answer.", proxy=proxy.display)


def _http_connect(proxy: Proxy, host: str, port: int, timeout: float) -> socket.socket:
    try:
        sock = socket.create_connection((proxy.host, proxy.port), timeout=timeout)
    except OSError as exc:
        raise unreachable_error(proxy.display, _reason(exc)) from exc
    with _closed_on_failure(sock, proxy, host, port):
        sock.sendall(_connect_request(proxy, host, port))
        head = bytearray()
        # One byte at a time: the server's first bytes may follow the blank line at once,
        # and they belong to the caller. The reply is a few hundred bytes.
        while not head.endswith(b"\r\n\r\n"):
            byte = sock.recv(1)
            if not byte:
                raise _closed(proxy)
            head += byte
            if len(head) > MAX_REPLY:
                raise _too_long(proxy)
        _check_reply(bytes(head), proxy, host, port)
    return sock


async def _http_connect_async(proxy: Proxy, host: str, port: int, timeout: float) -> socket.socket:
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(proxy.host, proxy.port, type=socket.SOCK_STREAM)
            sock = socket.socket(*infos[0][:3])
            sock.setblocking(False)
            try:
                await loop.sock_connect(sock, infos[0][4])
            except BaseException:
                sock.close()
                raise
    except TimeoutError as exc:
        raise unreachable_error(proxy.display, "no answer in time") from exc
    except OSError as exc:
        raise unreachable_error(proxy.display, _reason(exc)) from exc
    with _closed_on_failure(sock, proxy, host, port):
        async with asyncio.timeout(timeout):
            await loop.sock_sendall(sock, _connect_request(proxy, host, port))
            head = bytearray()
            while not head.endswith(b"\r\n\r\n"):
                byte = await loop.sock_recv(sock, 1)
                if not byte:
                    raise _closed(proxy)
                head += byte
                if len(head) > MAX_REPLY:
                    raise _too_long(proxy)
        _check_reply(bytes(head), proxy, host, port)
    return sock


@contextlib.contextmanager
def _closed_on_failure(sock: socket.socket, proxy: Proxy, host: str, port: int) -> Iterator[None]:
    """The CONNECT exchange of both twins above: any failure closes the socket and is said
    in words (a timeout is the target's, the rest the proxy's)."""
    try:
        yield
    except TimeoutError as exc:
        sock.close()
        raise target_error(proxy.display, f"{host}:{port}", "no answer in time") from exc
    except ProxyError:
        sock.close()
        raise
    except OSError as exc:
        sock.close()
        raise ProxyError(
            f"The connection to the proxy {proxy.display} failed ({_reason(exc)}).", proxy=proxy.display
        ) from exc


def _reason(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return "its name could not be found"
    return str(exc.strerror or exc).lower()
