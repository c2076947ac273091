"""OAuth2 mail accounts end to end: `tidings account login` in real headless Chromium against
the harness provider, the IMAP source logging in to Dovecot (passdb oauth2) with the stored
sign-in, a revoked sign-in turning into "Sign in again" without retries, a new sign-in picked
up by the running source, and the provider being down treated as an outage (retried)."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from desktop.app import account_login
from desktop.app.pipeline import Pipeline
from desktop.config.secrets import get_secret, oauth_key
from desktop.config.settings import MailAccount, Settings, parse, to_toml
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.item import Item
from desktop.sources.imap import ImapSource
from desktop.sources.oauth.accounts import sign_ins
from desktop.store import Store
from harness.dovecot import Dovecot
from harness.idp import RESOURCE_IMAP, IdentityProvider
from harness.signin_browser import SignInBrowser

pytestmark = [pytest.mark.dovecot, pytest.mark.usefixtures("memory_keyring")]


@pytest.fixture
def dovecot(idp: IdentityProvider) -> Iterator[Dovecot]:
    """One per test: Dovecot delays logins after a refused token (anvil penalty)."""
    server = Dovecot(oauth2=idp.dovecot_validation("introspection"))
    for user in ("alice", "bob", "carol"):
        server.add_user(user, "unused-password")
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(autouse=True)
def fresh_sign_ins() -> Iterator[None]:
    sign_ins.clear()
    yield
    sign_ins.clear()


@pytest.fixture
def use_browser(browser: SignInBrowser, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    def use(scenario: str, login: str) -> None:
        monkeypatch.setenv("BROWSER", str(browser.browser_script(scenario, login)))
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.setattr(webbrowser, "_tryorder", None)  # BROWSER is read once per process

    return use


def settings_for(idp: IdentityProvider, dovecot: Dovecot, user: str) -> Settings:
    return parse(
        {
            "mail": [
                {
                    "name": "work",
                    "host": "127.0.0.1",
                    "port": dovecot.imap_port,
                    "security": "plain",
                    "username": user,
                    "auth": "oauth2",
                    "oauth": "corp",
                }
            ],
            "oauth": {
                "corp": {
                    "issuer": idp.issuer,
                    "client_id": idp.client_id,
                    "scopes": ["openid", "offline_access", "mail"],
                    "resource": RESOURCE_IMAP,
                }
            },
        }
    )


def mail(subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ann Example <ann@example.com>"
    msg["To"] = "me@example.com"
    msg["Subject"] = subject
    msg.set_content("hello")
    return msg.as_bytes()


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[Item, bool]] = []
        self.statuses: list[SourceStatus] = []

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self.added += [(i, quiet) for i in items]

    def items_changed(self, items: Sequence[Item]) -> None:
        pass

    def items_removed(self, item_ids: Sequence[str]) -> None:
        pass

    def status_changed(self, status: SourceStatus) -> None:
        self.statuses.append(status)

    @property
    def state(self) -> ConnectionState | None:
        return self.statuses[-1].state if self.statuses else None

    def titles(self) -> list[str]:
        return [i.title for i, _quiet in self.added]


async def until(check: Callable[[], bool], what: str, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class Rig:
    def __init__(self, settings: Settings, db: Path) -> None:
        sign_ins.use(settings)
        self.account: MailAccount = settings.mail[0]
        self.store = Store(db)
        self.pipeline = Pipeline(self.store, asyncio.get_running_loop())
        self.rec = Recorder()
        self.pipeline.add_listener(self.rec)
        self.source = ImapSource(
            self.account,
            self.store,
            backoff_first=0.2,
            backoff_cap=1.0,
            timeout=5.0,
            sign_in=functools.partial(sign_ins.for_account, self.account),
        )

    async def __aenter__(self) -> Rig:
        self.source.start(self.pipeline.emit)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.source.stop()
        self.store.close()


def login(settings: Settings, *, check: bool = True) -> tuple[int, list[str], list[str]]:
    said: list[str] = []
    warned: list[str] = []
    rc = account_login.run(
        settings, "work", device=False, say=said.append, warn=warned.append, browser_timeout=60, check=check
    )
    return rc, said, warned


def oauth_failures(dovecot: Dovecot, user: str) -> int:
    return sum(
        1
        for line in dovecot.log_text().splitlines()
        if "imap-login" in line and f"user=<{user}>" in line and "auth failed" in line
    )


def temporary_failures(dovecot: Dovecot) -> int:
    return dovecot.log_text().count("auth service reported temporary failure")


@pytest.mark.asyncio
async def test_login_then_mail_then_revoked_then_signed_in_again(
    idp: IdentityProvider, dovecot: Dovecot, use_browser: Callable[[str, str], None], tmp_path: Path
) -> None:
    settings = settings_for(idp, dovecot, "alice")
    use_browser("consent", "alice")
    rc, said, warned = await asyncio.to_thread(login, settings)
    assert (rc, warned) == (0, []), warned
    assert "accepts the sign-in for alice" in said[-1]
    stored = get_secret(oauth_key(idp.issuer, idp.client_id))
    assert stored and all(stored not in line for line in said)

    async with Rig(settings, tmp_path / "db.sqlite3") as rig:
        await until(lambda: rig.rec.state is ConnectionState.ONLINE, "online")
        dovecot.append("alice", mail("first after sign-in"))
        await until(lambda: "first after sign-in" in rig.rec.titles(), "the first mail")
        assert "method=OAUTHBEARER" in dovecot.log_text()

        # An administrator ends the sign-in; the next login finds out.
        assert idp.revoke_grants("alice") >= 1
        rig.source.reconnect_now()
        await until(lambda: rig.rec.state is ConnectionState.SIGN_IN_AGAIN, "sign in again")
        assert "sign in" in rig.rec.statuses[-1].message.lower()
        assert rig.source.blocked
        failures = oauth_failures(dovecot, "alice")

        # Signing in again (here from the command line) is noticed by the running source.
        use_browser("consent", "alice")
        rc, _said, warned = await asyncio.to_thread(login, settings, check=False)
        assert (rc, warned) == (0, [])
        await until(lambda: rig.rec.state is ConnectionState.ONLINE, "online after signing in again")
        # The successful login is the sentinel: no failed attempt came between the block and it.
        assert oauth_failures(dovecot, "alice") == failures
        dovecot.append("alice", mail("after signing in again"))
        await until(lambda: "after signing in again" in rig.rec.titles(), "mail after signing in again")
    states = [s.state for s in rig.rec.statuses]
    assert ConnectionState.AUTH_FAILED not in states  # never mistaken for a wrong password


@pytest.mark.asyncio
async def test_the_provider_down_is_an_outage_that_is_retried(
    idp: IdentityProvider, dovecot: Dovecot, use_browser: Callable[[str, str], None], tmp_path: Path
) -> None:
    settings = settings_for(idp, dovecot, "bob")
    use_browser("consent", "bob")
    rc, _said, warned = await asyncio.to_thread(login, settings)
    assert (rc, warned) == (0, [])
    async with Rig(settings, tmp_path / "db.sqlite3") as rig:
        await until(lambda: rig.rec.state is ConnectionState.ONLINE, "online")
        idp.stop()
        try:
            before = temporary_failures(dovecot)
            rig.source.reconnect_now()
            await until(lambda: rig.rec.state is ConnectionState.OFFLINE, "offline")
            # Retried with backoff: Dovecot sees more than one attempt while the provider is down.
            await until(lambda: temporary_failures(dovecot) >= before + 2, "a second attempt")
            assert not rig.source.blocked
            states = {s.state for s in rig.rec.statuses}
            assert ConnectionState.SIGN_IN_AGAIN not in states and ConnectionState.AUTH_FAILED not in states
            # The outage is explained; the retry in progress may already say "connecting".
            offline = [s for s in rig.rec.statuses if s.state is ConnectionState.OFFLINE]
            assert offline[-1].message
        finally:
            idp.start()


@pytest.mark.asyncio
async def test_a_missing_client_id_is_the_accounts_status(
    idp: IdentityProvider, dovecot: Dovecot, tmp_path: Path
) -> None:
    settings = settings_for(idp, dovecot, "carol")
    settings.oauth["corp"].client_id = ""
    async with Rig(settings, tmp_path / "db.sqlite3") as rig:
        await until(lambda: rig.rec.state is ConnectionState.ERROR, "error")
        assert "ask your IT department" in rig.rec.statuses[-1].message
    rc, _said, warned = login(settings)
    assert rc == 1 and "client id" in warned[0]


def test_watch_json_tells_an_outage_from_sign_in_again(
    idp: IdentityProvider, dovecot: Dovecot, use_browser: Callable[[str, str], None], tmp_path: Path
) -> None:
    """`tidings watch --json`: the provider down is "offline" (retried); a provider that
    forgot the sign-in (restarted: its grants were in memory) is "sign_in_again"."""
    settings = settings_for(idp, dovecot, "carol")
    use_browser("consent", "carol")
    rc, _said, warned = login(settings)
    assert (rc, warned) == (0, [])
    # The watch process reads the refresh token from a command, as a password can be.
    token_file = tmp_path / "refresh-token"
    token_file.write_text(get_secret(oauth_key(idp.issuer, idp.client_id)) + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    settings.mail[0].password_command = f"cat {token_file}"
    config = tmp_path / "settings.toml"
    config.write_text(to_toml(settings), encoding="utf-8")

    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.app.cli", "--config", str(config), "--data-dir", str(tmp_path / "d"),
         "watch", "--json"],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    lines: queue.Queue[dict[str, Any]] = queue.Queue()
    seen: list[dict[str, Any]] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip():
                lines.put(json.loads(line))

    threading.Thread(target=read, daemon=True).start()

    def status(state: str, words: str = "", timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if (
                line.get("event") == "status"
                and line.get("source") == "mail:work"
                and line["state"] == state
                and words in line["message"]
            ):
                return line
        raise AssertionError(f"no {state} status line; saw {seen}")

    try:
        status("online")
        idp.stop()
        try:
            dovecot.restart()  # the IMAP connection drops: the next login meets the outage
            # (First "closed the connection"; then the login meets the provider's outage.)
            status("offline", words="identity provider")
        finally:
            idp.start()  # it forgot every grant: the stored sign-in is no longer valid
        again = status("sign_in_again")
        assert "sign in" in again["message"].lower()
        assert not [o for o in seen if o.get("state") == "auth_failed"]
        assert token_file.read_text(encoding="utf-8").strip() not in json.dumps(seen)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.mark.asyncio
async def test_a_reply_from_an_oauth_account_goes_out_over_smtp_with_a_token(
    idp: IdentityProvider, use_browser: Callable[[str, str], None], tmp_path: Path
) -> None:
    """The whole app below the UI (Runtime, facade, outbox, sender): the reply is submitted
    with XOAUTH2 and filed in Sent over IMAP, both with the account's sign-in."""
    from desktop.app.facade import AppFacade
    from desktop.app.runtime import Runtime
    from harness.smtp_sink import SmtpSink

    with (
        SmtpSink() as sink,
        Dovecot(oauth2=idp.dovecot_validation("introspection"), smtp_relay_port=sink.port) as server,
    ):
        server.add_user("dave", "unused-password")
        settings = settings_for(idp, server, "dave")
        account = settings.mail[0]
        account.host, account.security, account.port, account.ca_file = (
            "localhost",
            "tls",
            server.imaps_port,
            server.ca_file,
        )
        account.smtp_host, account.smtp_port, account.smtp_security = (
            "localhost",
            server.submission_port,
            "starttls",
        )
        account.address = "dave@example.com"
        use_browser("consent", "dave")
        rc, _said, warned = await asyncio.to_thread(login, settings)
        assert (rc, warned) == (0, [])

        runtime = Runtime(settings, tmp_path / "data")
        facade = AppFacade(runtime)
        runtime.start(asyncio.get_running_loop())
        try:
            await until(
                lambda: (
                    (s := runtime.pipeline.statuses.get("mail:work")) is not None
                    and s.state is ConnectionState.ONLINE
                ),
                "online",
            )
            server.append("dave", mail("Budget 2027"))
            await until(lambda: any(i.title == "Budget 2027" for i in runtime.store.page()), "the mail")
            [original] = [i for i in runtime.store.page() if i.title == "Budget 2027"]
            draft = facade.start_draft(original, "reply")
            facade.send_mail(draft)
            relayed = await asyncio.to_thread(sink.wait_for, lambda m: m.message_id == draft.message_id, 30)
            assert relayed.mail_from == "dave@example.com"
            await until(lambda: runtime.store.pending("mail:work") == [], "the entry settled")
        finally:
            await runtime.stop()
        log = server.log_text()
        assert "submission-login: Info: Login: user=<dave>, method=XOAUTH2" in log
        assert "imap-login: Info: Login: user=<dave>, method=OAUTHBEARER" in log


def test_account_login_with_a_code_on_another_device(
    idp: IdentityProvider, browser: SignInBrowser, dovecot: Dovecot
) -> None:
    """`tidings account login NAME --device`: prints the address and the code; once the user
    entered it elsewhere, the sign-in is stored and the mail server accepts it."""
    settings = settings_for(idp, dovecot, "bob")
    said: list[str] = []
    warned: list[str] = []

    def say(text: str) -> None:
        said.append(text)
        found = re.search(r"open (\S+) and enter the code (\S+)", text)
        if found:  # the user, on their phone
            browser.drive("device", found.group(1), login="bob", user_code=found.group(2))

    rc = account_login.run(settings, "work", device=True, say=say, warn=warned.append)
    assert (rc, warned) == (0, []), warned
    assert said[0].startswith(f"On any device, open {idp.issuer}/device and enter the code ")
    assert "accepts the sign-in for bob" in said[-1]
    stored = get_secret(oauth_key(idp.issuer, idp.client_id))
    assert stored and all(stored not in line for line in said)
