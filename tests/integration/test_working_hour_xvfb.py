"""A working hour, scripted: the real tray app on a virtual X screen, driven with xdotool
(real X input) and dunst. It replies to a mail (compose window, Ctrl+Enter), archives three
mails (Ctrl-click, E), marks everything read (Shift+C) and approves a request from its
notification. Each result is checked on the servers: the SMTP sink behind Dovecot's
submission service got the reply, Dovecot's Archive holds the three, INBOX is all \\Seen,
the OA system got the signed approval. A screenshot follows each step
(``TIDINGS_SHOTS=<folder>`` keeps them) to be looked at.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.demo import USER, OaCallbackServer, _mail
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess
from harness.smtp_sink import SmtpSink
from tests.integration.apprun import XRun, approval_request, shots_folder, tray_app, until

pytestmark = [pytest.mark.desktop, pytest.mark.dovecot]

SCREEN = "1280x800x24"
BUBBLE = (1280 - 10 - 180, 40 + 25)  # dunst: 360 px wide, top-right (harness/desktop_session.py)
PASSWORD = "pw-hour"
OLD = [f"Weekly digest {n}" for n in range(1, 7)]  # in INBOX before Tidings starts, newest last


def settings_text(dovecot: Dovecot, gw: GatewayProcess, token: str) -> str:
    return f"""[[mail]]
name = "work"
host = "localhost"
port = {dovecot.imaps_port}
security = "tls"
username = "{USER}"
ca_file = "{dovecot.ca_file}"
password_command = "printf %s {PASSWORD}"
sender_name = "Dana Demo"
address = "dana@example.com"
smtp_host = "localhost"
smtp_port = {dovecot.submission_port}
smtp_security = "starttls"

