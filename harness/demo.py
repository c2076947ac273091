"""The demo: Tidings on an embedded default, with mail, chat, approvals and tasks arriving live.

Starts a throwaway Dovecot and the reference gateway on loopback, writes a
settings file pointing Tidings at both, starts the tray app, and then plays a
small office: new mail every few seconds, coworkers chatting (and answering
your replies), an OA system posting approval requests and receiving your
decisions on its signed callback, a project system assigning tasks and receiving
their completions the same way, and announcements.

    python -m harness.demo [--interval 4] [--duration SECONDS] [--data-dir DIR] [--no-sso]

"Sign in with your company account": the demo runs a throwaway OpenID Connect provider
(``harness/idp.py``) that both the mail server (Dovecot's ``passdb oauth2``) and the gateway
(``serve --oidc-issuer``) trust, and declares it as ``[oauth.demo]``; the mail account
(``auth = "oauth2"``) and the gateway (``sign_in = "sso"``, ``oauth = "demo"``) sign in with
it, so one browser sign-in serves both. The terminal shows the user name and password; the
system browser opens the provider's login page (``tidings account login``). Without a display
the sign-in is scripted: headless Chromium fills in the form (``harness/signin_browser.py``).
``--no-sso`` (or a machine without the provider's Node packages) keeps the old way: a mail
password and a gateway token, handed over by commands.

Sign-ins are stored in a keyring file in the demo's data folder (``harness/file_keyring.py``),
never in the user's own keyring. Without a display (a server, CI) it runs on a virtual X
screen and saves a screenshot every few seconds. Ctrl-C stops everything, by PID.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import itertools
import json
import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import websockets

from desktop.app.runtime import DB_NAME
from gateway import signing
from harness import file_keyring
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess, OidcOptions
from harness.idp import RESOURCE_GATEWAY_JWT, RESOURCE_IMAP_JWT, IdentityProvider, IdentityProviderError
from harness.signin_browser import SignInBrowser, SignInBrowserError
from harness.smtp_sink import Relayed, SmtpSink

log = logging.getLogger("demo")

USER = "demo"
VIRTUAL_SCREEN = "1280x800x24"  # used when there is no display
MAIL_PASSWORD = "demo-mail-password"
MAIL_ACCOUNT = "Demo mail"
#: shown in the terminal; the demo provider's development login form accepts any password
SSO_PASSWORD = "tidings-demo"
COWORKERS = {"wang": "王伟", "lisa": "Lisa Chen", "omar": "Omar Haddad"}

MAILS = [
    (
        "Priya Raman <priya@example.com>",
        "Q4 budget review — slides attached",
        "Hi, here are the slides for Thursday. The travel line is still open; can you check it before the review?",
    ),
    (
        "张敏 <zhang.min@example.cn>",
        "会议纪要：产品路线图讨论",
        "各位好，附件是今天路线图讨论的会议纪要，请在周五前确认各自的行动项。",
    ),
    (
        "GitLab <noreply@git.example.com>",
        "Pipeline failed for main (a1b2c3d)",
        "Job test:integration failed after 12 minutes. 3 tests failed in tests/integration/test_sync.py.",
    ),
    (
        "Marco Rossi <marco@example.it>",
        "Lunch on Friday?",
        "There's a new ramen place near the office. 12:30 works for me — you in?",
    ),
    (
        "HR Team <hr@example.com>",
        "Reminder: submit your timesheet",
        "Timesheets for this month close on Friday at 17:00. Thanks for submitting on time.",
    ),
    (
        "Aiko Tanaka <aiko@example.jp>",
        "Contract draft v3",
        "I've addressed the comments from legal. Changes are tracked in section 4 and 7.",
    ),
]
CHATS = [
    ("wang", "team", "Standup moved to 10:15 today, the big room is taken"),
    ("lisa", "dm-lisa", "Do you have five minutes to look at the release notes?"),
    ("omar", "team", "Deploy to staging done ✅ — please smoke-test the approval flow"),
    ("wang", "team", "午饭一起吗？楼下新开了一家面馆"),
    ("lisa", "dm-lisa", "Thanks! I'll ship them after lunch then"),
]
REPLIES = ["👍 thanks!", "Great, see you then", "收到，谢谢！", "Perfect, that helps a lot"]
APPROVALS = [
    (
        "Expense report: team offsite, Hangzhou",
        "normal",
        [("Amount", "¥ 12,480.00"), ("Cost centre", "R&D-204"), ("Receipts", "14 attached")],
    ),
    (
        "Leave request: Lisa Chen, 3 days",
        "normal",
        [("From", "Mon 1 Dec"), ("To", "Wed 3 Dec"), ("Balance after", "9 days")],
    ),
    (
        "Purchase order PO-7781: 20 laptops",
        "urgent",
        [("Vendor", "Lenovo"), ("Total", "€ 31,600.00"), ("Budget line", "IT-Hardware 2026")],
    ),
]
TASKS = [
    (
        "Review pull request #482: retry outbox on reconnect",
        "Omar asked for your review before Thursday's release.",
    ),
    ("Update the on-call runbook", "The paging rotation changed; please bring section 3 up to date."),
]
ANNOUNCEMENTS = [
    (
        "Office closed on Friday afternoon",
        "The building will be closed from 14:00 for maintenance of the fire alarm system.",
        "normal",
    ),
    (
        "Security: rotate your VPN certificate",
        "Certificates issued before October expire on Monday. Rotate yours from the IT portal today.",
        "urgent",
    ),
]


def _mail(sender: str, subject: str, text: str, when: datetime | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Dana Demo <demo@example.com>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when or datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain="example.com")
    msg.set_content(text)
    msg.add_alternative(
        f"<html><body><p>{text}</p><img src='https://tracker.example.com/pixel.gif'></body></html>",
        subtype="html",
    )
    return msg.as_bytes()


class CallbackServer:
    """An integration's callback endpoint (the OA system's, the project system's): verifies
    each signed callback (decisions, task completions) and logs it."""

    def __init__(self, secret_box: dict[str, str], system: str = "OA", path: str = "/oa/decisions") -> None:
        self.decisions: list[dict[str, Any]] = []  # approval.decided
        self.completions: list[dict[str, Any]] = []  # task.completed
        box = secret_box
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ok = signing.verify(
                    box.get("secret", ""),
                    self.headers.get("X-Tidings-Timestamp", ""),
                    body,
                    self.headers.get("X-Tidings-Signature", ""),
                )
                self.send_response(200 if ok else 401)
                self.end_headers()
                if not ok:
                    return
                callback = json.loads(body)
                if callback.get("type") == "task.completed":
                    outer.completions.append(callback)
                    by = callback.get("by") or {}
                    log.info("%s received: %s completed by %s", system, callback.get("task"), by.get("name"))
                else:
                    outer.decisions.append(callback)
                    log.info(
                        "%s received: %s %s (%s)",
                        system,
                        callback.get("decision"),
                        callback.get("approval"),
                        callback.get("comment") or "no comment",
                    )

            def log_message(self, *args: Any) -> None:  # keep the console for the story
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{path}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> CallbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


OaCallbackServer = CallbackServer  # the OA system's, as the Xvfb tests know it


class Office:
    """Coworkers on websockets (they chat and answer), the OA and project tools over signed HTTP."""

    def __init__(self, gw: GatewayProcess, tokens: dict[str, str], secrets: dict[str, str]) -> None:
        self.gw = gw
        self.tokens = tokens
        self.secrets = secrets
        self._sockets: dict[str, Any] = {}

    async def _coworker(self, name: str) -> None:
        url = f"{self.gw.url}/v1/stream?since=-1"
        headers = {"Authorization": f"Bearer {self.tokens[name]}"}
        async for ws in websockets.connect(url, additional_headers=headers):
            self._sockets[name] = ws
            try:
                async for raw in ws:
                    frame = json.loads(raw)
                    event = frame.get("event") or {}
                    if event.get("type") != "chat.message":
                        continue
                    msg = event["data"]["message"]
                    if msg["sender"]["id"] != USER:
                        continue
                    conv = event["data"]["conversation"]["id"]
                    # Only the person addressed answers: Lisa in her direct chat, Wang in the team.
                    if (conv == "dm-lisa") != (name == "lisa") or (conv == "team" and name != "wang"):
                        continue
                    await asyncio.sleep(2.0)
                    await self.say(name, conv, random.choice(REPLIES))
            except websockets.ConnectionClosed:
                continue

    async def say(self, name: str, conversation: str, text: str) -> None:
        ws = self._sockets.get(name)
        if ws is None:
            return
        await ws.send(
            json.dumps(
                {"type": "chat.send", "id": uuid.uuid4().hex, "conversation": conversation, "text": text}
            )
        )

    def post(self, integration: str, event_type: str, data: dict[str, Any]) -> None:
        self.gw.post_event(integration, self.secrets[integration], event_type, data, recipients=[USER])

    async def play(self, dovecot: Dovecot, interval: float, stop: asyncio.Event) -> None:
        coworkers = [asyncio.create_task(self._coworker(name)) for name in COWORKERS]
        try:
            await self._play(dovecot, interval, stop)
        finally:
            for task in coworkers:
                task.cancel()

    async def _play(self, dovecot: Dovecot, interval: float, stop: asyncio.Event) -> None:
        await asyncio.sleep(1.0)
        mails, chats = itertools.cycle(MAILS), itertools.cycle(CHATS)
        approvals, tasks, news = (
            itertools.cycle(APPROVALS),
            itertools.cycle(TASKS),
            itertools.cycle(ANNOUNCEMENTS),
        )
        # The beat of the office: mostly mail and chat, now and then the OA and the tools.
        beat = ["mail", "chat", "approval", "mail", "chat", "task", "mail", "chat", "announcement"]
        for n, kind in enumerate(itertools.cycle(beat)):
            if stop.is_set():
                return
            try:
                if kind == "mail":
                    sender, subject, text = next(mails)
                    await asyncio.to_thread(dovecot.append, USER, _mail(sender, subject, text))
                    log.info("mail: %s — %s", sender.split("<")[0].strip(), subject)
                elif kind == "chat":
                    who, conv, text = next(chats)
                    await self.say(who, conv, text)
                    log.info("chat: %s in %s: %s", COWORKERS[who], conv, text)
                elif kind == "approval":
                    title, urgency, fields = next(approvals)
                    aid = f"A-{1000 + n}"
                    deadline = (datetime.now(UTC) + timedelta(days=2)).isoformat()
                    data = {
                        "approval": {
                            "id": aid,
                            "title": title,
                            "requester": {"id": "lisa", "name": COWORKERS["lisa"]},
                            "fields": [{"label": k, "value": v} for k, v in fields],
                            "deadline": deadline,
                            "urgency": urgency,
                            "url": f"https://oa.example.com/approvals/{aid}",
                        }
                    }
                    await asyncio.to_thread(self.post, "oa", "approval.requested", data)
                    log.info("approval: %s (%s)", title, aid)
                elif kind == "task":
                    title, text = next(tasks)
                    data = {
                        "task": {
                            "id": f"T-{n}",
                            "title": title,
                            "text": text,
                            "project": "Release 2.4",
                            "url": f"https://projects.example.com/T-{n}",
                            "due": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
                        }
                    }
                    await asyncio.to_thread(self.post, "projects", "task.assigned", data)
                    log.info("task: %s", title)
                else:
                    title, text, urgency = next(news)
                    data = {
                        "announcement": {
                            "id": f"N-{n}",
                            "title": title,
                            "text": text,
                            "urgency": urgency,
                            "url": None,
                        }
                    }
                    await asyncio.to_thread(self.post, "hr", "announcement", data)
                    log.info("announcement: %s", title)
            except Exception as exc:  # the demo goes on; say what failed
                log.warning("could not send the %s: %s", kind, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)


def _say_sent(relayed: Relayed) -> None:
    message = relayed.message
    log.info("mail sent: to %s — %s", ", ".join(relayed.rcpt_tos), message.get("Subject", ""))


def write_settings(
    path: Path, dovecot: Dovecot, gw: GatewayProcess, token: str, idp: IdentityProvider | None = None
) -> None:
    """With ``idp``: mail and the gateway sign in with the company provider ``[oauth.demo]``
    (one browser sign-in for both); without: a password and a token, by command."""
    mail = f"""[[mail]]
