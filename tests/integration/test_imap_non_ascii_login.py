"""A password beyond ASCII against a real Dovecot: the watching source and "Test connection"
sign in with AUTHENTICATE PLAIN (UTF-8), and a wrong one is the usual wrong password."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.app.pipeline import Pipeline
from desktop.config.secrets import mail_key, set_secret
from desktop.config.settings import MailAccount
from desktop.core.events import ConnectionState, SourceStatus
from desktop.sources.credentials import UNSENDABLE
from desktop.sources.imap import ImapSource, test_connection
from desktop.sources.imap.connection import AUTH_FAILED_TEXT
from desktop.store import Store
from harness.dovecot import Dovecot
from tests.integration.polling import until

pytestmark = [pytest.mark.dovecot, pytest.mark.usefixtures("memory_keyring")]

PASSWORD = "пароль-密码-ü"  # Cyrillic, Chinese, a Latin-1 letter: UTF-8 of 2 and 3 bytes
WRONG = "пароль-密码-u"  # one letter off, still beyond ASCII

_users = itertools.count(1)


def new_user(dovecot: Dovecot) -> str:
    user = f"utf{next(_users)}"
    dovecot.add_user(user, PASSWORD)
    return user


def account_for(dovecot: Dovecot, user: str, security: str) -> MailAccount:
    return MailAccount(
        name=user,
        host="127.0.0.1" if security == "plain" else "localhost",
        username=user,
        security=security,
        port=dovecot.imaps_port if security == "tls" else dovecot.imap_port,
        ca_file=dovecot.ca_file,
    )


def wait_for(cond: Callable[[], object], what: str) -> None:
    """Dovecot's log lines come within a second or two: 15 s only guards against a hang."""
    until(cond, what, timeout=15.0, interval=0.02)


async def statuses_until(
    account: MailAccount, db: Path, done: Callable[[SourceStatus], bool]
) -> SourceStatus:
    """Run the account's source through the real pipeline until a status satisfies ``done``."""
    store = Store(db)
    pipeline = Pipeline(store, asyncio.get_running_loop())
    seen: asyncio.Queue[SourceStatus] = asyncio.Queue()

    class Statuses:
        def items_added(self, items: object, quiet: bool) -> None: ...
        def items_changed(self, items: object) -> None: ...
        def items_removed(self, item_ids: object) -> None: ...
        def status_changed(self, status: SourceStatus) -> None:
            seen.put_nowait(status)

    pipeline.add_listener(Statuses())
    source = ImapSource(account, store, backoff_first=0.2, backoff_cap=1.0, timeout=5.0, idle_refresh=60.0)
    source.start(pipeline.emit)
    try:
        while True:
            status = await asyncio.wait_for(seen.get(), 30)
            if done(status):
                return status
    finally:
        await source.stop()
        store.close()


@pytest.mark.parametrize("security", ["plain", "starttls", "tls"])
def test_a_non_ascii_password_signs_in(dovecot: Dovecot, tmp_path: Path, security: str) -> None:
    user = new_user(dovecot)
    account = account_for(dovecot, user, security)
    ok, text = test_connection(account, PASSWORD)
    assert ok, text
    assert text == f"Connected to {account.host} as {user}. INBOX: 0 mails, 0 unread."
    # AUTHENTICATE PLAIN, which carries UTF-8 (RFC 4616): LOGIN cannot
    wait_for(lambda: f"Login: user=<{user}>, method=PLAIN" in dovecot.log_text(), "Dovecot's login line")

    set_secret(mail_key(user), PASSWORD)
    status = asyncio.run(
        statuses_until(account, tmp_path / "db.sqlite", lambda s: s.state is not ConnectionState.CONNECTING)
    )
    assert status.state is ConnectionState.ONLINE, status.message
    wait_for(lambda: dovecot.login_successes(user) == 2, "two logins: the test's and the source's")


def test_a_wrong_non_ascii_password_is_the_usual_wrong_password(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)
    account = account_for(dovecot, user, "tls")
    assert test_connection(account, WRONG) == (False, "The server rejected the user name or password")
    wait_for(lambda: dovecot.login_failures(user) == 1, "Dovecot's password mismatch")

    set_secret(mail_key(user), WRONG)
    status = asyncio.run(
        statuses_until(account, tmp_path / "db.sqlite", lambda s: s.state is not ConnectionState.CONNECTING)
    )
    # AUTH_FAILED: no retries, the settings offer to fix the password, as for an ASCII one
    assert (status.state, status.message) == (ConnectionState.AUTH_FAILED, AUTH_FAILED_TEXT)
    assert dovecot.login_successes(user) == 0


@pytest.mark.parametrize("password", ["Kx7q\udc80Zr9w", "Kx7q\0Zr9w"], ids=["lone-surrogate", "nul"])
def test_a_password_that_cannot_be_sent_is_refused_before_sign_in_and_never_logged(
    dovecot: Dovecot, tmp_path: Path, password: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    user = new_user(dovecot)
    account = account_for(dovecot, user, "tls")
    unsendable = UNSENDABLE.format(account.host)
    assert test_connection(account, password) == (False, unsendable)

    set_secret(mail_key(user), password)
    status = asyncio.run(
        statuses_until(account, tmp_path / "db.sqlite", lambda s: s.state is not ConnectionState.CONNECTING)
    )
    # AUTH_FAILED: no retries, and the settings offer to enter the password again
    assert (status.state, status.message) == (ConnectionState.AUTH_FAILED, unsendable)

    # A good sign-in after both is the sentinel: by its login line Dovecot has logged ours.
    sentinel = new_user(dovecot)
    assert test_connection(account_for(dovecot, sentinel, "tls"), PASSWORD)[0]
    wait_for(lambda: dovecot.login_successes(sentinel) == 1, "the sentinel's login")
    assert dovecot.login_failures(user) == 0, "nothing of that password went to the server"
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "Kx7q" not in logged and "Zr9w" not in logged
