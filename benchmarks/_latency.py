"""In-process rig shared by the two latency benchmarks (mail and gateway).

The real Runtime (store file, pipeline, sources) plus the real NotificationDispatcher and
the backend ``pick_backend`` chooses (the freedesktop backend over D-Bus to dunst), on a qasync
loop with a QApplication (as the tray app runs) or a plain asyncio loop (as `tidings
watch` would). Instrumentation lives here, never in production code:

- ``pipeline.emit`` is wrapped before the sources start: the moment a source hands an
  event to the pipeline (source thread);
- a listener added before the dispatcher: the moment the store has committed the new
  items and listeners are being told (loop thread);
- the dispatcher's backend is wrapped: ``show`` entered, and ``show`` returned. The
  freedesktop backend's ``show`` returns once it has dunst's reply to the D-Bus
  ``Notify`` call (so dunst has the bubble): that return is the "notification sent"
  moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import _common  # noqa: F401  (puts the repo root on sys.path)
from desktop.core.events import ItemsArrived, SourceStatus
from desktop.core.item import Item
from desktop.notifications.backends import Notice, NotifierBackend


class Handler:
    """NotificationActions that do nothing (nobody clicks during a benchmark)."""

    def open_item(self, item_id: str) -> None: ...
    def mark_read(self, item_id: str) -> None: ...
    def reply(self, item_id: str, text: str) -> None: ...
    def approve(self, item_id: str) -> None: ...


class TimingBackend(NotifierBackend):
    def __init__(self, inner: NotifierBackend, marks: dict[str, dict[str, float]]) -> None:
        self.inner = inner
        self.name = f"timed {inner.name}"
        self.supports_buttons = inner.supports_buttons
        self.supports_reply = inner.supports_reply
        self.supports_withdraw = inner.supports_withdraw
        self.marks = marks
        self.summaries = 0
        self.failed = 0
        self.shown = asyncio.Event()

    async def show(self, notice: Notice) -> bool:
        t0 = time.perf_counter()
        ok = await self.inner.show(notice)
        t1 = time.perf_counter()
        if notice.summary_of:
            self.summaries += 1
        if not ok:
            self.failed += 1
        m = self.marks.setdefault(notice.item_id, {})
        m["show_start"], m["sent"] = t0, t1
        self.shown.set()
        return ok

    async def withdraw(self, item_id: str) -> None:
        await self.inner.withdraw(item_id)

    async def close(self) -> None:
        await self.inner.close()


class MarkListener:
    """Pipeline listener placed before the dispatcher: store committed → listeners."""

    def __init__(self, marks: dict[str, dict[str, float]]) -> None:
        self.marks = marks
        self.statuses: dict[str, SourceStatus] = {}

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        t = time.perf_counter()
        if not quiet:
            for i in items:
                self.marks.setdefault(i.id, {})["stored"] = t

    def items_changed(self, items: Sequence[Item]) -> None: ...
    def items_removed(self, item_ids: Sequence[str]) -> None: ...

    def status_changed(self, status: SourceStatus) -> None:
        self.statuses[status.source] = status


def make_loop(kind: str) -> tuple[asyncio.AbstractEventLoop, Any]:
    """('qasync' | 'asyncio') → (loop, QApplication or None). Call inside the desktop session."""
    if kind == "asyncio":
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        return loop, None
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop, app


class Rig:
    """Runtime + dispatcher + timed real backend on ``loop``."""

    def __init__(self, settings: Any, data_dir: Path, loop: asyncio.AbstractEventLoop, coalescer: Any = None):
        from desktop.app.runtime import Runtime
        from desktop.notifications.backends import NullBackend
        from desktop.notifications.dispatcher import NotificationDispatcher, rules_from_settings

        self.loop = loop
        self.marks: dict[str, dict[str, float]] = {}
        self.runtime = Runtime(settings, data_dir)
        pipeline = self.runtime.pipeline
        original_emit = pipeline.emit

        def timed_emit(event: Any) -> None:
            if isinstance(event, ItemsArrived) and not event.quiet:
                t = time.perf_counter()
                for i in event.items:
                    self.marks.setdefault(i.id, {})["emitted"] = t
            original_emit(event)

        pipeline.emit = timed_emit  # type: ignore[method-assign]  # instance attribute, bench only
        self.listener = MarkListener(self.marks)
        pipeline.add_listener(self.listener)
        self.dispatcher = NotificationDispatcher(
            NullBackend(), rules_from_settings(settings.notifications), loop, coalescer=coalescer
        )
        pipeline.add_listener(self.dispatcher)
        self.backend: TimingBackend | None = None

    async def start(self) -> str:
        from desktop.notifications.backends import pick_backend

        inner = await pick_backend(Handler(), None, app_name="Tidings", icon_path=None)
        self.backend = TimingBackend(inner, self.marks)
        self.dispatcher.backend = self.backend
        self.runtime.start(self.loop)
        return inner.name

    async def wait_online(self, source: str, timeout: float = 20.0) -> None:
        from desktop.core.events import ConnectionState

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.listener.statuses.get(source)
            if st is not None and st.state is ConnectionState.ONLINE:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{source} did not come online: {self.listener.statuses.get(source)}")

    async def wait_sent(self, item_id_pred: Any, timeout: float) -> str | None:
        """Wait until a notice whose item id satisfies the predicate has been sent."""
        assert self.backend is not None
        deadline = time.monotonic() + timeout
        while True:
            for item_id, m in self.marks.items():
                if "sent" in m and item_id_pred(item_id):
                    return item_id
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.backend.shown.clear()
            try:
                await asyncio.wait_for(self.backend.shown.wait(), left)
            except TimeoutError:
                return None

    async def stop(self) -> None:
        self.runtime.pipeline.remove_listener(self.dispatcher)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.dispatcher.close(), 5)
        await self.runtime.stop()
