"""A scripted run of the real tray app on a virtual X screen, driven like a user with
xdotool and dunst: an approval request is approved from its notification (the OA system
gets the signed decision; the bubble goes), a mail's bubble is clicked (the window opens),
and a burst's summary is clicked (the window lists that burst). Screenshots of each step
are saved (``TIDINGS_SHOTS=<folder>`` keeps them) to be looked at.

The app runs as its own process with Qt's xcb platform: the suite's QApplication is
offscreen, and a real window manager-less X screen is the point here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.demo import MAIL_PASSWORD, USER, OaCallbackServer, _mail, write_settings
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess
from tests.integration.apprun import XRun, approval_request, shots_folder, tray_app, until

pytestmark = [pytest.mark.desktop, pytest.mark.dovecot]

SCREEN = "1280x800x24"
# dunst (harness/desktop_session.py): 360 px wide, top-right, 10 px from the edge, 40 from the top
BUBBLE = (1280 - 10 - 180, 40 + 25)


@pytest.fixture
def run(dovecot: Dovecot, tmp_path: Path) -> Iterator[tuple[XRun, GatewayProcess, OaCallbackServer, str]]:
    shots = shots_folder(tmp_path)
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
        log = tmp_path / "tidings.log"
        env = {**os.environ, **desk.env, "QT_QPA_PLATFORM": "xcb"}
        try:
            with tray_app(settings, tmp_path / "app", log, env):
                yield XRun(desk, shots), gw, oa, box["secret"]
        finally:
            print(f"screenshots: {shots}; app log: {log}")


def test_approve_from_a_notification_and_click_bubbles_into_the_window(
    run: tuple[XRun, GatewayProcess, OaCallbackServer, str], dovecot: Dovecot
) -> None:
    r, gw, oa, secret = run
    r.connected_to(gw)

    # 1. An approval request: its bubble, approved with the bubble's own button.
    gw.post_event("oa", secret, "approval.requested", approval_request(1), recipients=[USER])
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
    until(lambda: bool(r.window("^Tidings$")), "the inbox window")
    until(lambda: r.desk.count("displayed") == 0, "the clicked bubble closed")
    time.sleep(1.5)  # let the window paint and the detail load before the picture
    r.shot("mail-clicked-window")

    # 3. A burst: one summary; a click lists exactly that burst.
    window = r.window("^Tidings$")
    r.xdotool("windowminimize", window)
    for n in range(25):
        dovecot.append(USER, _mail(f"Newsletter {n % 4} <news{n % 4}@example.com>", f"Issue {n}", "News."))
    until(lambda: bool(r.bubbles("25 new mails")), "the burst's summary", timeout=40)
    until(lambda: r.desk.count("displayed") == 1, "one bubble on screen")
    r.shot("burst-summary")
    r.xdotool("mousemove", str(BUBBLE[0]), str(BUBBLE[1]), "click", "1")
    until(lambda: bool(r.window("^Tidings$")), "the inbox window again")
    time.sleep(1.5)
    r.shot("burst-clicked-window")
    summaries = [b for b in r.desk.notifications() if "new mails" in b["summary"]]
    assert [b["summary"] for b in summaries][-1].startswith("25 new mails from Newsletter")
