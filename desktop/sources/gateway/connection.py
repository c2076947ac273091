"""Opening the gateway's stream, and turning every way a session ends into words for the user.

:func:`classify` is the gateway's counterpart of ``desktop.sources.imap.connection.classify``:
OFFLINE outcomes are retried with backoff; AUTH_FAILED and ERROR stop retries
until the user acts (``reconnect_now``), so a revoked token or a bad
certificate never turns into a reconnect storm.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import ssl
from types import TracebackType
from urllib.parse import urlencode, urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
    WebSocketException,
)

from desktop.config.secrets import SecretError
from desktop.core.events import ConnectionState
from desktop.core.i18n import lazy
from desktop.sources.net import (
    CaFileError,
    ProxyAuthError,
    ProxyConfigError,
    ProxyError,
    Route,
    client_context,
    network,
)
from desktop.sources.net import classify as proxy_failure
from desktop.sources.net.websocket import websocket_proxy
from desktop.sources.tls import GATEWAY_CA_FILE, describe_certificate_problem

PROTOCOL = 1
CLOSE_UNAUTHORIZED = 4401
CLOSE_BAD_REQUEST = 4400
AUTH_MESSAGE = lazy.translate("Status", "The gateway rejected the sign-in token")
LOST_MESSAGE = lazy.translate("Status", "The connection to the gateway was lost")
MAX_FRAME = 16 * 1024 * 1024


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """How a session ended. OFFLINE: retry with backoff; AUTH_FAILED / ERROR: wait for the user."""

    state: ConnectionState
    message: str


class SessionEnd(Exception):
    """End the session with this outcome (no hello, an unsupported protocol, no token...)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome


def stream_url(base: str, since: int, at: str = "") -> str:
    """``wss://host[/prefix]`` → ``wss://host[/prefix]/v1/stream?since=N[&at=ID]``; http(s) maps to ws(s).

    ``at`` is the id of the event stored at position ``since``: with it the gateway can
    tell that a restored backup reuses that sequence number for another event.
    """
    base = base.strip().rstrip("/")
    for old, new in (("https://", "wss://"), ("http://", "ws://")):
        if base.lower().startswith(old):
            base = new + base[len(old) :]
    query = {"since": str(since), **({"at": at} if at else {})}
    return f"{base}/v1/stream?{urlencode(query)}"


def tls_context(url: str, ca_file: str) -> ssl.SSLContext | None:
    """Verification always on for wss://: the system's trust store (a company CA IT installed
    just works) plus the gateway's CA file. None for ws://."""
    if not stream_url(url, 0).lower().startswith("wss://"):
        return None
    try:
        return client_context(ca_file or None)
    except CaFileError as exc:
        raise SessionEnd(Outcome(ConnectionState.ERROR, exc.args[0] if exc.args else str(exc))) from exc


def open_stream(
    url: str, token: str, tls: ssl.SSLContext | None, *, open_timeout: float, ping_interval: float
) -> Stream:
    """The websocket connection, as an async context manager. The token goes in a header only."""
    return Stream(
        url,
        additional_headers={"Authorization": f"Bearer {token}"},
        ssl=tls,
        open_timeout=open_timeout,
        ping_interval=ping_interval,
        ping_timeout=ping_interval,
        close_timeout=2.0,
        max_size=MAX_FRAME,
        user_agent_header="Tidings",
    )


class Stream:
    """websockets' ``connect`` by the way the ``[network]`` settings give for the gateway.

    The route is resolved on entering (in a thread: a PAC file may be fetched, the keyring
    asked), and ``proxy=`` is always passed, None for direct: websockets' default would
    follow ``https_proxy`` by itself, and ``none`` must mean none. Failures at the proxy,
    or of a direct connection a failed PAC file chose, end the session with their words.
    """

    def __init__(self, url: str, **kwargs: object) -> None:
        self.url = url
        self._kwargs = kwargs
        self._connect: connect | None = None

    async def __aenter__(self) -> ClientConnection:
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "wss" else 80)
        route = await _route(parts.scheme, host, port)
        self._connect = connect(self.url, proxy=websocket_proxy(route), **self._kwargs)  # type: ignore[arg-type]
        try:
            return await self._connect.__aenter__()
        except Exception as exc:
            outcome = _route_failure(exc, route, self.url, host, port)
            if outcome is None:
                raise
            raise SessionEnd(outcome) from exc

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._connect is not None:
            await self._connect.__aexit__(exc_type, exc, traceback)


