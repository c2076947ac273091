"""Run blocking work (fetch a mail body, test a login) off the GUI thread.

The work function must not touch widgets; its result or exception is
delivered back on the GUI thread, where the callbacks may. Callers guard
against stale results themselves (the user may have moved on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

_live: set[_Relay] = set()  # relays stay alive until their result is delivered


class _Relay(QObject):
    # Emitted from the worker thread; the relay lives on the GUI thread, so the
    # connection is queued and _deliver runs there.
    finished = Signal(object, object)

    def __init__(
        self, on_done: Callable[[Any], None], on_error: Callable[[BaseException], None] | None
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.finished.connect(self._deliver)

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        _live.discard(self)
        if error is None:
            self._on_done(result)
        elif self._on_error is not None:
            self._on_error(error)
        self.deleteLater()


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    relay = _Relay(on_done, on_error)
    _live.add(relay)

    def run() -> None:
        try:
            result = work()
        except Exception as exc:  # handed to on_error on the GUI thread
            relay.finished.emit(None, exc)
        else:
            relay.finished.emit(result, None)

    QThreadPool.globalInstance().start(run)