name = "{MAIL_ACCOUNT}"
host = "127.0.0.1"
port = {dovecot.imaps_port}
security = "tls"
username = "{USER}"
ca_file = "{dovecot.ca_file}"
sender_name = "Dana Demo"
address = "{USER}@tidings.test"
smtp_host = "127.0.0.1"
smtp_port = {dovecot.submission_port}
smtp_security = "starttls"
"""
    if idp is None:
        # Demo only: the secrets are throwaway values, handed over by a command so
        # the user's real keyring is never touched. Real accounts use the keyring.
        text = f"""{mail}password_command = "printf %s {MAIL_PASSWORD}"

[gateway]
url = "{gw.url}"
token_command = "printf %s {token}"
"""
    else:
        # The company's provider, declared once; mail and the gateway name it. Its audiences
        # (RFC 8707 resources) keep the mail server's and the gateway's tokens apart.
        text = f"""{mail}auth = "oauth2"
oauth = "demo"

[gateway]
url = "{gw.url}"
sign_in = "sso"
oauth = "demo"
audience = "{RESOURCE_GATEWAY_JWT}"
scopes = ["gateway"]

[oauth.demo]
issuer = "{idp.issuer}"
client_id = "{idp.client_id}"
scopes = ["openid", "offline_access", "mail"]
resource = "{RESOURCE_IMAP_JWT}"
"""
    path.write_text(
        "# Written by the Tidings demo. Real settings live in your platform's config folder.\n" + text,
        encoding="utf-8",
    )


def _company_provider(stack: contextlib.ExitStack, data_dir: Path) -> IdentityProvider | None:
    """The demo's identity provider, or None (with the reason logged) where it cannot run."""
    try:
        return stack.enter_context(IdentityProvider(data_dir / "idp"))
    except (IdentityProviderError, OSError) as exc:
        log.warning("no company sign-in (%s); using a password and a token instead", exc)
        return None


