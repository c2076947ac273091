"""A TCP proxy on loopback that breaks connections on purpose, for tests and the soak.

    with CuttingProxy("127.0.0.1", dovecot.imap_port, seed=7) as proxy:
        account.port = proxy.port          # the client talks to the proxy
        proxy.cut_all()                    # RST every open connection now ("fin" to close politely)
        proxy.cut_after(marker=b" LOGIN ") # the next connection dies right after its LOGIN line
        proxy.freeze(); proxy.thaw()       # stop forwarding without closing, then carry on
        proxy.cut_randomly(0.2, 2.0, max_cuts=50); proxy.wait_cutting_done(120)

The proxy runs an asyncio loop on its own thread, so tests control it from any
thread (plain or asyncio) with blocking calls. Cut timing and RST/FIN choice come
from ``random.Random(seed)``: a run can be repeated. No pytest import here.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Literal, TypeVar

How = Literal["rst", "fin", "mixed"]
T = TypeVar("T")

_CHUNK = 65536


@dataclasses.dataclass(slots=True)
class ProxyStats:
    connections: int = 0  # accepted so far
    open: int = 0  # forwarding right now
    cuts: int = 0  # cut events (cut_all, a random cut, a cut_after that fired)
    connections_cut: int = 0  # connections closed by those cuts
    last_cut: float = 0.0  # time.monotonic() of the last cut event that closed a connection
    bytes_up: int = 0  # client → server
    bytes_down: int = 0  # server → client


@dataclasses.dataclass(eq=False, slots=True)
class _Link:
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter | None = None
    sent_up: int = 0
    # cut after this many client → server bytes, or after the line holding ``marker``
    cut_at: int | None = None
    marker: bytes | None = None
    seen_up: bytes = b""
    how: How = "rst"  # how a cut_after rule closes it
    closed: bool = False


@dataclasses.dataclass(slots=True)
class _CutRule:
    n_bytes: int | None
    marker: bytes | None
    remaining: int
    how: How


class CuttingProxy:
    """Forward ``127.0.0.1:port`` to ``target_host:target_port``; modes switch at runtime."""

    def __init__(
        self, target_host: str, target_port: int, *, seed: int = 0, listen_host: str = "127.0.0.1"
    ) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.listen_host = listen_host
        self.port = 0
        self.stats = ProxyStats()
        self._rng = random.Random(seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self._thawed: asyncio.Event | None = None
        self._cut_rules: list[_CutRule] = []
        self._cutter: asyncio.Task[None] | None = None
        self._cutting_done = threading.Event()
        self._cutting_done.set()
        self._changed = threading.Condition()

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> CuttingProxy:
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._listen())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._shutdown())
                loop.close()

        self._thread = threading.Thread(target=main, name=f"cutting-proxy:{self.target_port}", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            self._thread = None
            raise failure[0]
        return self

    async def _listen(self) -> None:
        self._thawed = asyncio.Event()
        self._thawed.set()
        self._server = await asyncio.start_server(self._accept, self.listen_host, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    def stop(self) -> None:
        """Close the listener and every connection; the thread ends. Safe to call twice."""
        thread, self._thread = self._thread, None
        loop = self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    async def _shutdown(self) -> None:
        if self._cutter is not None:
            self._cutter.cancel()
        if self._server is not None:
            self._server.close()
        for link in list(self._links):
            self._close(link, "fin")
        self._cutting_done.set()

    def __enter__(self) -> CuttingProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- control (any thread) -----------------------------------------------------------------

    def _call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the proxy's loop and return its result."""
        loop = self._loop
        if loop is None or self._thread is None:
            raise RuntimeError("the proxy is not running")

        async def wrapper() -> T:
            return fn()

        return self._run(wrapper())

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def pass_through(self) -> None:
        """Plain forwarding: no random cuts, no pending cut rules, not frozen."""
        self.stop_cutting()
        self._call(self._cut_rules.clear)
        self.thaw()

    def cut_all(self, how: How = "rst") -> int:
        """Close every open connection now, both sides; returns how many were cut."""
        return self._call(lambda: self._cut_now(how))

    def cut_after(
        self,
        n_bytes: int | None = None,
        *,
        marker: bytes | None = None,
        connections: int = 1,
        how: How = "rst",
    ) -> None:
        """The next ``connections`` new connections are cut once the client has sent ``n_bytes``,
        or right after the line (up to CRLF) that contains ``marker``: that line reaches the
        server, its answer never reaches the client."""
        if (n_bytes is None) == (marker is None):
            raise ValueError("give n_bytes or marker")
        rule = _CutRule(n_bytes, marker, connections, how)
        self._call(lambda: self._cut_rules.append(rule))

    def freeze(self) -> None:
        """Stop forwarding in both directions without closing anything (a dead link)."""
        self._call(lambda: self._thawed.clear() if self._thawed else None)

    def thaw(self) -> None:
        """Forward again, held bytes first."""
        self._call(lambda: self._thawed.set() if self._thawed else None)

    @property
    def frozen(self) -> bool:
        return self._thawed is not None and not self._thawed.is_set()

    def cut_randomly(
        self, min_s: float = 0.2, max_s: float = 2.0, *, max_cuts: int | None = None, how: How = "mixed"
    ) -> None:
        """Every uniform(min_s, max_s) seconds cut all open connections (RST or FIN, from the
        seeded generator for "mixed"); only cuts that closed something count toward ``max_cuts``."""
        self.stop_cutting()
        self._cutting_done.clear()

        def begin() -> None:
            self._cutter = asyncio.get_running_loop().create_task(self._cut_loop(min_s, max_s, max_cuts, how))

        self._call(begin)

    def stop_cutting(self) -> None:
        def end() -> None:
            if self._cutter is not None:
                self._cutter.cancel()
                self._cutter = None
            self._cutting_done.set()

        self._call(end)

    def wait_cutting_done(self, timeout: float) -> bool:
        return self._cutting_done.wait(timeout)

    def wait_connections(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` connections have been accepted in all (not just open)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.stats.connections < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def wait_open(self, count: int, timeout: float) -> bool:
        """Wait until at least ``count`` connections are open right now."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.stats.open < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    # -- the loop side ----------------------------------------------------------------------

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    async def _cut_loop(self, min_s: float, max_s: float, max_cuts: int | None, how: How) -> None:
        done = 0
        try:
            while max_cuts is None or done < max_cuts:
                await asyncio.sleep(self._rng.uniform(min_s, max_s))
                if self._cut_now(how):
                    done += 1
        finally:
            self._cutting_done.set()

    def _cut_now(self, how: How) -> int:
        links = [link for link in self._links if not link.closed]
        for link in links:
            self._close(link, how)
        if links:
            self.stats.cuts += 1
            self.stats.connections_cut += len(links)
            self.stats.last_cut = time.monotonic()
        return len(links)

    def _close(self, link: _Link, how: How) -> None:
        if link.closed:
            return
        link.closed = True
        if how == "mixed":
            how = self._rng.choice(("rst", "fin"))
        for writer in (link.client, link.server):
            if writer is None:
                continue
            if how == "rst":
                sock = writer.get_extra_info("socket")
                with contextlib.suppress(OSError, AttributeError):
                    # Linger 0: close() sends RST instead of FIN.
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
            else:
                writer.close()
        self._links.discard(link)
        self.stats.open = len(self._links)
        self._notify()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = _Link(client=writer)
        if self._cut_rules:
            rule = self._cut_rules[0]
            link.cut_at, link.marker, link.how = rule.n_bytes, rule.marker, rule.how
            rule.remaining -= 1
            if rule.remaining <= 0:
                self._cut_rules.pop(0)
        self._links.add(link)
        self.stats.connections += 1
        self.stats.open = len(self._links)
        self._notify()
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            self._close(link, "rst")  # like the real server refusing: the client sees it at once
            return
        if link.closed:  # cut while connecting
            up_writer.transport.abort()
            return
        link.server = up_writer
        await asyncio.gather(
            self._pump(link, reader, up_writer, up=True), self._pump(link, up_reader, writer, up=False)
        )
        self._close(link, "fin")

    async def _pump(
        self, link: _Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: bool
    ) -> None:
        assert self._thawed is not None
        try:
            while not link.closed:
                data = await reader.read(_CHUNK)
                if not data:
                    break
                await self._thawed.wait()  # frozen: hold the bytes, read no more
                if link.closed:
                    return
                cut = False
                if up:
                    data, cut = self._apply_cut_rule(link, data)
                    self.stats.bytes_up += len(data)
                else:
                    self.stats.bytes_down += len(data)
                writer.write(data)
                await writer.drain()
                if cut:
                    self._cut_link(link)
                    return
        except (ConnectionError, OSError):
            pass
        # One side ended: end both, like a relay whose peer went away.
        self._close(link, "fin")

    def _apply_cut_rule(self, link: _Link, data: bytes) -> tuple[bytes, bool]:
        if link.cut_at is not None:
            left = link.cut_at - link.sent_up
            link.sent_up += len(data)
            if left <= len(data):
                return data[: max(left, 0)], True
            return data, False
        if link.marker is not None:
            before = len(link.seen_up)
            link.seen_up += data
            at = link.seen_up.find(link.marker)
            if at >= 0:
                end = link.seen_up.find(b"\r\n", at)
                if end >= 0:
                    return data[: end + 2 - before], True
            return data, False
        return data, False

    def _cut_link(self, link: _Link) -> None:
        self._close(link, link.how)
        self.stats.cuts += 1
        self.stats.connections_cut += 1
        self.stats.last_cut = time.monotonic()
