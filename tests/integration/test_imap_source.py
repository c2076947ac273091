"""ImapSource against a real Dovecot, through the real Pipeline and Store (plain asyncio)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import socket
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from pathlib import Path

import pytest

from desktop.app.actions import Actions
from desktop.app.pipeline import Pipeline
from desktop.config.secrets import mail_key, set_secret
from desktop.config.settings import MailAccount
from desktop.core.events import ConnectionState, ItemChange, ItemsChanged, SourceStatus
from desktop.core.item import Item
from desktop.sources.imap import ImapSource, fetch_message, test_connection
from desktop.store import Store
from harness.cutting_proxy import CuttingProxy
from harness.dovecot import Dovecot

# Every test here gets an in-memory keyring, so none can reach the user's real one.
pytestmark = [pytest.mark.dovecot, pytest.mark.usefixtures("memory_keyring")]

_users = itertools.count(1)


class Recorder:
    """A pipeline Listener that remembers everything."""

    def __init__(self) -> None:
        self.added: list[tuple[Item, bool]] = []
        self.changed: list[Item] = []
        self.removed: list[str] = []
        self.statuses: list[SourceStatus] = []

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self.added += [(i, quiet) for i in items]

    def items_changed(self, items: Sequence[Item]) -> None:
        self.changed += list(items)

    def items_removed(self, item_ids: Sequence[str]) -> None:
        self.removed += list(item_ids)

    def status_changed(self, status: SourceStatus) -> None:
        self.statuses.append(status)

    @property
    def state(self) -> ConnectionState | None:
        return self.statuses[-1].state if self.statuses else None

    def loud(self) -> list[Item]:
        return [i for i, quiet in self.added if not quiet]


def mail(subject: str, body: str = "hello", sender: str = "Ann Example <ann@example.com>") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "me@example.com"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    msg.set_content(body)
    return msg.as_bytes()


def new_user(dovecot: Dovecot, password: str = "secret") -> str:
    user = f"u{next(_users)}"
    dovecot.add_user(user, password)
    return user


def account_for(
    dovecot: Dovecot, user: str, security: str = "plain", folders: Sequence[str] = ("INBOX",), ca: bool = True
) -> MailAccount:
    port = dovecot.imaps_port if security == "tls" else dovecot.imap_port
    return MailAccount(
        name=user,
        host="localhost" if security != "plain" else "127.0.0.1",
        username=user,
        security=security,
        port=port,
        ca_file=dovecot.ca_file if ca else "",
        folders=list(folders),
    )


class Rig:
    """Store + Pipeline + ImapSource on the running loop. ``backoff`` (first, cap) of zero makes
    a retry that should not happen come at once, so a later sentinel shows it."""

    def __init__(self, account: MailAccount, db: Path, backoff: tuple[float, float] = (0.2, 1.0)) -> None:
        self.account = account
        self.store = Store(db)
        self.pipeline = Pipeline(self.store, asyncio.get_running_loop())
        self.rec = Recorder()
        self.pipeline.add_listener(self.rec)
        self.source = ImapSource(
            account,
            self.store,
            backoff_first=backoff[0],
            backoff_cap=backoff[1],
            timeout=5.0,
            idle_refresh=60.0,
        )

    def start(self) -> None:
        self.source.start(self.pipeline.emit)

    async def close(self) -> None:
        await self.source.stop()
        self.store.close()

    def titles(self) -> list[str]:
        return sorted(i.title for i in self.store.page(limit=10_000))


async def until(cond: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    """Wait for ``cond()`` to be truthy; the timeout only guards against a hang."""
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.02)


def run(coro: object) -> None:
    asyncio.run(asyncio.wait_for(coro, 90))  # type: ignore[arg-type]


def test_new_mail_is_pushed_once(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")

    async def scenario() -> None:
        rig = Rig(account_for(dovecot, user), tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE")
            dovecot.append(user, mail("Lunch?", "Shall we go at noon?"))
            # Pushed by IDLE: without it nothing would look before idle_refresh (60 s), long
            # after this wait gives up. How fast: benchmarks/bench_mail_latency.py.
            await until(lambda: len(rig.rec.loud()) == 1, what="the pushed mail")
            item = rig.rec.loud()[0]
            assert item.title == "Lunch?"
            assert item.sender == "Ann Example <ann@example.com>"
            assert item.preview == "Shall we go at noon?"
            assert item.unread and item.payload["folder"] == "INBOX" and item.payload["uid"] == 1
            assert item.id == f"mail:{user}:INBOX:{item.payload['uidvalidity']}:1"
            # A second mail proves the first is not announced again on the next sync.
            dovecot.append(user, mail("Second"))
            await until(lambda: len(rig.rec.loud()) == 2, what="the second mail")
            assert [i.title for i in rig.rec.loud()] == ["Lunch?", "Second"]
        finally:
            await rig.close()

    run(scenario())


def test_first_sync_lists_newest_200_unread_quietly(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")
    for n in range(250):
        dovecot.deliver_to_maildir(user, mail(f"old {n:03d}"))
    dovecot.append(user, mail("already read"), flags=[r"\Seen"])

    async def scenario() -> None:
        rig = Rig(account_for(dovecot, user), tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.store.count() == 200, what="200 imported")
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE")
            assert rig.rec.loud() == []
            titles = rig.titles()
            assert titles[0] == "old 050" and titles[-1] == "old 249"  # the newest 200 by UID
            assert "already read" not in titles
            assert rig.store.unread_count() == 200
            dovecot.append(user, mail("fresh"))
            await until(lambda: len(rig.rec.loud()) == 1, what="the new mail")
            assert rig.rec.loud()[0].title == "fresh"
        finally:
            await rig.close()

    run(scenario())


def test_server_down_then_back_each_mail_exactly_once(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")
    dovecot.append(user, mail("before"))

    async def scenario() -> None:
        rig = Rig(account_for(dovecot, user), tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE")
            await asyncio.to_thread(dovecot.stop)
            await until(lambda: rig.rec.state is ConnectionState.OFFLINE, what="OFFLINE")
            assert "refused" in rig.rec.statuses[-1].message or "closed" in rig.rec.statuses[-1].message
            for n in range(3):
                dovecot.deliver_to_maildir(user, mail(f"while down {n}"))
            await asyncio.to_thread(dovecot.start)
            await until(lambda: len(rig.rec.loud()) >= 3, what="3 mails after the restart")
            dovecot.append(user, mail("after"))
            await until(lambda: len(rig.rec.loud()) >= 4, what="the mail after")
            loud_ids = [i.id for i in rig.rec.loud()]
            assert len(loud_ids) == len(set(loud_ids)) == 4
            assert sorted(i.title for i in rig.rec.loud()) == [
                "after",
                "while down 0",
                "while down 1",
                "while down 2",
            ]
            assert rig.store.count() == 5  # "before" (quiet first sync) + 3 + 1
            assert rig.rec.state is ConnectionState.ONLINE
        finally:
            await rig.close()

    run(scenario())


def test_uidvalidity_change_resets_the_folder(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")
    dovecot.append(user, mail("inbox mail"))
    dovecot.append(user, mail("list 1"), folder="Lists")
    dovecot.append(user, mail("list 2"), folder="Lists")

    async def scenario() -> None:
        rig = Rig(account_for(dovecot, user, folders=("INBOX", "Lists")), tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.store.count() == 3, what="first sync of both folders")
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE")
            old_ids = set(rig.store.ids_with_prefix(f"mail:{user}:Lists:"))
            assert len(old_ids) == 2
            other = dovecot.client(user)
            old_validity = other.folder_status("Lists", [b"UIDVALIDITY"])[b"UIDVALIDITY"]
            other.delete_folder("Lists")
            other.create_folder("Lists")
            other.append("Lists", mail("list again"))
            assert other.folder_status("Lists", [b"UIDVALIDITY"])[b"UIDVALIDITY"] != old_validity
            other.logout()
            # The change is noticed on the next connection (here: as after resume from sleep).
            rig.source.reconnect_now()
            await until(lambda: old_ids <= set(rig.rec.removed), what="old items removed")
            await until(lambda: "list again" in rig.titles(), what="re-import")
            assert rig.titles() == ["inbox mail", "list again"]
            assert rig.rec.loud() == []  # a reset is never announced
        finally:
            await rig.close()

    run(scenario())


def test_flags_sync_both_ways(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")

    async def scenario() -> None:
        rig = Rig(account_for(dovecot, user), tmp_path / "db.sqlite")
        rig.start()
        other = dovecot.client(user)
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE")
            uid1 = dovecot.append(user, mail("one"))
            uid2 = dovecot.append(user, mail("two"))
            await until(lambda: len(rig.rec.loud()) == 2, what="two mails")
            id1, id2 = (i.id for i in rig.rec.loud())
            # read in another client → not unread here
            other.select_folder("INBOX")
            other.add_flags([uid1], [rb"\Seen"])
            # Pushed by IDLE: the next look without it (idle_refresh, 60 s) is after the guard.
            await until(lambda: not rig.store.get_item(id1).unread, what="read elsewhere")  # type: ignore[union-attr]
            assert rig.store.unread_count() == 1
            # unread again elsewhere
            other.remove_flags([uid1], [rb"\Seen"])
            await until(lambda: rig.store.get_item(id1).unread, what="unread again")  # type: ignore[union-attr]
            # mark read here: local change + outbox, as the UI does
            rig.pipeline.local_change(ItemsChanged(rig.source.id, [ItemChange(id2, unread=False)]))
            entry = rig.store.enqueue(rig.source.id, "mark_read", {}, item_id=id2)
            rig.source.outbox_changed()
            await until(lambda: rig.store.outbox_entry(entry).status == "done", what="outbox done")  # type: ignore[union-attr]
            flags = other.get_flags([uid2])[uid2]
            assert rb"\Seen" in flags
            assert not rig.store.get_item(id2).unread  # type: ignore[union-attr]
            # an entry for an older UIDVALIDITY is settled as failed, not retried forever
            stale = rig.store.enqueue(rig.source.id, "mark_read", {}, item_id=f"mail:{user}:INBOX:1:{uid1}")
            rig.source.outbox_changed()
            await until(lambda: rig.store.outbox_entry(stale).status == "failed", what="stale entry")  # type: ignore[union-attr]
            assert "changed" in rig.store.outbox_entry(stale).last_error  # type: ignore[union-attr]
            # expunged elsewhere → removed here
            other.add_flags([uid1], [rb"\Deleted"])
            other.expunge()
            await until(lambda: rig.store.get_item(id1) is None, what="expunge")
        finally:
            other.logout()
            await rig.close()

    run(scenario())


def test_mark_read_while_offline_reaches_the_server_later(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")

    async def scenario() -> None:
        rig = Rig(account_for(dovecot, user), tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE")
            uid = dovecot.append(user, mail("later"))
            await until(lambda: len(rig.rec.loud()) == 1, what="the mail")
            item_id = rig.rec.loud()[0].id
            await asyncio.to_thread(dovecot.stop)
            await until(lambda: rig.rec.state is ConnectionState.OFFLINE, what="OFFLINE")
            rig.pipeline.local_change(ItemsChanged(rig.source.id, [ItemChange(item_id, unread=False)]))
            entry = rig.store.enqueue(rig.source.id, "mark_read", {}, item_id=item_id)
            rig.source.outbox_changed()
            await asyncio.to_thread(dovecot.start)
            await until(lambda: rig.store.outbox_entry(entry).status == "done", what="outbox done")  # type: ignore[union-attr]
            other = dovecot.client(user)
            other.select_folder("INBOX", readonly=True)
            assert rb"\Seen" in other.get_flags([uid])[uid]
            other.logout()
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE again")
            assert not rig.store.get_item(item_id).unread  # type: ignore[union-attr]
        finally:
            await rig.close()

    run(scenario())


def test_wrong_password_stops_after_one_attempt(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot, password="right")
    dovecot.append(user, mail("filed"), folder="Other")
    set_secret(mail_key(user), "wrong")

    def greeted(port: int) -> None:
        """A connection of our own through the proxy, answered by Dovecot's greeting."""
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            assert sock.recv(100).startswith(b"* OK")

    async def scenario(proxy: CuttingProxy) -> None:
        account = account_for(dovecot, user, folders=("INBOX", "Other"))
        account.port = proxy.port
        # No backoff: a retry (a new connection) would follow the failure at once.
        rig = Rig(account, tmp_path / "db.sqlite", backoff=(0.0, 0.0))
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.AUTH_FAILED, what="AUTH_FAILED")
            assert rig.rec.statuses[-1].message == "The server rejected the user name or password"
            # Our connection after the status is the sentinel: any retry would have come first.
            await asyncio.to_thread(greeted, proxy.port)
            assert proxy.stats.connections - 1 in (1, 2)  # one per folder at most, then none
            assert 1 <= dovecot.login_failures(user) <= 2
            assert rig.rec.state is ConnectionState.AUTH_FAILED
            # The user fixes the password; the settings dialog calls reconnect_now().
            set_secret(mail_key(user), "right")
            logins = dovecot.login_successes(user)
            rig.source.reconnect_now()
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE after the fix")
            assert dovecot.login_successes(user) == logins + 2  # one connection per watched folder
        finally:
            await rig.close()

    with CuttingProxy("127.0.0.1", dovecot.imap_port, seed=1) as proxy:
        run(scenario(proxy))