def sign_in(
    stack: contextlib.ExitStack,
    data_dir: Path,
    settings: Path,
    idp: IdentityProvider,
    env: dict[str, str],
    headless: bool,
) -> bool:
    """“Sign in with your company account”: ``tidings account login`` opens the provider's
    login page in the system browser (headless: Chromium fills it in). The one sign-in serves
    mail and the gateway; a failed one can be done again from Tidings' “Sign in…” button."""
    login_env = {**env}
    if headless:
        try:
            browser = stack.enter_context(SignInBrowser(data_dir / "browser"))
        except (SignInBrowserError, OSError) as exc:
            log.warning("cannot script the sign-in without a display (%s)", exc)
            return False
        login_env["BROWSER"] = str(browser.browser_script("consent", USER))
        login_env.pop("DISPLAY", None)  # webbrowser must use BROWSER, not look for a desktop browser
    log.info("")
    log.info("Sign in with your company account: the demo's sign-in page opens in your browser")
    log.info("(Tidings starts once you have signed in, or after 5 minutes):")
    log.info("    user name: %s", USER)
    log.info("    password:  %s   (the demo's provider accepts any password)", SSO_PASSWORD)
    log.info("")
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop.app.cli",
            "--config",
            str(settings),
            "--data-dir",
            str(data_dir / "app"),
            "account",
            "login",
            MAIL_ACCOUNT,
        ],
        env=login_env,
        stdin=subprocess.DEVNULL,
        timeout=330,
        check=False,
    )
    if result.returncode != 0:
        log.warning("the sign-in did not complete; use “Sign in…” in Tidings' inbox to try again")
        return False
    log.info("signed in for mail and the gateway in %.1f s", time.monotonic() - started)
    return True


