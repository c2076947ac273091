"""ImapSource on a network that fails (issue 7, items 9, 11, 13): a real Dovecot behind the
cutting proxy (harness/cutting_proxy.py), the real Pipeline and Store on plain asyncio.

Every wait is bounded and waits for something observable (a status, an item); nothing
asserts how long it took.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from desktop.app.pipeline import Pipeline
from desktop.config.settings import MailAccount
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.item import Item
from desktop.sources.imap import ImapSource
from desktop.store import Store
from harness.cutting_proxy import CuttingProxy
from harness.dovecot import Dovecot

pytestmark = [pytest.mark.dovecot, pytest.mark.usefixtures("memory_keyring")]

_users = itertools.count(1)


def mail(subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ann Example <ann@example.com>"
    msg["To"] = "me@example.com"
    msg["Subject"] = subject
    msg.set_content("hello")
    return msg.as_bytes()


class Recorder:
    def __init__(self) -> None:
        self.loud: list[Item] = []
        self.statuses: list[SourceStatus] = []

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        if not quiet:
            self.loud += list(items)

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
        return [i.title for i in self.loud]


class Rig:
    """Store + Pipeline + ImapSource reaching Dovecot through ``port`` (the proxy's)."""

    def __init__(self, dovecot: Dovecot, user: str, port: int, db: Path, **source_args: Any) -> None:
        self.account = MailAccount(
            name=user,
            host="127.0.0.1",
            username=user,
            security="plain",
            port=port,
            password_command="printf pw",
        )
        self.store = Store(db)
        self.pipeline = Pipeline(self.store, asyncio.get_running_loop())
        self.rec = Recorder()
        self.pipeline.add_listener(self.rec)
        args: dict[str, Any] = {"backoff_first": 0.2, "backoff_cap": 1.0, "timeout": 5.0}
        self.source = ImapSource(self.account, self.store, **(args | source_args))

    def start(self) -> None:
        self.source.start(self.pipeline.emit)

    async def close(self) -> None:
        await self.source.stop()
        self.store.close()


async def until(cond: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not cond():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None


def run(coro: Any, timeout: float = 240) -> None:
    asyncio.run(asyncio.wait_for(coro, timeout))


@pytest.fixture
def proxied(dovecot: Dovecot) -> Iterator[tuple[str, CuttingProxy]]:
    """A new user with password "pw" and a proxy in front of the module's Dovecot."""
    user = f"rob{next(_users)}"
    dovecot.add_user(user, "pw")
    with CuttingProxy("127.0.0.1", dovecot.imap_port, seed=7) as proxy:
        yield user, proxy


# -- item 9: a cut during LOGIN is an outage, not a wrong password ------------------------------


@pytest.mark.parametrize("how", ["fin", "rst"])
def test_a_cut_during_login_is_retried_and_mail_arrives(
    dovecot: Dovecot, proxied: tuple[str, CuttingProxy], tmp_path: Path, how: str
) -> None:
    user, proxy = proxied
    # The first three connections die right after their LOGIN line reached the server.
    proxy.cut_after(marker=b" LOGIN ", connections=3, how=how)  # type: ignore[arg-type]

    async def scenario() -> None:
        rig = Rig(dovecot, user, proxy.port, tmp_path / "db.sqlite")
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, "ONLINE after the cuts")
            assert proxy.stats.cuts == 3
            states = {s.state for s in rig.rec.statuses}
            assert ConnectionState.AUTH_FAILED not in states and ConnectionState.OFFLINE in states
            dovecot.append(user, mail("After the cuts"))
            await until(lambda: rig.rec.titles() == ["After the cuts"], "the new mail")
        finally:
            await rig.close()

    run(scenario())


def test_a_wrong_password_through_the_proxy_still_stops_with_auth_failed(tmp_path: Path) -> None:
    # Its own Dovecot: a failed login makes Dovecot delay later logins from this address.
    with Dovecot() as server, CuttingProxy("127.0.0.1", server.imap_port) as proxy:
        server.add_user("wrongpw", "right")

        async def scenario() -> None:
            rig = Rig(server, "wrongpw", proxy.port, tmp_path / "db.sqlite")
            rig.start()
            try:
                await until(lambda: rig.rec.state is ConnectionState.AUTH_FAILED, "AUTH_FAILED")
                assert "user name or password" in rig.rec.statuses[-1].message
                assert server.login_failures("wrongpw") == 1
            finally:
                await rig.close()

        run(scenario())


# -- item 11: a frozen link is noticed, the account shows offline, mail arrives after the thaw ----


def test_a_frozen_link_turns_the_account_offline_and_mail_arrives_after_the_thaw(
    dovecot: Dovecot, proxied: tuple[str, CuttingProxy], tmp_path: Path
) -> None:
    user, proxy = proxied

    async def scenario() -> None:
        # Shortened from the defaults (probe after 30 s of silence, 15 s to answer) so the
        # test does not wait a minute; the mechanism is the same.
        rig = Rig(dovecot, user, proxy.port, tmp_path / "db.sqlite", timeout=2.0, probe_interval=1.0)
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, "ONLINE")
            proxy.freeze()
            dovecot.append(user, mail("Sent while the link was frozen"))
            await until(lambda: rig.rec.state is ConnectionState.OFFLINE, "OFFLINE while frozen")
            assert rig.rec.loud == []
            proxy.thaw()
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, "ONLINE after the thaw")
            await until(lambda: rig.rec.titles() == ["Sent while the link was frozen"], "the mail")
        finally:
            proxy.thaw()
            await rig.close()

    run(scenario())


