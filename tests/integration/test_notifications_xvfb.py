"""A scripted run of the real tray app on a virtual X screen, driven like a user with
xdotool and dunst: an approval request is approved from its notification (the OA system
gets the signed decision; the bubble goes), a mail's bubble is clicked (the window opens),
and a burst's summary is clicked (the window lists that burst). Screenshots of each step
are saved (``TIDINGS_SHOTS=<folder>`` keeps them) to be looked at.

The app runs as its own process with Qt's xcb platform: the suite's QApplication is
offscreen, and a real window manager-less X screen is the point here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.demo import MAIL_PASSWORD, USER, OaCallbackServer, _mail, write_settings
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess

pytestmark = [pytest.mark.desktop, pytest.mark.dovecot]

SCREEN = "1280x800x24"
# dunst (harness/desktop_session.py): 360 px wide, top-right, 10 px from the edge, 40 from the top
BUBBLE = (1280 - 10 - 180, 40 + 25)


def until(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Run:
    def __init__(self, desk: DesktopSession, shots: Path) -> None:
        self.desk, self.shots, self.step = desk, shots, 0

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, **self.desk.env},
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return out.stdout.strip()

    def shot(self, name: str) -> Path:
        self.step += 1
        return self.desk.screenshot(self.shots / f"{self.step:02d}-{name}.png")

    def bubbles(self, text: str) -> list[dict]:
        return [b for b in self.desk.notifications() if text in b["summary"]]

    def window_shown(self) -> bool:
        return bool(self.xdotool("search", "--onlyvisible", "--name", "^Tidings$"))


@pytest.fixture
def run(dovecot: Dovecot, tmp_path: Path) -> Iterator[tuple[Run, GatewayProcess, OaCallbackServer, str]]:
    shots = Path(os.environ.get("TIDINGS_SHOTS") or tmp_path / "shots")
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    dovecot.add_user(USER, MAIL_PASSWORD)
    dovecot.append(USER, _mail("Priya <priya@example.com>", "Old mail", "there before", datetime.now(UTC)))
    box: dict[str, str] = {}
    with (
        GatewayProcess(tmp_path / "gateway.sqlite3") as gw,
        OaCallbackServer(box) as oa,
        DesktopSession(tray=True, screen=SCREEN) as desk,
    ):
        gw.start()
        gw.add_user(USER, "Dana Demo")
        gw.add_user("lisa", "Lisa Chen")
        box["secret"] = gw.add_integration("oa", oa.url)
        gw.add_conversation("dm-lisa", "Lisa Chen", [USER, "lisa"])
        settings = tmp_path / "settings.toml"
        write_settings(settings, dovecot, gw, gw.issue_token(USER))
        log = open(tmp_path / "tidings.log", "wb")  # noqa: SIM115 - closed below
        app = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "desktop.app.cli",
                "--config",
                str(settings),
                "--data-dir",
                str(tmp_path / "app"),
            ],
            env={**os.environ, **desk.env, "QT_QPA_PLATFORM": "xcb"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield Run(desk, shots), gw, oa, box["secret"]
        finally:
            if app.poll() is None:
                app.send_signal(signal.SIGTERM)
                try:
                    app.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    app.kill()
                    app.wait(timeout=5)
            log.close()
            print(f"screenshots: {shots}; app log: {tmp_path / 'tidings.log'}")


def request(n: int) -> dict:
    return {
        "approval": {
            "id": f"A-{n}",
            "title": f"Travel request {n}: Shanghai, 3 days",
            "requester": {"id": "lisa", "name": "Lisa Chen"},
            "fields": [{"label": "Amount", "value": "¥ 8,400"}],
            "deadline": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
            "urgency": "normal",
            "url": f"https://oa.example.com/approvals/A-{n}",
        }
    }


def test_approve_from_a_notification_and_click_bubbles_into_the_window(
    run: tuple[Run, GatewayProcess, OaCallbackServer, str], dovecot: Dovecot
) -> None:
    r, gw, oa, secret = run
    # Connected once a coworker's message gets a bubble (a new client starts from "now").
    for n in range(30):
        with contextlib.suppress(Exception):
            gw.say("lisa", "dm-lisa", f"hi {n}")
        with contextlib.suppress(AssertionError):
            until(lambda: bool(r.bubbles("Lisa Chen")), "a chat bubble", timeout=2)
            break
    assert r.bubbles("Lisa Chen"), "the app never connected to the gateway"
    r.desk.close_all()
    until(lambda: r.desk.count("displayed") == 0, "a clean screen")

    # 1. An approval request: its bubble, approved with the bubble's own button.
    gw.post_event("oa", secret, "approval.requested", request(1), recipients=[USER])
    until(lambda: bool(r.bubbles("Travel request 1")), "the approval's bubble")
    until(lambda: r.desk.count("displayed") == 1, "the bubble on screen")
    r.shot("approval-bubble")
    assert sorted(r.desk.invoke_action("Approve")) == ["Approve", "Reject…"]
    until(lambda: bool(oa.decisions), "the signed decision at the OA system")
    assert oa.decisions[0]["decision"] == "approve" and oa.decisions[0]["approval"] == "A-1"
    until(lambda: r.desk.count("displayed") == 0, "the approved request's bubble closed")
    r.shot("approved-bubble-gone")

    # 2. A mail: a click on its bubble (xdotool, a real pointer click) opens the window.
    dovecot.append(USER, _mail("Omar Haddad <omar@example.com>", "Release notes 2.4", "Draft attached."))
    until(lambda: bool(r.bubbles("Release notes 2.4")), "the mail's bubble")
    until(lambda: r.desk.count("displayed") == 1, "the bubble on screen")
    r.shot("mail-bubble")
    r.xdotool("mousemove", str(BUBBLE[0]), str(BUBBLE[1]), "click", "1")
    until(r.window_shown, "the inbox window")
    until(lambda: r.desk.count("displayed") == 0, "the clicked bubble closed")
    time.sleep(1.5)  # let the window paint and the detail load before the picture
    r.shot("mail-clicked-window")

    # 3. A burst: one summary; a click lists exactly that burst.
    window = r.xdotool("search", "--onlyvisible", "--name", "^Tidings$").split()[0]
    r.xdotool("windowminimize", window)
    for n in range(25):
        dovecot.append(USER, _mail(f"Newsletter {n % 4} <news{n % 4}@example.com>", f"Issue {n}", "News."))
    until(lambda: bool(r.bubbles("25 new mails")), "the burst's summary", timeout=40)
    until(lambda: r.desk.count("displayed") == 1, "one bubble on screen")
    r.shot("burst-summary")
    r.xdotool("mousemove", str(BUBBLE[0]), str(BUBBLE[1]), "click", "1")
    until(r.window_shown, "the inbox window again")
    time.sleep(1.5)
    r.shot("burst-clicked-window")
    summaries = [b for b in r.desk.notifications() if "new mails" in b["summary"]]
    assert [b["summary"] for b in summaries][-1].startswith("25 new mails from Newsletter")
