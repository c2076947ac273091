"""AppFacade: the UI's only way below app answers in core types and one error type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.app.facade import ActionError, AppFacade, Delivery
from desktop.app.runtime import Runtime
from desktop.config.settings import Settings
from desktop.core.events import ConnectionState, ItemsArrived, SourceStatus
from desktop.core.item import Kind
from desktop.store import Store, StoreError
from tests.ui.helpers import FakeSource, chat_item, make_item


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = Runtime(Settings(), tmp_path, store=Store(tmp_path / "inbox.sqlite3"))
    rt.sources["gateway"] = FakeSource("gateway")  # type: ignore[assignment]
    yield rt
    rt.store.close()


def test_queries_answer_with_items(runtime: Runtime) -> None:
    facade = AppFacade(runtime)
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(5)]))
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(10, "ops", "a"), chat_item(11, "ops", "b")]))
    inbox = facade.inbox
    assert [i.id for i in inbox.page(limit=2)] == ["gw:msg:ops-11", make_item(4).id]
    assert inbox.count() == 6 and inbox.count("Subject 3") == 1
    assert inbox.position(make_item(4).id) == 1
    assert inbox.get(make_item(2).id) == runtime.store.get_item(make_item(2).id)
    assert [i.kind for i in inbox.thread("chat:ops")] == [Kind.CHAT, Kind.CHAT]
    assert inbox.unread_count() == 6  # a conversation counts once, as it is listed


def test_a_reply_is_followed_through_its_delivery(runtime: Runtime) -> None:
    facade = AppFacade(runtime)
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "ops", "hi")]))
    entry = facade.reply("gw:msg:ops-1", "on it")
    assert facade.inbox.delivery(entry) == Delivery("pending")
    runtime.store.outbox_done(entry, "failed", "you left this conversation")
    assert facade.inbox.delivery(entry) == Delivery("failed", "you left this conversation")
    assert facade.inbox.delivery("no-such-entry") is None


def test_store_failures_reach_the_ui_as_action_errors(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    facade = AppFacade(runtime)

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise StoreError("The disk is full: free some space.")

    monkeypatch.setattr(runtime.actions, "mark_read", full_disk)
    with pytest.raises(ActionError, match="The disk is full"):
        facade.mark_read("x")
    with pytest.raises(ActionError, match="no longer exists"):
        facade.decide("gone", approve=True)


def test_statuses_sources_and_the_gateway_user(runtime: Runtime) -> None:
    facade = AppFacade(runtime)
    assert facade.source_names() == {"gateway": "gateway"}
    assert facade.statuses() == {}
    runtime.pipeline.handle(SourceStatus("gateway", ConnectionState.ONLINE))
    assert facade.statuses()["gateway"].state is ConnectionState.ONLINE
    assert facade.gateway_user() == "me"
    runtime.sources.clear()
    assert facade.gateway_user() == ""