def test_missing_password_is_shown_as_status(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)

    async def scenario() -> None:
        rig = Rig(account_for(dovecot, user), tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.AUTH_FAILED, what="AUTH_FAILED")
            assert "no password is stored" in rig.rec.statuses[-1].message
            assert dovecot.login_failures(user) == 0
        finally:
            await rig.close()

    run(scenario())


@pytest.mark.parametrize(
    ("security", "ca", "expected"),
    [
        ("tls", False, ConnectionState.ERROR),
        ("tls", True, ConnectionState.ONLINE),
        ("starttls", True, ConnectionState.ONLINE),
        ("starttls", False, ConnectionState.ERROR),
    ],
)
def test_tls_is_verified(
    dovecot: Dovecot, tmp_path: Path, security: str, ca: bool, expected: ConnectionState
) -> None:
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")
    account = account_for(dovecot, user, security=security, ca=ca)

    async def scenario() -> None:
        rig = Rig(account, tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.rec.state is expected, what=str(expected))
            if expected is ConnectionState.ERROR:
                message = rig.rec.statuses[-1].message
                assert "certificate" in message and "CA file" in message
                assert dovecot.login_successes(user) == 0
        finally:
            await rig.close()

    run(scenario())
    ok, text = test_connection(account, "secret")
    assert ok is (expected is ConnectionState.ONLINE), text
    if ok:
        assert "INBOX: 0 mails, 0 unread" in text


