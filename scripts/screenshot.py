"""Render the inbox window with realistic content and save a screenshot.

    Xvfb :77 -screen 0 1280x800x24 -nolisten tcp &
    DISPLAY=:77 QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshot.py docs/screenshot.png

Options: --select mail|chat|approval|task (which item is open), --banner (show
an offline source), --lang zh_CN (locale for dates), --dark (a dark palette).
The capture is of the X screen itself (what a user would see), not a widget render.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop.app.facade import AppFacade
from desktop.app.runtime import Runtime
from desktop.config.settings import GatewaySettings, MailAccount, Settings
from desktop.core.events import ConnectionState, ItemsArrived, SourceStatus
from desktop.core.item import Action, Item, Kind, Urgency
from desktop.store import Store
from desktop.ui.app import install_translations
from desktop.ui.bridge import Bridge
from desktop.ui.detail import MailBody
from desktop.ui.window import InboxWindow

MAIL_ACTIONS = (Action.OPEN, Action.MARK_READ, Action.OPEN_EXTERNAL)
CHAT_ACTIONS = (Action.OPEN, Action.REPLY, Action.MARK_READ)


def sample_items(now: datetime) -> list[Item]:
    def ago(**kw: float) -> datetime:
        return now - timedelta(**kw)

    def mail(
        n: int, sender: str, title: str, preview: str, when: datetime, unread: bool = False, **kw: object
    ) -> Item:
        return Item(
            id=f"mail:work:INBOX:1:{n}",
            source="mail:work",
            kind=Kind.MAIL,
            sender=sender,
            title=title,
            preview=preview,
            time=when,
            unread=unread,
            actions=MAIL_ACTIONS,
            payload={
                "account": "work",
                "message_id": f"<{n}@mail.example.com>",
                "to": "Li Lei <li.lei@example.com>",
            },
            **kw,  # type: ignore[arg-type]
        )

    def chat(
        mid: str, conv: str, title: str, sender: str, sid: str, text: str, when: datetime, unread: bool
    ) -> Item:
        return Item(
            id=f"gw:msg:{mid}",
            source="gateway",
            kind=Kind.CHAT,
            sender=sender,
            title=title,
            preview=text,
            time=when,
            unread=unread,
            actions=CHAT_ACTIONS,
            thread_key=f"chat:{conv}",
            payload={
                "conversation": {"id": conv, "kind": "group", "title": title},
                "message": {"id": mid, "text": text, "sender": {"id": sid, "name": sender}},
            },
        )

    items = [
        mail(
            101,
            "王芳 Wang Fang",
            "Q3 预算评审会议纪要",
            "各位好，附件是本周预算评审的会议纪要，请在周五前确认各自负责的行动项。",
            ago(minutes=12),
            unread=True,
        ),
        chat(
            "m1",
            "release",
            "#release-2.4",
            "Chen Jie",
            "u2",
            "Staging is green, shall we cut the RC?",
            ago(minutes=58),
            False,
        ),
        chat(
            "m2",
            "release",
            "#release-2.4",
            "Li Lei",
            "me",
            "Yes — tag it after the smoke tests pass.",
            ago(minutes=41),
            False,
        ),
        chat(
            "m3",
            "release",
            "#release-2.4",
            "Chen Jie",
            "u2",
            "Smoke tests passed, cutting rc1 now, notes in the wiki.",
            ago(minutes=25),
            True,
        ),
        Item(
            id="gw:approval:4711",
            source="gateway",
            kind=Kind.APPROVAL,
            sender="张伟 Zhang Wei",
            title="差旅报销 Travel expenses — Shanghai customer visit",
            preview="Amount: ¥3,280.00 · Trip: Shanghai, 3 days · Cost center: R&D-07",
            time=ago(hours=1, minutes=30),
            state="pending",
            actions=(Action.OPEN, Action.APPROVE, Action.REJECT, Action.MARK_READ),
            urgency=Urgency.URGENT,
            payload={
                "approval": {
                    "id": "4711",
                    "requester": {"id": "u9", "name": "张伟 Zhang Wei"},
                    "fields": [
                        {"label": "Amount", "value": "¥3,280.00"},
                        {"label": "Trip", "value": "Shanghai, 3 days (Sep 2-4)"},
                        {"label": "Cost center", "value": "R&D-07"},
                        {"label": "Reason", "value": "客户现场验收 On-site acceptance with the customer"},
                    ],
                    "deadline": (now + timedelta(hours=20)).isoformat(),
                    "url": "https://oa.example.com/approvals/4711",
                    "urgency": "urgent",
                },
                "url": "https://oa.example.com/approvals/4711",
            },
        ),
        Item(
            id="gw:task:88",
            source="gateway",
            kind=Kind.TASK,
            sender="Apollo",
            title="Review the 2.4 release notes",
            preview="Please check the upgrade section and the known issues before Thursday.",
            time=ago(hours=3),
            unread=True,
            actions=(Action.OPEN, Action.MARK_READ),
            payload={
                "task": {
                    "id": "88",
                    "text": "Please check the upgrade section and the known issues before Thursday.",
                    "due": (now + timedelta(days=2)).isoformat(),
                    "project": "Apollo",
                    "url": "https://pm.example.com/t/88",
                },
                "url": "https://pm.example.com/t/88",
            },
        ),
        mail(
            102,
            "GitLab",
            "Pipeline failed for main (#48213)",
            "Job integration-tests failed after 14 minutes: 2 tests failed in tests/imap.",
            ago(hours=5),
        ),
        Item(
            id="gw:announcement:9",
            source="gateway",
            kind=Kind.ANNOUNCEMENT,
            sender="行政部 Admin",
            title="国庆节放假安排 National Day holiday schedule",
            preview="Office closed Oct 1-7; the VPN stays up. 10月1日至7日放假，VPN 正常使用。",
            time=ago(days=1, hours=2),
            actions=(Action.OPEN, Action.MARK_READ),
            payload={"announcement": {"id": "9", "text": "Office closed Oct 1-7."}},
        ),
        chat(
            "m9",
            "design",
            "Design review",
            "Sara Kim",
            "u5",
            "I left comments on the settings dialog mock-ups.",
            ago(days=2, hours=1),
            False,
        ),
        mail(
            103,
            "Li Na",
            "Re: Onboarding checklist for the new hires",
            "Thanks! I added the accounts section; the laptops arrive on Monday.",
            ago(days=3),
        ),
        mail(
            104,
            "HR Service",
            "您的年假余额 Your annual leave balance",
            "截至本月，您还有 7.5 天年假。 As of this month you have 7.5 days left.",
            ago(days=4),
        ),
        mail(
            105,
            "Daniel Weber",
            "Contract draft v3 for review",
            "Attached is the third draft with the changes to clause 7 we discussed on the call.",
            ago(days=9),
            urgency=Urgency.URGENT,
        ),
        mail(
            106,
            "Newsletter",
            "This month at Example Corp",
            "Town hall recap, new parking rules, and the winners of the hackathon.",
            ago(days=21),
        ),
    ]
    return items


MAIL_HTML = """
<p>各位好，</p>
<p>附件是本周 <b>Q3 预算评审</b> 的会议纪要，请在 <b>周五前</b> 确认各自负责的行动项。</p>
<ul>
<li>市场部：提交 10 月活动预算明细</li>
<li>研发部：确认云服务器扩容方案 (R&amp;D-07)</li>
<li>财务部：更新差旅报销标准</li>
</ul>
<p>Hi all — the minutes of this week's Q3 budget review are attached. Please confirm your
action items by Friday. Details: <a href="https://wiki.example.com/q3-budget">wiki.example.com/q3-budget</a></p>
<p><img src="https://tracker.example.com/open.gif" width="1" height="1"></p>
<p>谢谢，<br>王芳</p>
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--select", choices=("mail", "chat", "approval", "task"), default="mail")
    parser.add_argument("--banner", action="store_true")
    parser.add_argument("--lang", default="en_US")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--size", default="1200x760")
    parser.add_argument("--full", action="store_true", help="capture the whole screen, not just the window")
    args = parser.parse_args()

    QLocale.setDefault(QLocale(args.lang))
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Tidings")
    install_translations(app, QLocale(args.lang))
    if args.dark:
        app.setStyle("Fusion")
        pal = QPalette()
        for role, color in (
            (QPalette.ColorRole.Window, "#26282C"),
            (QPalette.ColorRole.WindowText, "#E6E6E6"),
            (QPalette.ColorRole.Base, "#1E1F22"),
            (QPalette.ColorRole.AlternateBase, "#2B2D31"),
            (QPalette.ColorRole.Text, "#E6E6E6"),
            (QPalette.ColorRole.Button, "#2F3136"),
            (QPalette.ColorRole.ButtonText, "#E6E6E6"),
            (QPalette.ColorRole.Highlight, "#3B7DDD"),
            (QPalette.ColorRole.HighlightedText, "#FFFFFF"),
            (QPalette.ColorRole.PlaceholderText, "#8A8D93"),
            (QPalette.ColorRole.Light, "#3A3D42"),
            (QPalette.ColorRole.Dark, "#141517"),
            (QPalette.ColorRole.Mid, "#2A2C30"),
        ):
            pal.setColor(role, QColor(color))
        app.setPalette(pal)

    tmp = tempfile.TemporaryDirectory()
    store = Store(Path(tmp.name) / "inbox.sqlite3")
    settings = Settings(
        mail=[MailAccount("work", "imap.example.com", "li.lei")],
        gateway=GatewaySettings(url="wss://gateway.example.com"),
    )
    runtime = Runtime(settings, Path(tmp.name), store=store)
    # Stands in for the gateway source: the UI asks it who "we" are (hello.user).
    runtime.sources["gateway"] = type(
        "GatewayStub", (), {"id": "gateway", "user": "me", "outbox_changed": lambda self: None}
    )()  # type: ignore[assignment]
    bridge = Bridge()
    runtime.pipeline.add_listener(bridge.listener())
    now = datetime.now(UTC)
    for item in sample_items(now):
        runtime.pipeline.handle(ItemsArrived(item.source, [item], quiet=True))
    if args.banner:
        runtime.pipeline.handle(
            SourceStatus(
                "mail:work", ConnectionState.AUTH_FAILED, "The server rejected the user name or password."
            )
        )

    window = InboxWindow(AppFacade(runtime), bridge, body_fetcher=lambda item: MailBody(html=MAIL_HTML))
    window._read_timer.setInterval(10**9)  # keep the unread look for the picture
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.move(40, 20)
    window.show()
    selected = {
        "mail": "mail:work:INBOX:1:101",
        "chat": "gw:msg:m3",
        "approval": "gw:approval:4711",
        "task": "gw:task:88",
    }[args.select]
    window.show_item(selected)
    window.list.setFocus()

    def capture() -> None:
        screen = QGuiApplication.primaryScreen()
        # Pixels from the X screen (what a user sees), cropped to the window unless --full.
        if args.full:
            shot = screen.grabWindow(0)
        else:
            g = window.frameGeometry()
            shot = screen.grabWindow(0, g.x(), g.y(), g.width(), g.height())
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if not shot.save(str(args.output)):
            print(f"could not save {args.output}", file=sys.stderr)
            app.exit(1)
            return
        print(args.output)
        app.quit()

    QTimer.singleShot(1500, capture)
    code = app.exec()
    window.close()
    store.close()
    tmp.cleanup()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