# -- item 13: a burst of mail while in IDLE never stalls the watcher --------------------------------


@pytest.mark.timeout(300)
def test_bursts_of_200_mails_from_parallel_senders_all_arrive(dovecot: Dovecot, tmp_path: Path) -> None:
    """A stress test: mail that arrives while the source is between IDLE sessions (fetching,
    syncing flags, re-entering IDLE) is announced by the server once, in whichever response
    it sends next. Losing that announcement stalls the folder until the next mail or probe,
    so the probe is pushed out of reach here and every burst must arrive on its own."""
    user = f"burst{next(_users)}"
    dovecot.add_user(user, "pw")
    senders, per_sender, rounds = 4, 50, 25
    rng = random.Random(13)

    def send(round_no: int, sender: int) -> None:
        client = dovecot.client(user)
        try:
            for n in range(per_sender):
                client.append("INBOX", mail(f"burst {round_no}.{sender}.{n}"))
                time.sleep(rng.uniform(0, 0.02))  # 200 mails in about 1.5 s, as in the report
        finally:
            client.logout()

    async def scenario() -> None:
        rig = Rig(
            dovecot, user, dovecot.imap_port, tmp_path / "db.sqlite", idle_refresh=1500, probe_interval=1500
        )
        rig.start()
        try:
            await until(lambda: rig.rec.state is ConnectionState.ONLINE, "ONLINE")
            expected = 0
            for round_no in range(rounds):
                threads = [
                    threading.Thread(target=send, args=(round_no, s), daemon=True) for s in range(senders)
                ]
                for t in threads:
                    t.start()
                await asyncio.to_thread(lambda: [t.join(60) for t in threads])  # noqa: B023
                expected += senders * per_sender
                await until(
                    lambda: len(rig.rec.loud) >= expected,  # noqa: B023
                    f"all {expected} mails of round {round_no} (have {len(rig.rec.loud)})",
                )
            ids = [i.id for i in rig.rec.loud]
            assert len(ids) == len(set(ids)) == expected
            # No reconnect was needed: the folder never went offline.
            assert ConnectionState.OFFLINE not in {s.state for s in rig.rec.statuses}
        finally:
            await rig.close()

    run(scenario(), timeout=280)
