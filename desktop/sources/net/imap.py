"""imapclient through a proxy: implicit TLS and STARTTLS, both over the tunnel.

    route = resolve(setting, "imaps", host, 993, credentials=creds)
    client = ProxiedIMAPClient(host, 993, route=route, ssl=True,
                               ssl_context=client_context(ca_file), timeout=SocketTimeout(30, 30))

With ``ssl=False`` the connection is plain through the tunnel and ``client.starttls(ctx)``
upgrades it as usual. TLS runs end to end (the proxy sees only ciphertext) and the
certificate is checked against ``host``. Proxy failures raise
:class:`~desktop.sources.net.errors.ProxyError` (an ``OSError``) from the constructor.
"""

from __future__ import annotations

import imaplib
import socket
import ssl
from typing import Any

from imapclient import IMAPClient
from imapclient.imap4 import IMAP4WithTimeout
from imapclient.tls import IMAP4_TLS

from desktop.sources.net.proxy import Proxy, Route
from desktop.sources.net.tunnel import open_socket

DEFAULT_TIMEOUT = 30.0


class _TunnelIMAP4TLS(IMAP4_TLS):  # type: ignore[misc]  # imapclient ships no types
    def __init__(
        self,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext | None,
        timeout: float,
        route: Route | Proxy | None,
    ) -> None:
        self._route = route
        super().__init__(host, port, ssl_context, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        sock = open_socket(
            self._route, self.host, self.port, timeout=timeout or self._timeout or DEFAULT_TIMEOUT
        )
        context = self.ssl_context if self.ssl_context is not None else ssl.create_default_context()
        try:
            return context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class _TunnelIMAP4(IMAP4WithTimeout):  # type: ignore[misc]
    def __init__(self, host: str, port: int, timeout: float, route: Route | Proxy | None) -> None:
        self._route = route
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return open_socket(
            self._route, self.host, self.port, timeout=timeout or self._timeout or DEFAULT_TIMEOUT
        )


class ProxiedIMAPClient(IMAPClient):  # type: ignore[misc]
    """``IMAPClient`` whose connection goes through ``route`` (a :class:`Route`, a
    :class:`Proxy`, or None for direct). Everything else is ``IMAPClient``'s."""

    def __init__(
        self, host: str, port: int | None = None, *, route: Route | Proxy | None, **kwargs: Any
    ) -> None:
        self._route = route
        super().__init__(host, port, **kwargs)

    def _create_IMAP4(self) -> imaplib.IMAP4:
        proxy = self._route.proxy if isinstance(self._route, Route) else self._route
        if proxy is None or self.stream:
            return super()._create_IMAP4()  # type: ignore[no-any-return]
        timeout = getattr(self._timeout, "connect", None) or DEFAULT_TIMEOUT
        if self.ssl:
            return _TunnelIMAP4TLS(self.host, self.port, self.ssl_context, timeout, proxy)
        return _TunnelIMAP4(self.host, self.port, timeout, proxy)
