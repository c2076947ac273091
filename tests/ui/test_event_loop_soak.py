"""Soak the qasync loop: thousands of socket messages, each re-emitted as a Qt signal.

Guards the PySide6 6.12.0 / Python 3.11 crash ("Fatal Python error: bool_dealloc" after
~1,000 Signal.emit() calls with a bool argument, PYSIDE-3190-like refcount bug on
Py_True): it aborts the interpreter, so it must run in-process, here.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import qasync
from PySide6.QtWidgets import QApplication

from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.item import Item, Kind
from desktop.ui.bridge import Bridge

MESSAGES = 20_000


def test_socket_messages_through_bridge_signals_on_qasync(qapp: QApplication) -> None:
    bridge = Bridge()
    listener = bridge.listener()
    received: list[str] = []
    quiet_flags: list[bool] = []
    statuses: list[SourceStatus] = []

    def on_added(items: list[Item], quiet: bool) -> None:
        received.extend(i.id for i in items)
        quiet_flags.append(quiet)

    bridge.items_added.connect(on_added)
    bridge.status_changed.connect(statuses.append)

    async def soak() -> None:
        done = asyncio.Event()

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            for n in range(MESSAGES):
                writer.write(json.dumps({"n": n}).encode() + b"\n")
                if n % 500 == 0:
                    await writer.drain()
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        count = 0
        while line := await reader.readline():
            n = json.loads(line)["n"]
            item = Item(
                id=f"i{n}",
                source="gateway",
                kind=Kind.CHAT,
                sender="s",
                title="t",
                preview="p",
                time=datetime(2025, 1, 1, tzinfo=UTC),
            )
            listener.items_added([item], n % 2 == 0)  # a bool through Signal.emit every time
            if n % 100 == 0:
                state = ConnectionState.ONLINE if n % 200 == 0 else ConnectionState.OFFLINE
                listener.status_changed(SourceStatus("gateway", state))
            count += 1
        done.set()
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        assert count == MESSAGES

    loop = qasync.QEventLoop(qapp)
    try:
        loop.run_until_complete(asyncio.wait_for(soak(), 30))
    finally:
        loop.close()
        asyncio.set_event_loop(None)

    assert len(received) == MESSAGES
    assert received[:3] == ["i0", "i1", "i2"] and received[-1] == f"i{MESSAGES - 1}"
    assert quiet_flags.count(True) == MESSAGES // 2
    assert len(statuses) == MESSAGES // 100
