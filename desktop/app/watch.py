"""`tidings watch --json`: the same sources, pipeline and store, no window.

One JSON object per line, flushed: {"event": "new" | "updated" | "removed" | "status", ...}.
Items imported quietly (an account's first sync) print nothing.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from desktop.app.runtime import Runtime
from desktop.config.settings import Settings
from desktop.core.events import SourceStatus
from desktop.core.item import Item


class JsonLines:
    """A pipeline listener that prints machine-readable lines."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def _print(self, obj: dict[str, Any]) -> None:
        self._out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self._out.flush()

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        if quiet:
            return
        for item in items:
            self._print({"event": "new", **item.to_json()})

    def items_changed(self, items: Sequence[Item]) -> None:
        for item in items:
            self._print({"event": "updated", **item.to_json()})

    def items_removed(self, item_ids: Sequence[str]) -> None:
        for item_id in item_ids:
            self._print({"event": "removed", "id": item_id})

    def status_changed(self, status: SourceStatus) -> None:
        self._print(
            {
                "event": "status",
                "source": status.source,
                "state": str(status.state),
                "message": status.message,
            }
        )


async def run(settings: Settings, data_dir: Path, out: TextIO = sys.stdout) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runtime = Runtime(settings, data_dir)
    runtime.pipeline.add_listener(JsonLines(out))
    runtime.start(loop)
    try:
        await stop.wait()
    finally:
        await runtime.stop()
    return 0
