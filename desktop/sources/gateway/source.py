"""The websocket connection to the company gateway (protocol v1), plain asyncio.

Lifecycle: ``start(emit)`` on the running loop → connect with the token from
the keyring (or ``token_command``) → ``hello`` → replay from the stored
sequence number, then live events → on any drop, reconnect with exponential
backoff and full jitter. A rejected token (close 4401 / HTTP 401) or a
configuration problem (certificate, bad address, unsupported protocol) stops
retrying until :meth:`reconnect_now`, so a revoked token never turns into a
reconnect storm.

Durability: the last processed sequence number is sync state ``seq`` of source
``gateway``, written in the same store transaction as the items it covers.
A brand-new store connects with ``since=-1`` and keeps the gateway's current
sequence as its starting point, so a new install is not flooded with history.

The outbox (user actions) — the app calls ``store.enqueue("gateway", action,
payload, item_id=...)`` then :meth:`outbox_changed`:

==============  ===========================================  ==================
action          payload                                      frame sent
==============  ===========================================  ==================
``reply``       ``{"conversation": cid, "text": s}``         ``chat.send``
``approve``     ``{"approval": aid, "comment": s}``          ``approval.decide``
``reject``      ``{"approval": aid, "comment": s}``          ``approval.decide``
``mark_read``   ``{"item": REF}``                            ``item.read``
==============  ===========================================  ==================

Missing ids are derived from ``item_id`` (``gw:approval:<aid>``; a chat
message's conversation from its thread key; REF for mark_read). The outbox
entry id is the action id on the wire, so a resend after a reconnect is
answered once by the gateway. ``ok`` → entry done (approve/reject also set the
item's state). ``ok: false`` → entry ``failed`` with the gateway's message,
which is also put on the item as ``payload["last_error"]``; for
``already_resolved`` the item shows the state the approval really ended in.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
    WebSocketException,
)

from desktop.config.secrets import GATEWAY_KEY, SecretError, get_secret
from desktop.config.settings import GatewaySettings
from desktop.core.backoff import full_jitter
from desktop.core.events import (
    ConnectionState,
    ItemChange,
    ItemsChanged,
    OutboxSettled,
    OutboxStatus,
    SourceEvent,
    SourceStatus,
    SyncStateSet,
)
from desktop.core.item import Item, Kind
from desktop.sources.base import Emit, StoreReader
from desktop.sources.gateway.batch import SEQ_KEY, Batch
from desktop.sources.gateway.mapping import (
    RESOLVED_ACTIONS,
    SOURCE_ID,
    Malformed,
    action_frame,
    approval_id,
    map_event,
)
from desktop.sources.tls import describe_certificate_problem

log = logging.getLogger(__name__)

PROTOCOL = 1
CLOSE_UNAUTHORIZED = 4401
CLOSE_BAD_REQUEST = 4400
AUTH_MESSAGE = "The gateway rejected the sign-in token"
# A session shorter than this does not reset the backoff: a gateway that accepts
# and drops at once must not be hammered.
STABLE_AFTER_S = 5.0


@dataclasses.dataclass(frozen=True, slots=True)
class _Outcome:
    state: ConnectionState  # OFFLINE: retry with backoff; AUTH_FAILED / ERROR: wait for reconnect_now
    message: str
    online_for: float = 0.0


class _Stop(Exception):
    """The session must end with this outcome (no hello, unsupported protocol)."""

    def __init__(self, outcome: _Outcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome


def stream_url(base: str, since: int) -> str:
    """``wss://host[/prefix]`` → ``wss://host[/prefix]/v1/stream?since=N``; http(s) maps to ws(s)."""
    base = base.strip().rstrip("/")
    for old, new in (("https://", "wss://"), ("http://", "ws://")):
        if base.lower().startswith(old):
            base = new + base[len(old) :]
    return f"{base}/v1/stream?since={since}"


