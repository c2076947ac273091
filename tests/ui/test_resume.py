"""Resume from sleep: a wall-clock jump, or a timer that fired far too late, reconnects every source."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from desktop.config.settings import Settings
from desktop.ui import app as tray_app
from desktop.ui.app import ClockJumpDetector, build_app


class Clock:
    def __init__(self) -> None:
        self.wall, self.mono = 1_000_000.0, 500.0

    def advance(self, seconds: float, asleep: bool = False) -> None:
        self.wall += seconds
        if not asleep:  # Linux's monotonic clock stops while suspended
            self.mono += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(tray_app.time, "time", lambda: c.wall)
    monkeypatch.setattr(tray_app.time, "monotonic", lambda: c.mono)
    return c


def test_sleep_and_late_timers_are_detected_but_ordinary_ticks_are_not(qtbot, clock: Clock) -> None:
    detector = ClockJumpDetector(interval_ms=10_000, threshold=30)
    jumps: list[float] = []
    detector.jumped.connect(jumps.append)
    clock.advance(10)
    detector.check()
    clock.advance(12)  # a little late, or NTP nudging the clock: not a resume
    detector.check()
    assert jumps == []
    clock.advance(3600, asleep=True)  # an hour suspended
    detector.check()
    assert len(jumps) == 1 and jumps[0] == pytest.approx(3600)
    clock.advance(10)
    detector.check()
    clock.advance(200)  # the timer itself fired 190 s late (other platforms)
    detector.check()
    assert len(jumps) == 2 and jumps[1] == pytest.approx(190)


def test_a_jump_reconnects_every_source(qtbot, qapp, tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    try:
        app = build_app(Settings(path=tmp_path / "settings.toml"), tmp_path / "data", loop)
        calls: list[str] = []

        class Source:
            def __init__(self, sid: str) -> None:
                self.id = self.display_name = sid

            def reconnect_now(self) -> None:
                calls.append(self.id)

        app.runtime.sources.update({"mail:a": Source("mail:a"), "gateway": Source("gateway")})  # type: ignore[dict-item]
        app.clock.jumped.emit(3600.0)
        assert sorted(calls) == ["gateway", "mail:a"]
        app.clock._timer.stop()
        app.runtime.store.close()
        app.deleteLater()
    finally:
        loop.close()