[gateway]
url = "{gw.url}"
token_command = "printf %s {token}"
"""


@pytest.fixture
def hour(tmp_path: Path) -> Iterator[tuple[XRun, Dovecot, SmtpSink, GatewayProcess, OaCallbackServer, str]]:
    shots = shots_folder(tmp_path)
    box: dict[str, str] = {}
    with (
        SmtpSink() as sink,
        Dovecot(smtp_relay_port=sink.port) as dovecot,
        GatewayProcess(tmp_path / "gateway.sqlite3") as gw,
        OaCallbackServer(box) as oa,
        DesktopSession(tray=True, screen=SCREEN) as desk,
    ):
        dovecot.add_user(USER, PASSWORD)
        start = datetime.now(UTC) - timedelta(hours=3)
        for n, subject in enumerate(OLD):
            sender = f"Newsletter {n} <news{n}@example.com>"
            dovecot.append(
                USER, _mail(sender, subject, f"Digest number {n + 1}.", start + timedelta(minutes=n))
            )
        gw.start()
        gw.add_user(USER, "Dana Demo")
        gw.add_user("lisa", "Lisa Chen")
        box["secret"] = gw.add_integration("oa", oa.url)
        gw.add_conversation("dm-lisa", "Lisa Chen", [USER, "lisa"])
        settings = tmp_path / "settings.toml"
        settings.write_text(settings_text(dovecot, gw, gw.issue_token(USER)), encoding="utf-8")
        log = tmp_path / "tidings.log"
        env = {**os.environ, **desk.env, "QT_QPA_PLATFORM": "xcb", "LANG": "en_US.UTF-8"}
        try:
            with tray_app(settings, tmp_path / "app", log, env):
                yield XRun(desk, shots, repaint=0.4), dovecot, sink, gw, oa, box["secret"]
        finally:
            print(f"screenshots: {shots}; app log: {log}")


def folder_subjects(dovecot: Dovecot, folder: str) -> dict[str, bool]:
    """Subject -> seen, of every message in ``folder``."""
    client = dovecot.client(USER)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        out: dict[str, bool] = {}
        for data in client.fetch(uids, ["ENVELOPE", "FLAGS"]).values():
            out[data[b"ENVELOPE"].subject.decode()] = b"\\Seen" in data[b"FLAGS"]
        return out
    finally:
        with contextlib.suppress(Exception):
            client.logout()


def test_a_working_hour_with_the_keyboard_the_mouse_and_a_notification(
    hour: tuple[XRun, Dovecot, SmtpSink, GatewayProcess, OaCallbackServer, str],
) -> None:
    r, dovecot, sink, gw, oa, secret = hour
    r.connected_to(gw, "morning")

    # 1. A mail arrives; a click on its bubble opens the window at it.
    dovecot.append(
        USER, _mail("Omar Haddad <omar@example.com>", "Budget for Q3", "Can you send the numbers?")
    )
    until(lambda: bool(r.bubbles("Budget for Q3")), "the mail's bubble")
    r.shot("mail-bubble")
    r.click(*BUBBLE)
    until(lambda: bool(r.window("^Tidings$")), "the inbox window")
    window = r.window("^Tidings$")
    r.shot("window-at-the-mail")

    # 2. Reply: R opens the compose window with the original quoted; Ctrl+Enter sends.
    r.focus(window)
    r.xdotool("key", "r")
    until(lambda: bool(r.window("^Reply: Budget for Q3")), "the reply window")
    compose = r.window("^Reply: Budget for Q3")
    r.shot("reply-window")  # also lets the new window take the keyboard before typing
    r.focus(compose)
    r.xdotool("type", "--delay", "20", "Numbers attached by Friday. Dana")
    r.shot("reply-typed")
    r.xdotool("key", "ctrl+Return")
    sent = sink.wait_for(lambda m: m.message["Subject"] == "Re: Budget for Q3", timeout=30)
    assert sent.message["In-Reply-To"], "the reply names the mail it answers"
    assert "Numbers attached by Friday." in sent.message.get_body(("plain",)).get_content()
    until(lambda: not r.window("^Reply: Budget for Q3"), "the reply window closed")
    r.shot("reply-sent")

    # 3. Archive three: a click, two Ctrl-clicks on the list, then E.
    r.focus(window)
    rows = list_rows(r, window)
    targets = [rows[OLD[-1]], rows[OLD[-3]], rows[OLD[-5]]]
    r.click(*targets[0])
    for point in targets[1:]:
        r.click(*point, "ctrl")
    r.shot("three-selected")
    r.xdotool("key", "e")
    archived = {OLD[-1], OLD[-3], OLD[-5]}
    until(lambda: archived <= set(folder_subjects(dovecot, "Archive")), "the three in Archive", timeout=30)
    assert not archived & set(folder_subjects(dovecot, "INBOX"))
    r.shot("three-archived")

    # 4. Shift+C marks the whole view read; after the undo window, the server has it.
    r.focus(window)
    r.xdotool("key", "shift+c")
    r.shot("marked-all-read")
    until(lambda: all(folder_subjects(dovecot, "INBOX").values()), "every INBOX mail \\Seen", timeout=40)

    # 5. An approval request, approved with its bubble's own button.
    r.desk.close_all()
    gw.post_event("oa", secret, "approval.requested", approval_request(7), recipients=[USER])
    until(lambda: bool(r.bubbles("Travel request 7")), "the approval's bubble")
    until(lambda: r.desk.count("displayed") == 1, "the bubble on screen")
    r.shot("approval-bubble")
    assert "Approve" in r.desk.invoke_action("Approve")
    until(lambda: bool(oa.decisions), "the signed decision at the OA system")
    assert oa.decisions[0]["decision"] == "approve" and oa.decisions[0]["approval"] == "A-7"
    until(lambda: r.desk.count("displayed") == 0, "the approved request's bubble closed")
    r.shot("approved")


def list_rows(r: XRun, window: str) -> dict[str, tuple[int, int]]:
    """Screen points of the old mails' rows: newest first, one fixed height each, at the
    offsets the screenshots of this run show (a 1080 px wide window at the screen's
    top-left, no window manager). Above them: the reply, then the mail and Lisa's
    conversation (in either order: their times can fall in the same second)."""
    x, y, _w, _h = r.geometry(window)
    return {title: (x + ROW_X, y + FIRST_ROW + (3 + n) * ROW) for n, title in enumerate(reversed(OLD))}


ROW_X, FIRST_ROW, ROW = 200, 88, 62  # a row's middle, measured in the screenshots
