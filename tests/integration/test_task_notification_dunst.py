"""A task's notification has a "Complete" button: the whole tray app against the real gateway
process and dunst on a real session bus. Pressing it completes the task through the outbox,
the project system gets the signed callback, and the bubble closes."""

from __future__ import annotations

import os

# The session-wide QApplication is offscreen; the bus and the notification daemon are real.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication
from test_gateway_tasks_desktop import ProjectSystem

from desktop.config.settings import GatewaySettings, Settings
from desktop.core.events import ConnectionState
from desktop.ui.app import build_app
from harness.desktop_session import DesktopSession
from harness.gateway import GatewayProcess

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.gateway,
    # offscreen has no window manager: raise() and size hints are no-ops it warns about
    pytest.mark.qt_log_ignore("This plugin does not support"),
]


def test_the_complete_button_on_a_task_bubble_completes_it_and_closes_the_bubble(
    gateway_process: GatewayProcess, tmp_path: Path, qapp: QApplication
) -> None:
    gw = gateway_process
    gw.add_user("alice", "Alice Liu")
    system = ProjectSystem()
    system.secret = gw.add_integration("pm", callback=system.url, display_name="Projects")
    token = gw.issue_token("alice")
    gateway = GatewaySettings(url=gw.url, token_command=f"printf %s {shlex.quote(token)}")
    with DesktopSession() as desk, desk.environ():
        loop = qasync.QEventLoop(qapp)
        asyncio.set_event_loop(loop)
        app = build_app(Settings(gateway=gateway, path=tmp_path / "settings.toml"), tmp_path / "data", loop)

        def run(coro: Any, timeout: float = 30) -> Any:
            return loop.run_until_complete(asyncio.wait_for(coro, timeout))

        def until(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
            async def poll() -> None:
                while not condition():
                    await asyncio.sleep(0.02)

            try:
                run(poll(), timeout)
            except TimeoutError:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None

        try:
            run(app.start())
            statuses = app.runtime.pipeline.statuses
            until(lambda: statuses.get("gateway") is not None, "the gateway's status")
            until(lambda: statuses["gateway"].state is ConnectionState.ONLINE, "online")
            task = {"task": {"id": "PM-7", "title": "Review the release notes", "project": "Tidings"}}
            run(asyncio.to_thread(gw.post_event, "pm", system.secret, "task.assigned", task, ["alice"]))
            until(lambda: desk.count("displayed") == 1, "the task's bubble")
            until(lambda: bool(desk.notifications()), "dunst's log of it")  # written just after
            [bubble] = desk.notifications()
            assert bubble["summary"] == "Tidings — Review the release notes"

            assert sorted(desk.invoke_action("Complete")) == ["Complete", "Mark read"]
            store = app.runtime.store
            until(lambda: store.get_item("gw:task:PM-7").state == "completed", "completed")  # type: ignore[union-attr]
            assert not store.get_item("gw:task:PM-7").unread  # type: ignore[union-attr]
            until(lambda: desk.count("displayed") == 0, "the bubble closed")
            until(lambda: system.completions(), "the project system's callback")
            assert all(signed for signed, _ in system.received)
            assert [b["task"] for b in system.completions()] == ["PM-7"]
        finally:
            run(app.stop(), timeout=20)
            app.deleteLater()
            loop.close()
            asyncio.set_event_loop(None)
            system.stop()
