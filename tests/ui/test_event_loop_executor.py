"""The tray app's loop runs ``to_thread`` and DNS lookups on the standard thread pool, which
starts a thread only when no idle one is free: qasync's own pool started 10 QThreads at its
first use and kept them all (issue 9; bench_idle: 16 threads at idle -> 7)."""

from __future__ import annotations

import asyncio
import socket
import threading

from PySide6.QtWidgets import QApplication

from desktop.ui.app import IO_THREADS, event_loop


def test_to_thread_and_dns_run_on_one_lazily_started_thread(qapp: QApplication) -> None:
    before = {t.ident for t in threading.enumerate()}
    seen: list[str] = []

    async def idle() -> None:
        # The worker marks itself idle just after the call's result wakes us: a next call
        # in between would see no idle thread and rightly start one (seen once in CI).
        # ThreadPoolExecutor keeps that mark in _idle_semaphore; wait for it, put it back.
        pool = loop._QEventLoop__default_executor  # type: ignore[attr-defined]  # qasync's
        while not pool._idle_semaphore.acquire(blocking=False):
            await asyncio.sleep(0.005)
        pool._idle_semaphore.release()

    async def work() -> None:
        for _ in range(5):  # one after another: one idle thread is reused each time
            seen.append(await asyncio.to_thread(lambda: threading.current_thread().name))
            await idle()
        infos = await asyncio.get_running_loop().getaddrinfo("127.0.0.1", 80, type=socket.SOCK_STREAM)
        assert infos[0][4][0] == "127.0.0.1"

    loop = event_loop(qapp)
    try:
        loop.run_until_complete(asyncio.wait_for(work(), 30))
        started = [t for t in threading.enumerate() if t.ident not in before]
        assert [t.name for t in started] == ["tidings-io_0"], started
        assert set(seen) == {"tidings-io_0"}
    finally:
        loop.close()  # shuts the pool down, as at quit
        asyncio.set_event_loop(None)
    assert not any(t.name.startswith("tidings-io") for t in threading.enumerate())


def test_calls_that_overlap_each_get_a_thread(qapp: QApplication) -> None:
    # An OAuth sign-in can hold a thread for minutes: a DNS lookup must still run beside it.
    release = threading.Event()
    holding: list[str] = []

    def hold() -> bool:
        holding.append(threading.current_thread().name)
        return release.wait(30)

    async def work() -> str:
        holders = asyncio.gather(*(asyncio.to_thread(hold) for _ in range(IO_THREADS - 1)))
        while len(holding) < IO_THREADS - 1:  # every holder is in its own thread
            await asyncio.sleep(0.01)
        name = await asyncio.to_thread(lambda: threading.current_thread().name)
        release.set()
        assert all(await holders)  # each was released, none timed out
        return name

    loop = event_loop(qapp)
    try:
        name = loop.run_until_complete(asyncio.wait_for(work(), 60))
        assert name == f"tidings-io_{IO_THREADS - 1}"  # the last thread the pool may start
    finally:
        release.set()
        loop.close()
        asyncio.set_event_loop(None)