class GatewaySource:
    id = SOURCE_ID

    def __init__(
        self,
        settings: GatewaySettings,
        store: StoreReader,
        *,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        ping_interval: float = 20.0,
        open_timeout: float = 15.0,
        batch_max: int = 500,
        batch_linger: float = 0.05,
    ) -> None:
        self.settings = settings
        self.store = store
        host = urlsplit(stream_url(settings.url, 0)).hostname if settings.url else None
        self.display_name = f"Company gateway ({host})" if host else "Company gateway"
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._ping_interval = ping_interval
        self._open_timeout = open_timeout
        self._batch_max = batch_max
        self._batch_linger = batch_linger

        self._emit: Emit | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0  # reconnect_now / outbox_changed may come from other threads
        self._task: asyncio.Task[None] | None = None
        self._session: asyncio.Task[_Outcome] | None = None
        self._wake = asyncio.Event()  # reconnect_now: end a backoff or a stopped state
        self._outbox_wake = asyncio.Event()
        self._blocked = False  # AUTH_FAILED / ERROR: no retries until reconnect_now
        self._attempt = 0
        self._stopping = False

        self._user = ""
        self._hello_seq = -1
        self._seq: int | None = None  # last event processed on this connection
        self._sent: set[str] = set()  # outbox ids sent on this connection
        self.online = False
        self.connect_attempts = 0  # for diagnostics and tests

    # -- Source protocol ------------------------------------------------------------

    def start(self, emit: Emit) -> None:
        """Call on the thread of the loop the source runs on (the qasync loop in the app)."""
        if self._task is not None:
            return
        self._emit = emit
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:  # started before the loop runs: it begins once the loop does
            self._loop = asyncio.get_event_loop_policy().get_event_loop()
        self._loop_thread = threading.get_ident()
        self._stopping = False
        self._task = self._loop.create_task(self._run(), name="gateway-source")

    async def stop(self) -> None:
        self._stopping = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.online = False

    def reconnect_now(self) -> None:
        self._call_on_loop(self._reconnect_now)

    def outbox_changed(self) -> None:
        self._call_on_loop(self._outbox_wake.set)

    # -- plumbing -------------------------------------------------------------------

    def _call_on_loop(self, fn: Callable[[], None]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if self._loop_thread == threading.get_ident():
            fn()
        else:
            loop.call_soon_threadsafe(fn)

    def _reconnect_now(self) -> None:
        self._blocked = False
        self._attempt = 0
        self._wake.set()
        if self._session is not None and not self._session.done():
            self._session.cancel()

    def _send_event(self, event: SourceEvent) -> None:
        if self._emit is not None:
            self._emit(event)

    def _status(self, state: ConnectionState, message: str = "") -> None:
        self._send_event(SourceStatus(SOURCE_ID, state, message))

    def _stored_seq(self) -> int | None:
        value = self.store.sync_state(SOURCE_ID).get(SEQ_KEY)
        try:
            return int(value) if value is not None else None
        except ValueError:
            log.warning("ignoring a damaged stored gateway sequence %r", value)
            return None

    def _next_delay(self) -> float:
        delay = full_jitter(self._attempt, self._backoff_base, self._backoff_cap)
        self._attempt += 1
        return delay

    # -- connection loop --------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            if self._blocked:
                await self._wake.wait()
            self._wake.clear()
            self._blocked = False
            self._session = asyncio.create_task(self._connect_once())
            try:
                await asyncio.wait({self._session})
            except asyncio.CancelledError:
                self._session.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._session
                raise
            self.online = False
            if self._session.cancelled():  # reconnect_now during a session: go again at once
                continue
            try:
                outcome = self._session.result()
            except Exception as exc:  # a bug or a store failure must not end the source for good
                log.exception("gateway session failed")
                outcome = _Outcome(ConnectionState.OFFLINE, f"Unexpected problem: {exc}")
            if outcome.state in (ConnectionState.AUTH_FAILED, ConnectionState.ERROR):
                self._blocked = True
                self._status(outcome.state, outcome.message)
                continue
            if outcome.online_for >= STABLE_AFTER_S:
                self._attempt = 0
            delay = self._next_delay()
            self._status(ConnectionState.OFFLINE, f"{outcome.message}; retrying in {max(1, round(delay))} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _connect_once(self) -> _Outcome:
        self.connect_attempts += 1
        self._status(ConnectionState.CONNECTING)
        url = self.settings.url
        if not url:
            return _Outcome(ConnectionState.ERROR, "No gateway address is set")
        try:
            token = await asyncio.to_thread(
                get_secret, GATEWAY_KEY, self.settings.token_command, what="gateway token"
            )
        except SecretError as exc:
            return _Outcome(ConnectionState.AUTH_FAILED, f"No gateway token: {exc}")
        ssl_context: ssl.SSLContext | None = None
        if stream_url(url, 0).lower().startswith("wss://"):
            try:
                ssl_context = ssl.create_default_context(cafile=self.settings.ca_file or None)
            except (OSError, ssl.SSLError) as exc:
                return _Outcome(
                    ConnectionState.ERROR, f"The CA file {self.settings.ca_file} cannot be used: {exc}"
                )
        stored = self._stored_seq()
        since = stored if stored is not None else -1
        started: float | None = None
        try:
            async with connect(
                stream_url(url, since),
                additional_headers={"Authorization": f"Bearer {token}"},
                ssl=ssl_context,
                open_timeout=self._open_timeout,
                ping_interval=self._ping_interval,
                ping_timeout=self._ping_interval,
                close_timeout=2.0,
                max_size=16 * 1024 * 1024,
                user_agent_header="Tidings",
            ) as ws:
                started = await self._hello(ws, stored)
                await self._serve(ws)
            return _Outcome(ConnectionState.OFFLINE, "The gateway closed the connection", _since(started))
        except _Stop as stop:
            return dataclasses.replace(stop.outcome, online_for=_since(started))
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else None
            if code == CLOSE_UNAUTHORIZED:
                return _Outcome(ConnectionState.AUTH_FAILED, AUTH_MESSAGE)
            if code == CLOSE_BAD_REQUEST:
                reason = exc.rcvd.reason if exc.rcvd is not None else ""
                return _Outcome(ConnectionState.ERROR, f"The gateway refused the request: {reason or code}")
            return _Outcome(
                ConnectionState.OFFLINE, "The connection to the gateway was lost", _since(started)
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403):
                return _Outcome(ConnectionState.AUTH_FAILED, AUTH_MESSAGE)
            return _Outcome(ConnectionState.OFFLINE, f"The gateway answered HTTP {status}")
        except InvalidURI:
            return _Outcome(ConnectionState.ERROR, f"The gateway address {url!r} is not valid")
        except ssl.SSLCertVerificationError as exc:
            host = urlsplit(url).hostname or "the gateway"
            return _Outcome(
                ConnectionState.ERROR,
                describe_certificate_problem(exc, host, "the gateway's CA file in Settings"),
            )
        except ssl.SSLError as exc:
            if started is not None:  # broke mid-session: the network, not the configuration
                return _Outcome(
                    ConnectionState.OFFLINE, "The connection to the gateway was lost", _since(started)
                )
            return _Outcome(ConnectionState.ERROR, f"A secure connection to the gateway failed: {exc.reason}")
        except TimeoutError:
            return _Outcome(ConnectionState.OFFLINE, "The gateway did not answer", _since(started))
        except InvalidHandshake as exc:
            return _Outcome(ConnectionState.OFFLINE, f"The gateway handshake failed: {exc}")
        except OSError as exc:
            return _Outcome(ConnectionState.OFFLINE, _unreachable(exc), _since(started))
        except WebSocketException as exc:  # a protocol violation on the wire
            return _Outcome(ConnectionState.OFFLINE, f"The gateway connection failed: {exc}", _since(started))

    async def _hello(self, ws: ClientConnection, stored: int | None) -> float:
        try:
            raw = await asyncio.wait_for(ws.recv(), self._open_timeout)
            hello = json.loads(raw)
        except (TimeoutError, ValueError) as exc:
            raise _Stop(_Outcome(ConnectionState.OFFLINE, "The gateway did not say hello")) from exc
        if not isinstance(hello, dict) or hello.get("type") != "hello":
            raise _Stop(_Outcome(ConnectionState.OFFLINE, "The gateway did not say hello"))
        if hello.get("protocol") != PROTOCOL:
            raise _Stop(
                _Outcome(
                    ConnectionState.ERROR,
                    f"The gateway speaks protocol {hello.get('protocol')}; this Tidings speaks {PROTOCOL}",
                )
            )
        seq = hello.get("seq")
        self._user = str(hello.get("user") or "")
        self._hello_seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else -1
        if stored is None or self._hello_seq < stored:
            if stored is not None:
                # The gateway lost its history (restored from an old backup, reset):
                # our resume point is in its future, and would hide every new event.
                log.warning("gateway sequence went back from %d to %d; resyncing", stored, self._hello_seq)
            self._send_event(SyncStateSet(SOURCE_ID, {SEQ_KEY: str(self._hello_seq)}))
            stored = self._hello_seq
        self._seq = stored
        self._sent.clear()
        self.online = True
        self._status(ConnectionState.ONLINE)
        return time.monotonic()

    async def _serve(self, ws: ClientConnection) -> None:
        writer = asyncio.create_task(self._write_outbox(ws))
        batch = Batch(self.store.unread_in_thread)
        recv: asyncio.Task[Any] | None = None
        try:
            while True:
                if writer.done():
                    writer.result()  # a send failed: surface ConnectionClosed
                recv = recv or asyncio.create_task(ws.recv())
                # With events pending, wait a moment for more (a replay) before storing them;
                # the recv task is kept, not cancelled, so no frame can be lost.
                done, _ = await asyncio.wait(
                    {recv, writer},
                    timeout=self._batch_linger if len(batch) else None,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if recv not in done:
                    self._flush(batch)
                    continue
                raw, recv = recv.result(), None
                self._on_frame(raw, batch)
                if len(batch) >= self._batch_max or (self._seq is not None and self._seq >= self._hello_seq):
                    self._flush(batch)
        finally:
            # Whatever was received is stored with its seq, however the session ends.
            self._flush(batch)
            writer.cancel()
            if recv is not None:
                recv.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer

    def _flush(self, batch: Batch) -> None:
        if len(batch):
            for event in batch.take():
                self._send_event(event)

    # -- incoming frames --------------------------------------------------------------

    def _on_frame(self, raw: str | bytes, batch: Batch) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            log.warning("gateway sent a frame that is not JSON; ignored")
            return
        if not isinstance(frame, dict):
            log.warning("gateway sent a frame that is not an object; ignored")
            return
        kind = frame.get("type")
        if kind == "event":
            self._on_event(frame, batch)
        elif kind == "result":
            self._flush(batch)  # a result may refer to what those events changed
            self._on_result(frame)
        elif kind == "error":
            log.warning("gateway reported an error: %s", frame.get("error"))
        else:
            log.info("ignoring gateway frame of type %r", kind)

    def _on_event(self, frame: dict[str, Any], batch: Batch) -> None:
        seq = frame.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            log.warning("gateway event without a sequence number; ignored")
            return
        if self._seq is not None and seq <= self._seq:
            return  # already stored: a replay overlapping what we have
        try:
            mapped = map_event(frame.get("event"), self._user)
        except Malformed as exc:
            log.warning("skipping malformed gateway event #%d: %s", seq, exc)
            mapped = None
        except Exception:
            log.exception("skipping gateway event #%d that could not be mapped", seq)
            mapped = None
        if mapped is not None:
            for item in mapped.items:
                self._title_direct_chat(item)
        batch.add(seq, mapped)  # even a skipped event advances seq: one bad event cannot wedge us
        self._seq = seq

    def _title_direct_chat(self, item: Item) -> None:
        """My own message in a direct chat: name the row after the other person, as their messages do."""
        if (
            item.kind is not Kind.CHAT
            or item.unread
            or item.payload.get("conversation", {}).get("kind") != "direct"
        ):
            return
        for earlier in reversed(self.store.thread(item.thread_key, limit=20)):
            if earlier.payload.get("message", {}).get("sender", {}).get("id") != self._user:
                item.title = earlier.sender or item.title
                return

    def _on_result(self, frame: dict[str, Any]) -> None:
        entry_id = frame.get("id")
        entry = self.store.outbox_entry(entry_id) if isinstance(entry_id, str) else None
        if entry is None or entry.source != SOURCE_ID or entry.status != "pending":
            return  # an answer to something already settled (a resend)
        self._sent.discard(entry.id)
        decision = entry.action in ("approve", "reject")
        item_id = entry.item_id
        if decision and not item_id and isinstance(entry.payload.get("approval"), str):
            item_id = approval_id(entry.payload["approval"])
        # Actions.decide marks the item "pending_decision" until the gateway answers.
        settled: dict[str, Any] = {"pending_decision": None} if decision else {}
        if frame.get("ok") is True:
            self._settle(entry.id, OutboxStatus.DONE)
            if decision and item_id:
                state = "approved" if entry.action == "approve" else "rejected"
                self._change(
                    ItemChange(
                        item_id,
                        state=state,
                        actions=RESOLVED_ACTIONS,
                        payload_update={**settled, "last_error": None},
                    )
                )
            return
        error = frame.get("error") if isinstance(frame.get("error"), dict) else {}
        code = str(error.get("code") or "error")
        message = str(error.get("message") or code)
        self._settle(entry.id, OutboxStatus.FAILED, message)
        log.info("gateway refused %s %s: %s (%s)", entry.action, entry.id, message, code)
        if not item_id:
            return
        final = self._final_state(frame, item_id) if decision else ""
        if final:  # decided elsewhere first: show how it really ended
            change = ItemChange(
                item_id,
                state=final,
                actions=RESOLVED_ACTIONS,
                payload_update={**settled, "last_error": message},
            )
        else:
            change = ItemChange(item_id, payload_update={**settled, "last_error": message})
        self._change(change)

    def _final_state(self, frame: dict[str, Any], item_id: str) -> str:
        """The state an approval really ended in: from the result, else from the stored resolution."""
        data = frame.get("data") if isinstance(frame.get("data"), dict) else {}
        for candidate in (
            data.get("state"),
            (data.get("approval") or {}).get("state") if isinstance(data.get("approval"), dict) else None,
        ):
            if isinstance(candidate, str) and candidate in ("approved", "rejected", "withdrawn"):
                return candidate
        item = self.store.get_item(item_id)
        resolution = item.payload.get("resolution") if item is not None else None
        if isinstance(resolution, dict) and isinstance(resolution.get("state"), str):
            return resolution["state"]
        error = frame.get("error") if isinstance(frame.get("error"), dict) else {}
        return "resolved" if error.get("code") == "already_resolved" else ""

    def _settle(self, entry_id: str, status: OutboxStatus, message: str = "") -> None:
        # On the loop thread the pipeline records this before emit returns.
        self._send_event(OutboxSettled(SOURCE_ID, entry_id, status, message))

    def _change(self, change: ItemChange) -> None:
        self._send_event(ItemsChanged(SOURCE_ID, [change]))

    # -- outgoing actions ---------------------------------------------------------------

    async def _write_outbox(self, ws: ClientConnection) -> None:
        while True:
            self._outbox_wake.clear()
            for entry in self.store.pending(SOURCE_ID):
                if entry.id in self._sent:
                    continue  # sent on this connection; the answer is on its way
                thread_key = ""
                if entry.item_id.startswith("gw:msg:"):
                    item = self.store.get_item(entry.item_id)
                    thread_key = item.thread_key if item is not None else ""
                try:
                    frame = action_frame(entry.action, entry.payload, entry.id, entry.item_id, thread_key)
                except Malformed as exc:
                    log.warning("outbox entry %s cannot be sent: %s", entry.id, exc)
                    self._settle(entry.id, OutboxStatus.FAILED, str(exc))
                    continue
                self._settle(entry.id, OutboxStatus.ATTEMPTED)
                self._sent.add(entry.id)
                await ws.send(json.dumps(frame, ensure_ascii=False))
            await self._outbox_wake.wait()


def _unreachable(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return "Cannot find the gateway's server name (check the address or the network)"
    if isinstance(exc, ConnectionRefusedError) or "Connect call failed" in str(exc):
        return "The gateway is not answering (connection refused)"
    return f"Cannot reach the gateway ({exc.strerror or exc})"


def _since(started: float | None) -> float:
    return time.monotonic() - started if started is not None else 0.0
