"""The store: dedupe by stable id, keyset paging, search in any language, outbox."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.core.events import ItemChange
from desktop.core.item import Action, Item, Kind, Urgency, utc_now
from desktop.store import Store, StoreError
from desktop.store.migrations import MIGRATIONS

T0 = utc_now()


def mail(n: int, **kw: object) -> Item:
    fields: dict[str, object] = dict(
        id=f"mail:a:INBOX:1:{n}",
        source="mail:a",
        kind=Kind.MAIL,
        sender=f"Sender {n} <s{n}@example.com>",
        title=f"Subject number {n}",
        preview=f"preview text {n}",
        time=T0 + timedelta(seconds=n),
        actions=(Action.OPEN, Action.MARK_READ),
    )
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


def chat(msg: str, conv: str, n: int, **kw: object) -> Item:
    return Item(
        id=f"gw:msg:{msg}",
        source="gateway",
        kind=Kind.CHAT,
        sender="Bo",
        title=conv,
        preview=msg,
        time=T0 + timedelta(seconds=n),
        thread_key=f"chat:{conv}",
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "inbox.sqlite3")
    yield s
    s.close()


def test_add_returns_only_new_items_and_round_trips(store: Store) -> None:
    items = [mail(n, urgency=Urgency.URGENT, payload={"uid": n, "名": "中文"}) for n in range(3)]
    assert [i.id for i in store.add_items(items)] == [i.id for i in items]
    assert store.add_items(items) == []
    assert store.add_items([mail(1), mail(1), mail(3)]) == [mail(3)]
    got = store.get_item(items[2].id)
    assert got == items[2]


def test_sync_state_is_written_with_the_items(store: Store) -> None:
    store.add_items([mail(1)], {"INBOX.last_uid": "1"}, source="mail:a")
    assert store.sync_state("mail:a") == {"INBOX.last_uid": "1"}
    store.add_items([], {"INBOX.last_uid": "5"}, source="mail:a")
    assert store.sync_state("mail:a") == {"INBOX.last_uid": "5"}


def test_keyset_paging_walks_every_item_newest_first(store: Store) -> None:
    store.add_items([mail(n) for n in range(1000)])
    seen: list[str] = []
    after = None
    while page := store.page(after=after, limit=128):
        seen += [i.id for i in page]
        after = (page[-1].time.timestamp(), page[-1].id)
    assert seen == [mail(n).id for n in reversed(range(1000))]
    assert store.position(mail(0).id) == 999
    assert store.position(mail(999).id) == 0
    assert store.position("nope") is None


def test_search_any_language_and_short_words(store: Store) -> None:
    store.add_items(
        [
            mail(1, title="Quarterly budget review"),
            mail(2, title="会议纪要：预算审批"),
            mail(3, title="Lunch?", sender="Zoë <zoe@example.com>"),
        ]
    )
    assert [i.id for i in store.page(query="budget")] == [mail(1).id]
    assert [i.id for i in store.page(query="预算")] == [mail(2).id]  # 2 chars: LIKE
    assert [i.id for i in store.page(query="预算审批")] == [mail(2).id]  # trigram FTS
    assert [i.id for i in store.page(query="zoe")] == [mail(3).id]
    assert store.count(query="review budget") == 1
    assert store.count(query='"; DROP TABLE items; --') == 0
    assert store.count(query="100%") == 0


def test_changes_report_only_real_changes(store: Store) -> None:
    store.add_items([mail(1), mail(2)])
    changed = store.apply_changes([ItemChange(mail(1).id, unread=False), ItemChange(mail(2).id, unread=True)])
    assert [i.id for i in changed] == [mail(1).id]
    assert store.apply_changes([ItemChange(mail(1).id, unread=False)]) == []
    assert store.unread_count() == 1
    changed = store.apply_changes([ItemChange(mail(2).id, payload_update={"a": 1}, state="x")])
    assert changed[0].payload == {"a": 1} and changed[0].state == "x"


def test_remove_by_prefix_does_not_treat_underscore_as_wildcard(store: Store) -> None:
    store.add_items(
        [
            mail(1, id="mail:a:IN_BOX:1:1"),
            mail(2, id="mail:a:INXBOX:1:2"),
        ]
    )
    assert store.remove_items(id_prefix="mail:a:IN_BOX:") == ["mail:a:IN_BOX:1:1"]
    assert store.get_item("mail:a:INXBOX:1:2") is not None


def test_chat_conversation_lists_only_its_newest_message(store: Store) -> None:
    store.add_items([chat("m1", "c1", 1), chat("m2", "c1", 2), chat("x1", "c2", 3)])
    assert [i.id for i in store.page()] == ["gw:msg:x1", "gw:msg:m2"]
    store.add_items([chat("m3", "c1", 4)])
    assert [i.id for i in store.page()] == ["gw:msg:m3", "gw:msg:x1"]
    assert [i.id for i in store.thread("chat:c1")] == ["gw:msg:m1", "gw:msg:m2", "gw:msg:m3"]
    assert store.unread_count() == 2
    assert sorted(store.unread_in_thread("chat:c1")) == ["gw:msg:m1", "gw:msg:m2", "gw:msg:m3"]
    # A late-arriving older message does not take over the row.
    store.add_items([chat("m0", "c1", 0)])
    assert [i.id for i in store.page()] == ["gw:msg:m3", "gw:msg:x1"]


def test_burst_of_ten_thousand_is_one_transaction(store: Store) -> None:
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    store.add_items([mail(n) for n in range(10_000)], {"k": "v"}, source="mail:a")
    store._db.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s.startswith("COMMIT") for s in statements) == 1
    assert store.count() == 10_000


def test_outbox_is_durable_and_ordered(tmp_path: Path) -> None:
    s = Store(tmp_path / "db")
    a = s.enqueue("gateway", "reply", {"text": "hi"}, item_id="gw:msg:1")
    b = s.enqueue("gateway", "approve", {"approval": "A1"})
    s.enqueue("mail:a", "mark_read", {}, item_id="m")
    s.close()
    s = Store(tmp_path / "db")
    assert [e.id for e in s.pending("gateway")] == [a, b]
    s.outbox_done(a)
    s.outbox_done(b, "failed", "already decided")
    assert s.pending("gateway") == []
    entry = s.outbox_entry(b)
    assert entry is not None and entry.status == "failed" and entry.last_error == "already decided"
    s.close()


def test_migrations_are_versioned(store: Store, tmp_path: Path) -> None:
    assert store.schema_version == len(MIGRATIONS)
    db = sqlite3.connect(tmp_path / "newer.sqlite3")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer Tidings"):
        Store(tmp_path / "newer.sqlite3")


def test_damaged_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store(path)


def test_full_disk_is_reported_in_words_and_loses_nothing_stored(store: Store) -> None:
    store.add_items([mail(1)], {"INBOX.last_uid": "1"}, source="mail:a")
    # Simulate a full disk: SQLite refuses to grow the file past its current size.
    page_count = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {page_count}")
    big = [mail(n, preview="x" * 4000) for n in range(2, 200)]
    with pytest.raises(StoreError, match="disk is full"):
        store.add_items(big, {"INBOX.last_uid": "199"}, source="mail:a")
    assert store.sync_state("mail:a") == {"INBOX.last_uid": "1"}  # the source will re-fetch
    assert store.count() == 1


def test_two_character_cjk_words_use_the_pair_index(store: Store) -> None:
    store.add_items(
        [
            mail(1, title="报销审批流程更新"),
            mail(2, title="会議の議事録"),
            mail(3, title="审 批 (spaced, not the word)"),
            mail(4, title="한국어 회의", sender="김민수 <kim@example.kr>"),
        ]
    )
    assert [i.id for i in store.page(query="审批")] == [mail(1).id]
    assert [i.id for i in store.page(query="議事")] == [mail(2).id]
    assert [i.id for i in store.page(query="회의")] == [mail(4).id]
    assert [i.id for i in store.page(query="민수")] == [mail(4).id]  # in the sender
    assert store.count(query="批流 报销") == 1
    plan = " ".join(
        str(r) for r in store._db.execute("EXPLAIN QUERY PLAN SELECT id FROM items WHERE " + _where("审批"))
    )
    assert "items_search" in plan and "LIKE" not in _where("审批")
    # The pair index follows edits and deletions.
    store.remove_items([mail(1).id])
    assert store.count(query="审批") == 0


def _where(query: str) -> str:
    from desktop.store.database import _filters

    where, params = _filters(query, unread_only=False)
    sql = " AND ".join(where)
    for p in params:
        sql = sql.replace("?", "'" + str(p).replace("'", "''") + "'", 1)
    return sql