async def _route(scheme: str, host: str, port: int) -> Route:
    try:
        return await asyncio.to_thread(network.route, scheme, host, port)
    except ProxyAuthError as exc:  # no proxy password stored: the user must act
        raise SessionEnd(Outcome(ConnectionState.AUTH_FAILED, exc.message)) from exc
    except ProxyConfigError as exc:
        raise SessionEnd(Outcome(ConnectionState.ERROR, exc.args[0] if exc.args else str(exc))) from exc
    except SecretError as exc:
        raise SessionEnd(
            Outcome(
                ConnectionState.ERROR,
                lazy.translate("Status", "Cannot get the proxy password: {0}").format(exc),
            )
        ) from exc


def _route_failure(exc: Exception, route: Route, url: str, host: str, port: int) -> Outcome | None:
    """The outcome of a failed opening the proxy or the route explains, else None.

    A refused proxy password stops retries as a rejected token does; a proxy that cannot
    be reached, or cannot reach the gateway, is an outage."""
    error: ProxyError | None = proxy_failure(exc, route.proxy, host, port)
    if isinstance(error, ProxyAuthError):
        return Outcome(ConnectionState.AUTH_FAILED, error.message)
    if error is not None:
        return Outcome(ConnectionState.OFFLINE, error.message)
    if route.direct and route.warning:
        outcome = classify(exc, url, online=False)
        if outcome.state is ConnectionState.OFFLINE:
            return Outcome(outcome.state, network.with_warning(outcome.message, route))
    return None


# Exceptions a session may end with; anything else is a bug, logged by the caller.
EXPECTED = (SessionEnd, WebSocketException, OSError)


def classify(exc: BaseException, url: str, online: bool) -> Outcome:
    """Map how a session ended to a state and a sentence; ``online``: it got past hello.

    Never includes the token. Order matters: subclasses before their bases.
    """
    if isinstance(exc, SessionEnd):
        return exc.outcome
    if isinstance(exc, ConnectionClosed):
        return _closed(exc)
    if isinstance(exc, InvalidStatus):
        status = exc.response.status_code
        if status in (401, 403):
            return Outcome(ConnectionState.AUTH_FAILED, AUTH_MESSAGE)
        return Outcome(
            ConnectionState.OFFLINE, lazy.translate("Status", "The gateway answered HTTP {0}").format(status)
        )
    if isinstance(exc, InvalidURI):
        return Outcome(
            ConnectionState.ERROR,
            lazy.translate("Status", "The gateway address {0} is not valid").format(repr(url)),
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        host = urlsplit(url).hostname or "the gateway"
        return Outcome(ConnectionState.ERROR, describe_certificate_problem(exc, host, GATEWAY_CA_FILE))
    if isinstance(exc, ssl.SSLError):
        if online:  # broke mid-session: the network, not the configuration
            return Outcome(ConnectionState.OFFLINE, LOST_MESSAGE)
        return Outcome(
            ConnectionState.ERROR,
            lazy.translate("Status", "A secure connection to the gateway failed: {0}").format(exc.reason),
        )
    if isinstance(exc, TimeoutError):
        return Outcome(ConnectionState.OFFLINE, lazy.translate("Status", "The gateway did not answer"))
    if isinstance(exc, InvalidHandshake):
        return Outcome(
            ConnectionState.OFFLINE, lazy.translate("Status", "The gateway handshake failed: {0}").format(exc)
        )
    if isinstance(exc, OSError):
        return Outcome(ConnectionState.OFFLINE, _unreachable(exc))
    # A protocol violation on the wire, or anything else.
    return Outcome(
        ConnectionState.OFFLINE, lazy.translate("Status", "The gateway connection failed: {0}").format(exc)
    )


def _closed(exc: ConnectionClosed) -> Outcome:
    code = exc.rcvd.code if exc.rcvd is not None else None
    if code == CLOSE_UNAUTHORIZED:
        return Outcome(ConnectionState.AUTH_FAILED, AUTH_MESSAGE)
    if code == CLOSE_BAD_REQUEST:
        reason = exc.rcvd.reason if exc.rcvd is not None else ""
        return Outcome(
            ConnectionState.ERROR,
            lazy.translate("Status", "The gateway refused the request: {0}").format(reason or code),
        )
    return Outcome(ConnectionState.OFFLINE, LOST_MESSAGE)


def _unreachable(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return lazy.translate(
            "Status", "Cannot find the gateway's server name (check the address or the network)"
        )
    if isinstance(exc, ConnectionRefusedError) or "Connect call failed" in str(exc):
        return lazy.translate("Status", "The gateway is not answering (connection refused)")
    return lazy.translate("Status", "Cannot reach the gateway ({0})").format(exc.strerror or exc)