def test_test_connection_explains_failures(dovecot: Dovecot) -> None:
    user = new_user(dovecot, password="right")
    account = account_for(dovecot, user)
    assert test_connection(account, "wrong") == (False, "The server rejected the user name or password")
    ok, text = test_connection(account, "right")
    assert ok and "Connected" in text
    missing = account_for(dovecot, user, folders=("INBOX", "Nope"))
    ok, text = test_connection(missing, "right")
    assert not ok and "Nope" in text
    closed = MailAccount(name="x", host="127.0.0.1", username="x", security="plain", port=1)
    ok, text = test_connection(closed, "pw")
    assert not ok and "refused" in text


# -- hostile mail ------------------------------------------------------------------------------


def hostile_mails() -> dict[str, bytes]:
    big = EmailMessage()
    big["From"] = "Big <big@example.com>"
    big["Subject"] = "report with attachment"
    big.set_content("See the attached report.")
    big.add_attachment(
        b"\0" * (10 * 1024 * 1024), maintype="application", subtype="octet-stream", filename="r.bin"
    )
    deep = b"Content-Type: text/plain; charset=utf-8\r\n\r\ndeep text\r\n"
    for level in range(200):
        deep = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode()
            + deep
            + f"\r\n--b{level}--\r\n".encode()
        )
    return {
        "gbk": "Subject: 会议通知\r\nFrom: 张三 <zs@example.cn>\r\n\r\n明天下午三点开会。\r\n".encode("gbk"),
        "big5": (
            b"Subject: =?big5?B?" + base64.b64encode("天氣".encode("big5")) + b"?=\r\nFrom: a@example.tw\r\n"
            b"Content-Type: text/plain; charset=big5\r\n\r\n" + "今天天氣很好".encode("big5") + b"\r\n"
        ),
        "jis": (
            b"Subject: =?ISO-2022-JP?B?" + base64.b64encode("お知らせ".encode("iso2022_jp")) + b"?=\r\n"
            b"From: j@example.jp\r\n"
            b"Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
            + "こんにちは".encode("iso2022_jp")
            + b"\r\n"
        ),
        "broken": b"Subject: =?utf-8?B?broken!!?= and =?nope?Q?x?=\r\nContent-Type: multipart/mixed\r\n\r\nno boundary\r\n",
        "empty": b"\r\njust a body\r\n",
        "html": (
            b"From: spam@example.com\r\nSubject: Offer\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            b"<html><head><style>body{background:url(http://t.example/a.png)}</style><script>alert(1)</script>"
            b"</head><body onload='x()'><p>Big <b>offer</b></p><img src='http://t.example/pixel.gif'>"
            b"<div style=\"background-image:url('https://t.example/bg')\">text</div></body></html>\r\n"
        ),
        "big": big.as_bytes(),
        "deep": b"Subject: deep\r\nMIME-Version: 1.0\r\n" + deep,
        "future": mail("from the future").replace(b"Mon, 23 Nov 2026", b"Tue, 01 Jan 2999"),
    }


def test_hostile_mail_is_listed_sensibly(dovecot: Dovecot, tmp_path: Path) -> None:
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")
    samples = hostile_mails()

    async def scenario() -> None:
        rig = Rig(account_for(dovecot, user), tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE")
            uids = {name: dovecot.append(user, raw) for name, raw in samples.items()}
            await until(lambda: len(rig.rec.loud()) == len(samples), what="all hostile mails")
            by_uid = {i.payload["uid"]: i for i in rig.rec.loud()}
            got = {name: by_uid[uid] for name, uid in uids.items()}
            assert got["gbk"].title == "会议通知" and got["gbk"].sender == "张三 <zs@example.cn>"
            assert got["gbk"].preview == "明天下午三点开会。"
            assert got["big5"].title == "天氣" and got["big5"].preview == "今天天氣很好"
            assert got["jis"].title == "お知らせ" and got["jis"].preview == "こんにちは"
            assert got["empty"].title == "(no subject)" and got["empty"].sender == "(unknown sender)"
            assert got["html"].preview == "Big offer text"
            assert got["big"].payload["has_attachments"] and got["big"].preview == "See the attached report."
            assert got["deep"].title == "deep"
            assert got["future"].time.year < 2100
            assert all(len(i.preview) <= 200 and "\n" not in i.preview for i in got.values())
        finally:
            await rig.close()

    run(scenario())
    account = account_for(dovecot, user)
    other = dovecot.client(user)
    other.select_folder("INBOX", readonly=True)
    validity = other.folder_status("INBOX", [b"UIDVALIDITY"])[b"UIDVALIDITY"]
    uids = sorted(other.search(["ALL"]))
    names = list(samples)
    html_uid, big_uid = uids[names.index("html")], uids[names.index("big")]
    body = fetch_message(account, "INBOX", validity, html_uid, password="secret")
    assert "t.example" not in body.html and "<script" not in body.html and "onload" not in body.html
    assert "offer" in body.html and body.remote_content_blocked
    body = fetch_message(account, "INBOX", validity, big_uid, password="secret")
    assert body.text.strip() == "See the attached report."
    assert [(a.name, a.content_type) for a in body.attachments] == [("r.bin", "application/octet-stream")]
    assert body.attachments[0].size > 10 * 1024 * 1024  # base64 size, listed, not downloaded
    # opening never marks read: that is the outbox's job
    assert all(rb"\Seen" not in f for f in other.get_flags(uids).values())
    other.logout()


def test_a_refused_action_shows_its_reason_on_the_item(dovecot: Dovecot, tmp_path: Path) -> None:
    """Mark read on a folder that is no longer watched: failed with the reason, on the item too."""
    user = new_user(dovecot)
    set_secret(mail_key(user), "secret")
    dovecot.append(user, mail("filed away"), folder="Old")

    async def scenario() -> None:
        both = Rig(account_for(dovecot, user, folders=("INBOX", "Old")), tmp_path / "db.sqlite")
        both.start()
        try:
            await until(lambda: both.store.count() == 1, what="the mail in Old")
            [old_id] = both.store.ids_with_prefix(f"mail:{user}:Old:")
        finally:
            await both.close()
        # The user stops watching Old, then marks its mail read, as the UI does.
        rig = Rig(account_for(dovecot, user), tmp_path / "db.sqlite")
        actions = Actions(rig.pipeline, lambda: {rig.source.id: rig.source})
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, what="ONLINE")
            actions.mark_read(old_id)
            [entry] = rig.store.pending(rig.source.id)
            await until(lambda: rig.store.outbox_entry(entry.id).status == "failed", what="refused")  # type: ignore[union-attr]
            reason = "the folder Old is no longer watched"
            assert rig.store.outbox_entry(entry.id).last_error == reason  # type: ignore[union-attr]
            await until(lambda: rig.store.get_item(old_id).payload.get("last_error") == reason, what="reason")  # type: ignore[union-attr]
            assert old_id in [i.id for i in rig.rec.changed]  # the UI was told
        finally:
            await rig.close()

    run(scenario())


@pytest.mark.parametrize("security", ["plain", "starttls", "tls"])
def test_the_connection_sends_at_once_and_watches_for_a_dead_link(dovecot: Dovecot, security: str) -> None:
    from desktop.sources.imap.connection import connect

    user = new_user(dovecot)
    client = connect(account_for(dovecot, user, security=security, ca=True), "secret")
    try:
        sock = client.socket()
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1  # no Nagle wait on literals
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 60_000
    finally:
        client.logout()