@contextlib.contextmanager
def _display(shots: Path) -> Iterator[dict[str, str]]:
    """The user's own display, or a virtual one when there is none."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        yield {}
        return
    log.info("no display: running on a virtual screen; screenshots go to %s", shots)
    with DesktopSession(tray=True, screen=VIRTUAL_SCREEN, max_bubbles=6) as session:
        yield {**session.env, "QT_QPA_PLATFORM": "xcb"}


async def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="tidings-demo-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    shots = data_dir / "screenshot.png"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    secret_box: dict[str, str] = {}
    projects_box: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        # The company's sign-in, trusted by the mail server and the gateway alike.
        idp = None if args.no_sso else _company_provider(stack, data_dir)
        # Replies the user sends go through Dovecot's submission service to a local sink,
        # which says in the terminal what would have left the office.
        sink = stack.enter_context(SmtpSink(on_message=_say_sent))
        dovecot = stack.enter_context(
            Dovecot(oauth2=idp.dovecot_validation("local") if idp else None, smtp_relay_port=sink.port)
        )
        dovecot.add_user(USER, MAIL_PASSWORD)
        dovecot.start()
        # Mail that was there before Tidings: imported quietly, never notified.
        for sender, subject, text in MAILS[:3]:
            dovecot.append(USER, _mail(sender, subject, text, datetime.now(UTC) - timedelta(hours=3)))

        oidc = OidcOptions(idp.issuer, RESOURCE_GATEWAY_JWT) if idp is not None else None
        gw = GatewayProcess(data_dir / "gateway.sqlite3", oidc=oidc)
        stack.enter_context(gw)
        gw.start()
        oa = stack.enter_context(CallbackServer(secret_box))
        projects = stack.enter_context(CallbackServer(projects_box, "Projects", "/projects/tidings"))
        gw.add_user(USER, "Dana Demo")
        tokens = {}
        for name, display in COWORKERS.items():
            gw.add_user(name, display)
            tokens[name] = gw.issue_token(name)
        secrets = {
            "oa": gw.add_integration("oa", oa.url),
            "projects": gw.add_integration("projects", projects.url),
            "hr": gw.add_integration("hr"),
        }
        secret_box["secret"] = secrets["oa"]
        projects_box["secret"] = secrets["projects"]
        gw.add_conversation("team", "Platform team", [USER, *COWORKERS])
        gw.add_conversation("dm-lisa", "Lisa Chen", [USER, "lisa"])
        settings = data_dir / "settings.toml"
        write_settings(settings, dovecot, gw, gw.issue_token(USER), idp)

        env_extra = stack.enter_context(_display(shots))
        # Sign-ins go to a keyring file of the demo's, never to the user's own keyring.
        env_extra = {**env_extra, **file_keyring.environment(data_dir / "keyring" / "keyring.json")}
        headless = "DISPLAY" in env_extra
        if idp is not None:
            await asyncio.to_thread(
                sign_in, stack, data_dir, settings, idp, {**os.environ, **env_extra}, headless
            )
        app_log = open(data_dir / "tidings.log", "wb")  # noqa: SIM115 - closed by the stack
        stack.callback(app_log.close)
        app = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "desktop.app.cli",
                "--config",
                str(settings),
                "--data-dir",
                str(data_dir / "app"),
            ],
            env={**os.environ, **env_extra},
            stdout=app_log,
            stderr=subprocess.STDOUT,
        )

        def stop_app() -> None:
            if app.poll() is None:
                app.send_signal(signal.SIGTERM)
                try:
                    app.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    app.kill()
                    app.wait(timeout=5)

        stack.callback(stop_app)
        log.info("Tidings is running (pid %d); settings in %s, log in %s", app.pid, settings, app_log.name)
        log.info("Look in your system tray. Ctrl-C stops the demo.")

        office = Office(gw, tokens, secrets)
        player = asyncio.create_task(office.play(dovecot, args.interval, stop))
        started = time.monotonic()
        opened = False
        clicked_at = shown_at = None  # the tray click; the first screenshot well after it
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
            if app.poll() is not None:
                log.error("Tidings exited with code %s; see %s", app.returncode, app_log.name)
                stop.set()
            if headless and not opened and time.monotonic() - started > 6:
                # On the virtual screen nobody can click: open the inbox from the tray
                # icon as a user would, so the screenshots show the window.
                opened = True
                await asyncio.to_thread(_click_tray, env_extra)
                clicked_at = time.monotonic()
            # The window has had time to paint 2 s after the click: --until-shown takes its
            # screenshot then rather than at the next multiple of 5 s.
            painted = clicked_at is not None and shown_at is None and time.monotonic() - clicked_at > 2
            if headless and (int(time.monotonic() - started) % 5 == 0 or (args.until_shown and painted)):
                await asyncio.to_thread(_screenshot, env_extra, shots)
                if painted:
                    shown_at = time.monotonic()
            if args.duration and time.monotonic() - started > args.duration:
                stop.set()
            if args.until_shown and (shown_at or not headless) and _shows_every_kind(data_dir / "app"):
                log.info("mail, chat and an approval are in the inbox: stopping (--until-shown)")
                stop.set()
        player.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await player
        code = app.poll()
        stop_app()
        log.info(
            "demo stopped; %d decision(s) reached the OA system, %d completed task(s) the project system",
            len(oa.decisions),
            len(projects.completions),
        )
        return 0 if code in (None, 0, -signal.SIGTERM) else 1


def _shows_every_kind(app_dir: Path) -> bool:
    """The app's inbox holds a new mail, a chat message and an approval request."""
    db = app_dir / DB_NAME
    if not db.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            ids = [row[0] for row in conn.execute("SELECT id FROM items")]
    except sqlite3.Error:
        return False  # not created yet, or busy
    # Beyond the mails that were there before Tidings (same subjects as the first new ones).
    mails = sum(i.startswith("mail:") for i in ids)
    return mails > len(MAILS[:3]) and all(
        any(i.startswith(k) for i in ids) for k in ("gw:msg:", "gw:approval:")
    )


def _click_tray(env: dict[str, str]) -> None:
    """Click the tray icon: trayer docks it in the bottom-right corner (DesktopSession)."""
    width, height = (int(v) for v in VIRTUAL_SCREEN.split("x")[:2])
    subprocess.run(
        ["xdotool", "mousemove", str(width - 14), str(height - 14), "click", "1"],
        env={**os.environ, **env},
        timeout=10,
        check=False,
    )


def _screenshot(env: dict[str, str], path: Path) -> None:
    subprocess.run(
        ["import", "-window", "root", str(path)], env={**os.environ, **env}, timeout=20, check=False
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=4.0, help="seconds between office events")
    parser.add_argument(
        "--duration", type=float, default=0, help="stop after this many seconds (0: run until Ctrl-C)"
    )
    parser.add_argument(
        "--until-shown",
        action="store_true",
        help="stop once a new mail, a chat message and an approval are in the inbox and (without"
        " a display) a screenshot of the opened window was saved; --duration still bounds it",
    )
    parser.add_argument("--data-dir", help="keep the demo's files here (default: a new temporary folder)")
    parser.add_argument(
        "--no-sso",
        action="store_true",
        help="sign in with a mail password and a gateway token instead of the company account",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s  %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
