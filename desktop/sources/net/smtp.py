"""smtplib through a proxy: ``ProxiedSMTP`` (then ``starttls``) and ``ProxiedSMTP_SSL``.

    route = resolve(setting, "smtp", host, 587, credentials=creds)
    with ProxiedSMTP(host, 587, route=route, timeout=30) as smtp:
        smtp.starttls(context=client_context(ca_file))
        smtp.login(user, password)

The tunnel replaces ``smtplib``'s ``_get_socket``; TLS (implicit or STARTTLS) runs end to
end inside it, checked against ``host``. Proxy failures raise
:class:`~desktop.sources.net.errors.ProxyError` (an ``OSError``) from ``connect()``.
"""

from __future__ import annotations

import smtplib
import socket
from typing import Any

from desktop.sources.net.proxy import Proxy, Route
from desktop.sources.net.tunnel import open_socket

DEFAULT_TIMEOUT = 30.0


class _Tunnel(smtplib.SMTP):
    _route: Route | Proxy | None = None

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        proxy = self._route.proxy if isinstance(self._route, Route) else self._route
        if proxy is None:
            return socket.create_connection((host, port), timeout, self.source_address)  # as smtplib does
        seconds = timeout if isinstance(timeout, int | float) and timeout else DEFAULT_TIMEOUT
        return open_socket(proxy, host, port, timeout=float(seconds))


class ProxiedSMTP(_Tunnel):
    """``smtplib.SMTP`` through ``route`` (a :class:`Route`, a :class:`Proxy`, or None)."""

    def __init__(self, host: str = "", port: int = 0, *, route: Route | Proxy | None, **kwargs: Any) -> None:
        self._route = route
        super().__init__(host, port, **kwargs)


class ProxiedSMTP_SSL(smtplib.SMTP_SSL, _Tunnel):
    """``smtplib.SMTP_SSL`` (implicit TLS, port 465) through ``route``."""

    def __init__(self, host: str = "", port: int = 0, *, route: Route | Proxy | None, **kwargs: Any) -> None:
        self._route = route
        super().__init__(host, port, **kwargs)
