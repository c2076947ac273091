"""The websocket connection to the company gateway (protocol v1), plain asyncio.

Lifecycle: ``start(emit)`` on the running loop → connect with the token from
the keyring (or ``token_command``) → ``hello`` → replay from the stored
sequence number, then live events → on any drop, reconnect with exponential
backoff and full jitter. How a session ended is classified in
``connection.py``: a rejected token or a configuration problem stops retrying
until :meth:`reconnect_now`. Queued user actions: ``outbox.py``.

Durability: the last processed sequence number is sync state ``seq`` of source
``gateway``, and the id of the event at that position is ``seq_id``, both
written in the same store transaction as the items they cover. A brand-new
store connects with ``since=-1`` and keeps the gateway's current sequence as
its starting point, so a new install is not flooded with history.

A gateway restored from a backup may reuse sequence numbers for other events.
The client resumes with ``since=<seq>&at=<seq_id>``; a gateway that does not
hold that event at that seq answers ``hello`` with ``"reset": true`` and
replays the user's whole stream, which the client takes from position 0:
the store ignores item ids it already has, so each event reaches the inbox
once. An older gateway without ``reset`` signals lost history only by
``hello.seq < since``; the client then takes ``hello.seq`` as its position.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection

from desktop.config.secrets import GATEWAY_KEY, SecretError, get_secret
from desktop.config.settings import GatewaySettings
from desktop.core.backoff import Backoff
from desktop.core.events import ConnectionState, SourceEvent, SourceStatus, SyncStateSet
from desktop.core.i18n import lazy
from desktop.core.item import Item, Kind
from desktop.core.text import may_hold_surrogates, replace_lone_surrogates
from desktop.sources.base import Emit, StoreReader
from desktop.sources.gateway.batch import SEQ_ID_KEY, SEQ_KEY, Batch
from desktop.sources.gateway.connection import (
    EXPECTED,
    PROTOCOL,
    Outcome,
    SessionEnd,
    classify,
    open_stream,
    stream_url,
    tls_context,
)
from desktop.sources.gateway.mapping import SOURCE_ID, Malformed, map_event
from desktop.sources.gateway.outbox import GatewayOutbox

if TYPE_CHECKING:
    from desktop.sources.gateway.sso import GatewaySignIn

__all__ = ["GatewaySource", "stream_url"]

_RETRYING = lazy.translate("Status", "{0}; retrying in {1} s")
log = logging.getLogger(__name__)

NO_HELLO = Outcome(ConnectionState.OFFLINE, lazy.translate("Status", "The gateway did not say hello"))
#: while waiting for the user to sign in again, look for a new sign-in this often
SIGN_IN_POLL_S = 2.0


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
        self._ping_interval = ping_interval
        self._open_timeout = open_timeout
        self._batch_max = batch_max
        self._batch_linger = batch_linger

        self._emit: Emit | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0  # reconnect_now / outbox_changed may come from other threads
        self._task: asyncio.Task[None] | None = None
        self._session: asyncio.Task[Outcome] | None = None
        self._wake = asyncio.Event()  # reconnect_now: end a backoff or a stopped state
        self._blocked = False  # AUTH_FAILED / SIGN_IN_AGAIN / ERROR: no retries until reconnect_now
        # Reset by a session that stayed up a while after hello, and by reconnect_now.
        self.backoff = Backoff(backoff_base, backoff_cap)
        self._stopping = False
        self._outbox = GatewayOutbox(store, self._send_event)
        # [gateway] sign_in = "sso": sessions from the company's provider instead of a token.
        self.sign_in: GatewaySignIn | None = None
        if settings.sso:
            # Imported here: the sign-in brings httpx and Authlib (~25 MB), which a gateway
            # token does not need.
            from desktop.sources.gateway.sso import GatewaySignIn

            self.sign_in = GatewaySignIn(settings)

        self._user = ""
        self._hello_seq = -1
        self._seq: int | None = None  # last event processed on this connection
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
        self._call_on_loop(self._outbox.wake.set)

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
        self.backoff.reset()
        self._wake.set()
        if self._session is not None and not self._session.done():
            self._session.cancel()

    def _send_event(self, event: SourceEvent) -> None:
        if self._emit is not None:
            self._emit(event)

    def _status(self, state: ConnectionState, message: str = "") -> None:
        self._send_event(SourceStatus(SOURCE_ID, state, message))

    def _stored_position(self) -> tuple[int | None, str]:
        """(the last stored seq or None, the id of the event at it or "")."""
        state = self.store.sync_state(SOURCE_ID)
        value = state.get(SEQ_KEY)
        try:
            seq = int(value) if value is not None else None
        except ValueError:
            log.warning("ignoring a damaged stored gateway sequence %r", value)
            return None, ""
        return seq, state.get(SEQ_ID_KEY, "") if seq is not None else ""

    def _set_position(self, seq: int) -> None:
        """A position taken from the gateway, not from an event: no event id goes with it."""
        self._send_event(SyncStateSet(SOURCE_ID, {SEQ_KEY: str(seq), SEQ_ID_KEY: ""}))

    # -- connection loop --------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            if self._blocked:
                await self._wait_for_user()
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
            self.backoff.down()
            if self._session.cancelled():  # reconnect_now during a session: go again at once
                continue
            try:
                outcome = self._session.result()
            except Exception as exc:  # a bug or a store failure must not end the source for good
                log.exception("gateway session failed")
                outcome = Outcome(
                    ConnectionState.OFFLINE, lazy.translate("Status", "Unexpected problem: {0}").format(exc)
                )
            if outcome.state in (
                ConnectionState.AUTH_FAILED,
                ConnectionState.SIGN_IN_AGAIN,
                ConnectionState.ERROR,
            ):
                self._blocked = True
                self._status(outcome.state, outcome.message)
                continue
            delay = self.backoff.next_delay()
            self._status(ConnectionState.OFFLINE, _RETRYING.format(outcome.message, max(1, round(delay))))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _wait_for_user(self) -> None:
        """Blocked (AUTH_FAILED, SIGN_IN_AGAIN, ERROR) until reconnect_now; with SSO also until a
        new sign-in is stored (``tidings gateway login`` in another process, or the Sign in
        button), looked for every few seconds."""
        while not self._wake.is_set():
            if self.sign_in is None:
                await self._wake.wait()
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), SIGN_IN_POLL_S)
            if not self._wake.is_set() and await self.sign_in.has_new_sign_in():
                log.info("a new gateway sign-in was stored; connecting again")
                self.backoff.reset()
                return

    async def _connect_once(self) -> Outcome:
        """One session, from the token to the end of the stream: how it ended."""
        self.connect_attempts += 1
        self.online = False
        self._status(ConnectionState.CONNECTING)
        url = self.settings.url
        try:
            if not url:
                raise SessionEnd(
                    Outcome(ConnectionState.ERROR, lazy.translate("Status", "No gateway address is set"))
                )
            token = await self._token()
            tls = tls_context(url, self.settings.ca_file)
            stored, at = self._stored_position()
            since = stored if stored is not None else -1
            stream = open_stream(
                stream_url(url, since, at),
                token,
                tls,
                open_timeout=self._open_timeout,
                ping_interval=self._ping_interval,
            )
            async with stream as ws:
                await self._hello(ws, stored)
                await self._serve_renewing(ws)
            return Outcome(
                ConnectionState.OFFLINE, lazy.translate("Status", "The gateway closed the connection")
            )
        except EXPECTED as exc:
            return self._refused_session(exc, classify(exc, url, online=self.online))

    def _refused_session(self, exc: BaseException, outcome: Outcome) -> Outcome:
        """With SSO, the gateway refusing our session (4401) means it expired (renew: retry) or
        was revoked (SIGN_IN_AGAIN), not a bad token."""
        if (
            self.sign_in is None
            or isinstance(exc, SessionEnd)
            or outcome.state is not ConnectionState.AUTH_FAILED
        ):
            return outcome
        if self.sign_in.expired():
            return Outcome(
                ConnectionState.OFFLINE,
                lazy.translate("Status", "The gateway session ended before it was renewed"),
            )
        self.sign_in.ended_by_gateway()
        from desktop.sources.gateway.sso import ENDED_BY_GATEWAY

        return Outcome(ConnectionState.SIGN_IN_AGAIN, ENDED_BY_GATEWAY)

    async def _serve_renewing(self, ws: ClientConnection) -> None:
        """``_serve``, and with SSO the session's renewal beside it; whichever ends first ends both."""
        if self.sign_in is None:
            await self._serve(ws)
            return
        tasks = {asyncio.create_task(self._serve(ws)), asyncio.create_task(self.sign_in.keep_fresh())}
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _token(self) -> str:
        if self.sign_in is not None:
            return await self.sign_in.session_token()
        try:
            return await asyncio.to_thread(
                get_secret, GATEWAY_KEY, self.settings.token_command, what="gateway token"
            )
        except SecretError as exc:
            raise SessionEnd(
                Outcome(
                    ConnectionState.AUTH_FAILED, lazy.translate("Status", "No gateway token: {0}").format(exc)
                )
            ) from exc

    async def _hello(self, ws: ClientConnection, stored: int | None) -> None:
        try:
            raw = await asyncio.wait_for(ws.recv(), self._open_timeout)
            hello = _decode(raw)
        except (TimeoutError, ValueError) as exc:
            raise SessionEnd(NO_HELLO) from exc
        if not isinstance(hello, dict) or hello.get("type") != "hello":
            raise SessionEnd(NO_HELLO)
        if hello.get("protocol") != PROTOCOL:
            raise SessionEnd(
                Outcome(
                    ConnectionState.ERROR,
                    lazy.translate(
                        "Status", "The gateway speaks protocol {0}; this Tidings speaks {1}"
                    ).format(hello.get("protocol"), PROTOCOL),
                )
            )
        seq = hello.get("seq")
        self._user = str(hello.get("user") or "")
        self._hello_seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else -1
        self._seq = self._resume_point(stored, hello.get("reset") is True)
        self._outbox.connected()
        self.online = True
        self.backoff.up()
        self._status(ConnectionState.ONLINE)

    def _resume_point(self, stored: int | None, reset: bool) -> int:
        """The position this connection continues from, persisted when it is not ``stored``."""
        if reset:
            # The gateway does not hold our event at our seq (a restored backup reused the
            # numbers) and replays its whole stream: take every event; known ids are ignored.
            log.warning("the gateway's stream diverged from ours at seq %s; taking all of it", stored)
            self._set_position(0)
            return 0
        if stored is None:  # a new install: from now on, not the history
            self._set_position(self._hello_seq)
            return self._hello_seq
        if self._hello_seq < stored:
            # An older gateway that lost history: our resume point is in its future,
            # and would hide every new event.
            log.warning("gateway sequence went back from %d to %d; resyncing", stored, self._hello_seq)
            self._set_position(self._hello_seq)
            return self._hello_seq
        return stored

    async def _serve(self, ws: ClientConnection) -> None:
        writer = asyncio.create_task(self._outbox.write(ws))
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
            frame = _decode(raw)
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
            self._outbox.on_result(frame)
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
        event = frame.get("event")
        event_id = event.get("id") if isinstance(event, dict) else None
        # Even a skipped event advances the position: one bad event cannot wedge us.
        batch.add(seq, mapped, event_id if isinstance(event_id, str) else "")
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


def _decode(raw: str | bytes) -> Any:
    """A frame's JSON, with any lone surrogate (a "\\udc80" escape) as U+FFFD: the store,
    D-Bus and Qt cannot take one. ValueError for anything that is not JSON, also for
    nesting deeper than Python's recursion goes."""
    try:
        value = json.loads(raw)
        return replace_lone_surrogates(value) if may_hold_surrogates(raw) else value
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc
