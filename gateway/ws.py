"""The websocket endpoint GET /v1/stream: hello, replay from `since` (checked against `at`),
live events, actions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from starlette.websockets import WebSocket, WebSocketDisconnect

from gateway import validate as v
from gateway.protocol import (
    ACTION_TYPES,
    CLOSE_BAD_REQUEST,
    CLOSE_TOO_SLOW,
    CLOSE_UNAUTHORIZED,
    error_frame,
    event_frame,
    frame_text,
    hello_frame,
    result_error,
)
from gateway.storage.base import Delivery, TokenInfo

if TYPE_CHECKING:
    from gateway.app import Runtime

log = logging.getLogger(__name__)

# ASGI scope extension through which the server hands over the connection's transport
# (gateway.cli's uvicorn protocol does): {"transport": asyncio.WriteTransport}.
TRANSPORT_EXTENSION = "tidings.transport"


@dataclass(frozen=True, slots=True)
class _Close:
    code: int
    reason: str


# What the writer sends: a delivery (serialized on the way out), a serialized frame, or a close.
_Out = Delivery | str | _Close
# A queued delivery is counted as its event plus the frame around it.
_FRAME_OVERHEAD = 64


def _transport_of(websocket: WebSocket) -> asyncio.WriteTransport | None:
    extension = (websocket.scope.get("extensions") or {}).get(TRANSPORT_EXTENSION) or {}
    transport = extension.get("transport")
    return transport if isinstance(transport, asyncio.WriteTransport) else None


_SINCE: Final = re.compile(r"-?[0-9]{1,19}")
_MAX_SEQ: Final = 2**63 - 1


def _bearer(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def stream_endpoint(websocket: WebSocket) -> None:
    runtime: Runtime = websocket.app.state.runtime
    # Accept first, then close with an application code: a refused upgrade reaches clients only
    # as an HTTP status, while 4401 survives every client library as a close code.
    await websocket.accept()
    token = _bearer(websocket)
    who = await runtime.store.authenticate(token) if token else None
    if who is None:
        await websocket.close(CLOSE_UNAUTHORIZED, "unauthorized")
        return
    raw_since = websocket.query_params.get("since", "0")
    # ASCII digits within a 64-bit seq: int() alone takes "1_0" or "٣", and numbers SQLite
    # cannot bind (an OverflowError that dropped the connection).
    since = int(raw_since) if _SINCE.fullmatch(raw_since) else -2
    if not -1 <= since <= _MAX_SEQ:
        await websocket.close(CLOSE_BAD_REQUEST, "since must be an integer >= -1")
        return
    at = websocket.query_params.get("at")
    if at is not None and not 0 < len(at) <= 200:
        await websocket.close(CLOSE_BAD_REQUEST, "at must be an event id of 1-200 characters")
        return
    await Connection(websocket, who, since, runtime, at).run()


class Connection:
    """One socket. A single writer task sends everything (hello, replay, live events, results),
    so frames never interleave; the reader handles actions one at a time."""

    def __init__(
        self, websocket: WebSocket, who: TokenInfo, since: int, runtime: Runtime, at: str | None = None
    ) -> None:
        self.ws = websocket
        self.who = who
        self.since = since
        self.at = at  # the event id the client holds at `since`
        self.rt = runtime
        # Each entry with the size it was counted as; _queued is their sum (JSON characters,
        # which are bytes for ASCII and never under a quarter of the UTF-8 size otherwise).
        self._outbox: asyncio.Queue[tuple[_Out, int]] = asyncio.Queue()
        self._queued = 0
        self._transport = _transport_of(websocket)
        self._closing = False
        self._last_seq = 0

    @property
    def token_id(self) -> str:
        return self.who.id

    def deliver(self, delivery: Delivery) -> None:
        """Hub sink: must not block."""
        self._enqueue(delivery, delivery.size + _FRAME_OVERHEAD)

    def send_frame(self, frame: dict[str, Any]) -> None:
        if not self._closing:
            # Serialized now, so what waits in the queue is counted exactly (a repeated action
            # id answers with a stored result of up to ~32 KB from a frame of a few bytes).
            text = frame_text(frame)
            self._enqueue(text, len(text))

    def close_soon(self, code: int, reason: str) -> None:
        if not self._closing:
            self._closing = True
            self._outbox.put_nowait((_Close(code, reason), 0))

    def _enqueue(self, item: _Out, size: int) -> None:
        if self._closing:
            return
        self._outbox.put_nowait((item, size))
        self._queued += size
        settings = self.rt.settings
        # One frame alone never counts as falling behind, however large it is.
        if self._outbox.qsize() > 1 and (
            self._outbox.qsize() > settings.send_queue_limit
            or self._queued + self._buffered() > settings.max_pending_output_bytes
        ):
            self._too_slow()

    def _buffered(self) -> int:
        """Bytes the transport holds that the kernel has not taken yet."""
        return self._transport.get_write_buffer_size() if self._transport is not None else 0

    def _too_slow(self) -> None:
        """Past the bound on pending output: drop it (the client gets it again by replay after it
        reconnects with its since) and close, 4408 if a close frame can still be written."""
        log.warning(
            "closing the connection of %s: %d frames and %d bytes of output pending; "
            "the client is not reading fast enough",
            self.who.user,
            self._outbox.qsize(),
            self._queued + self._buffered(),
        )
        self._closing = True
        while not self._outbox.empty():
            self._outbox.get_nowait()
        self._queued = 0
        transport = self._transport
        if (
            transport is not None
            and transport.get_write_buffer_size() > transport.get_write_buffer_limits()[0]
        ):
            # Writing may be paused (it stops above the high-water mark and resumes only at the
            # low one): a close frame would wait behind everything the client is not reading
            # (until keepalive gives up, ~40 s). Cut the connection at the transport.
            log.warning("aborting the connection of %s: its close frame cannot be written", self.who.user)
            transport.abort()
        else:
            self._outbox.put_nowait((_Close(CLOSE_TOO_SLOW, "too slow, reconnect"), 0))

    async def run(self) -> None:
        # Subscribe before reading the latest seq so nothing committed in between is missed;
        # overlaps are dropped by seq in the writer.
        unsubscribe = self.rt.hub.subscribe(self.who.user, self.deliver)
        self.rt.connections.add(self)
        writer = asyncio.create_task(self._writer(), name=f"ws-writer-{self.who.user}")
        reader = asyncio.create_task(self._reader(), name=f"ws-reader-{self.who.user}")
        try:
            done, _ = await asyncio.wait({writer, reader}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                exc = None if task.cancelled() else task.exception()
                if exc is not None and not isinstance(exc, WebSocketDisconnect | OSError | RuntimeError):
                    log.error("connection of %s failed", self.who.user, exc_info=exc)
        finally:
            unsubscribe()
            self.rt.connections.discard(self)
            for task in (writer, reader):
                task.cancel()
            for task in (writer, reader):
                with contextlib.suppress(BaseException):
                    await task

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.ws.send_text(frame_text(frame))

    async def _writer(self) -> None:
        store = self.rt.store
        user = self.who.user
        latest = await store.latest_seq(user)
        # The client names the event it holds at since: if this stream has another one there (or
        # none), it is not the stream the client followed (a restored backup reused the seqs), so
        # replay all of it; the client dedupes by event id.
        reset = (
            self.at is not None
            and self.since >= 1
            # (a since beyond the stream holds nothing, and may not even fit an SQLite integer)
            and (self.since > latest or await store.event_id_at(user, self.since) != self.at)
        )
        await self._send(hello_frame(user, latest, reset=reset))
        if reset:
            log.info(
                "%s resumes at seq %d, which this stream does not hold: replaying it all", user, self.since
            )
            self._last_seq = 0
        else:
            # since=-1: only new events. Without `at`, a since beyond latest means lost history;
            # the client sees hello.seq < since and takes it, so continue from latest either way.
            self._last_seq = latest if self.since == -1 else min(self.since, latest)
        await self._catch_up(latest)
        while True:
            item, size = await self._outbox.get()
            self._queued -= size
            if isinstance(item, Delivery):
                if item.seq <= self._last_seq:
                    continue  # already sent by replay or gap fill
                if item.seq > self._last_seq + 1:
                    await self._catch_up(item.seq - 1)  # the hub reordered or skipped: fill from the store
                    if item.seq <= self._last_seq:
                        continue
                await self._send(event_frame(item.seq, item.event))
                self._last_seq = item.seq
            elif isinstance(item, _Close):
                await self.ws.close(item.code, item.reason)
                return
            else:
                await self.ws.send_text(item)

    async def _catch_up(self, upto: int) -> None:
        page_size = self.rt.settings.replay_page
        while self._last_seq < upto:
            page = await self.rt.store.events_after(self.who.user, self._last_seq, page_size)
            for delivery in page:
                await self._send(event_frame(delivery.seq, delivery.event))
                self._last_seq = delivery.seq
            if len(page) < page_size:
                return

    async def _reader(self) -> None:
        limit = self.rt.settings.max_frame_bytes
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if self._closing:
                continue  # nobody would hear the answer; the client's outbox sends it again
            text = message.get("text")
            if text is None:
                self.send_frame(error_frame("bad_frame", "binary frames are not supported; send JSON text"))
                continue
            # len(text) <= byte length, so the cheap check catches most oversize frames.
            if len(text) > limit or len(text.encode()) > limit:
                self.send_frame(error_frame("frame_too_large", f"frames are limited to {limit} bytes"))
                continue
            self.send_frame(await self._answer(text))

    async def _answer(self, text: str) -> dict[str, Any]:
        """The one frame that answers a client frame: an error, or the action's result."""
        try:
            frame = v.parse_json(text)
        except v.BadJson as exc:
            return error_frame("bad_json", f"not JSON the gateway accepts: {exc}")
        if not isinstance(frame, dict):
            return error_frame("bad_frame", "a frame is a JSON object")
        frame_type = frame.get("type")
        action_id = frame.get("id")
        # The id is echoed in the result, so it must be sendable: valid Unicode, bounded.
        if not (isinstance(action_id, str) and 0 < len(action_id) <= 200 and v.is_unicode(action_id)):
            action_id = None
        if not isinstance(frame_type, str):
            return error_frame("bad_frame", 'a frame needs a string "type"')
        if frame_type not in ACTION_TYPES:
            message = f"unknown frame type {frame_type[:100]!r}"
            return (
                result_error(action_id, "unknown_type", message)
                if action_id is not None
                else error_frame("unknown_type", message)
            )
        if action_id is None:
            return error_frame(
                "bad_frame", 'an action needs an "id" string of 1-200 characters (valid Unicode)'
            )
        try:
            v.check_action(frame)
        except v.Invalid as exc:
            # Not recorded: nothing was done, and the same frame again gets the same answer.
            return result_error(action_id, "invalid", str(exc))
        return await self.rt.service.handle_action(self.who, frame)
