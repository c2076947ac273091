"""websockets (15+) through a proxy: the value for ``connect(proxy=…)``.

    route = await asyncio.to_thread(resolve, setting, "wss", host, 443, credentials=creds)
    async with connect(url, proxy=websocket_proxy(route), ssl=client_context(ca_file)) as ws:
        ...

Always pass the result, also when it is None: websockets' default (``proxy=True``) reads
``https_proxy`` and friends from the environment itself, which would bypass the proxy
setting (``none`` must mean none). On failure, ``classify(exc, route.proxy, host, port)``
from ``desktop.sources.net.errors`` gives the proxy's share of the blame, if any.
"""

from __future__ import annotations

from desktop.sources.net.proxy import Proxy, Route


def websocket_proxy(route: Route | Proxy | None) -> str | None:
    """The proxy URL (with its credentials) for websockets, or None for a direct connection."""
    proxy = route.proxy if isinstance(route, Route) else route
    if proxy is None:
        return None
    # socks5h: the proxy resolves the name, as everywhere else in Tidings
    return proxy.url(scheme="socks5h" if proxy.scheme == "socks5" else "http")
