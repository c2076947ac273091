"""Python's cycle collector runs on the Qt main thread only.

The collector runs in whichever thread happens to allocate when a generation's threshold
is crossed: in Tidings often an IMAP worker or an executor thread. A QObject freed there
(a closed window's timers, a widget in a reference cycle) makes Qt warn "Timers cannot be
stopped from another thread" and can crash the process. So automatic collection is turned
off and a main-thread timer runs it instead, with the same generation thresholds, which
keeps memory where it would have been.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, Qt, QTimer

# Cycles freed a few seconds late cost little memory; a tray app that wakes every second
# costs a laptop's battery. Coarse, so the wake-up can join others the system has anyway.
INTERVAL_MS = 5000


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the oldest generation whose threshold the allocation counts crossed."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
