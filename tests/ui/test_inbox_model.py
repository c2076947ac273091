"""InboxModel: paging, live updates from the Bridge, conversations, filters, row_of."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from desktop.core.events import ItemChange, ItemsArrived, ItemsChanged, ItemsRemoved
from desktop.core.item import Kind
from desktop.ui.inbox_model import IdRole, InboxModel, ItemRole, UnreadRole
from tests.ui.helpers import chat_item, make_item


def ids(model: InboxModel) -> list[str]:
    return [model.index(r, 0).data(IdRole) for r in range(model.rowCount())]


def test_modeltester_on_thousands_of_items(qtmodeltester, store, fill, bridge, runtime, inbox):
    fill(3000)
    model = InboxModel(inbox, bridge, page_size=500)
    qtmodeltester.check(model)
    # Live changes while the tester watches: it checks every signal's consistency.
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(5000), make_item(1500, id="late")]))
    runtime.pipeline.handle(ItemsChanged("mail:work", [ItemChange(make_item(2999).id, unread=True)]))
    runtime.pipeline.handle(ItemsRemoved("mail:work", [make_item(2998).id]))
    qtmodeltester.check(model)


def test_loads_in_pages_newest_first(store, fill, inbox):
    fill(1000)
    model = InboxModel(inbox, page_size=200)
    assert model.rowCount() == 0
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    loaded = ids(model)
    assert loaded == [make_item(n).id for n in range(999, 599, -1)]
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 1000
    assert len(set(ids(model))) == 1000


def test_new_item_inserted_at_its_sorted_place(store, fill, bridge, runtime, inbox):
    fill(10)
    model = InboxModel(inbox, bridge)
    model.fetchMore(QModelIndex())
    # Between item 4 and item 5 in time: row 5 (rows are 9, 8, 7, 6, 5, ...).
    between = make_item(4, id="between", time=make_item(4).time.replace(second=30))
    newest = make_item(99)
    runtime.pipeline.handle(ItemsArrived("mail:work", [between, newest]))
    assert ids(model)[0] == newest.id
    assert ids(model)[6] == "between"
    assert ids(model)[5] == make_item(5).id
    assert model.rowCount() == 12


def test_new_item_below_loaded_range_waits_for_its_page(store, fill, bridge, runtime, inbox):
    fill(500)
    model = InboxModel(inbox, bridge, page_size=100)
    model.fetchMore(QModelIndex())
    old = make_item(-5)
    runtime.pipeline.handle(ItemsArrived("mail:work", [old]))
    assert model.rowCount() == 100
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert ids(model)[-1] == old.id
    assert len(set(ids(model))) == 501


def test_changed_item_updates_in_place(qtbot, store, fill, bridge, runtime, inbox):
    fill(10)
    model = InboxModel(inbox, bridge)
    model.fetchMore(QModelIndex())
    target = make_item(7)  # row 2, read (7 % 3 != 0)
    assert model.index(2, 0).data(UnreadRole) is False
    with qtbot.waitSignal(model.dataChanged) as blocker:
        runtime.pipeline.handle(ItemsChanged("mail:work", [ItemChange(target.id, unread=True)]))
    assert blocker.args[0].row() == 2
    assert model.index(2, 0).data(UnreadRole) is True
    assert model.index(2, 0).data(ItemRole).unread is True


def test_removed_items_disappear(store, fill, bridge, runtime, inbox):
    fill(10)
    model = InboxModel(inbox, bridge)
    model.fetchMore(QModelIndex())
    runtime.pipeline.handle(ItemsRemoved("mail:work", [make_item(3).id, make_item(9).id]))
    assert model.rowCount() == 8
    assert make_item(3).id not in ids(model)
    assert ids(model)[0] == make_item(8).id


def test_chat_conversation_row_is_replaced_by_newest_message(store, fill, bridge, runtime, inbox):
    fill(5)
    runtime.pipeline.handle(
        ItemsArrived("gateway", [chat_item(1, "ops", "first"), chat_item(2, "ops", "second")])
    )
    model = InboxModel(inbox, bridge)
    model.fetchMore(QModelIndex())
    chat_rows = [i for i in ids(model) if i.startswith("gw:msg:")]
    assert chat_rows == ["gw:msg:ops-2"]
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(100, "ops", "third")]))
    assert ids(model)[0] == "gw:msg:ops-100"
    assert "gw:msg:ops-2" not in ids(model)
    assert model.rowCount() == 6
    # A late, older message of the conversation does not take over its row.
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(50, "ops", "late")]))
    assert [i for i in ids(model) if i.startswith("gw:msg:")] == ["gw:msg:ops-100"]


def test_search_and_unread_filter(store, fill, bridge, runtime, inbox):
    fill(30)
    store.add_items([make_item(100, title="季度预算审批 budget", unread=False)])
    model = InboxModel(inbox, bridge)
    model.set_filter(query="预算审批")
    assert ids(model) == [make_item(100).id]
    model.set_filter(query="")
    model.set_filter(unread_only=True)
    assert model.rowCount() == 10  # n % 3 == 0 for n < 30
    assert all(model.index(r, 0).data(UnreadRole) for r in range(model.rowCount()))
    # Live arrivals respect the filter.
    runtime.pipeline.handle(
        ItemsArrived("mail:work", [make_item(200, unread=False), make_item(201, unread=True)])
    )
    assert make_item(200).id not in ids(model)
    assert ids(model)[0] == make_item(201).id
    model.set_filter(query="Subject 27", unread_only=False)
    assert ids(model) == [make_item(27).id]
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(300, title="Subject 27 again")]))
    assert ids(model) == [make_item(300).id, make_item(27).id]


def test_row_of_loads_pages_up_to_a_deep_item(store, fill, inbox):
    fill(10_000)
    model = InboxModel(inbox, page_size=200)
    model.fetchMore(QModelIndex())
    target = make_item(4_999)  # row 5,000 of 10,000
    row = model.row_of(target.id)
    assert row == 5000
    assert model.index(row, 0).data(IdRole) == target.id
    assert model.rowCount() < 10_000  # did not load everything
    assert model.row_of("no such id") is None


def test_row_of_maps_an_old_chat_message_to_its_conversation(store, bridge, runtime, fill, inbox):
    fill(50)
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "ops", "a"), chat_item(2, "ops", "b")]))
    model = InboxModel(inbox, bridge)
    row = model.row_of("gw:msg:ops-1")
    assert row is not None
    assert model.index(row, 0).data(IdRole) == "gw:msg:ops-2"
    assert model.index(row, 0).data(ItemRole).kind is Kind.CHAT


def test_row_of_respects_the_filter(store, fill, inbox):
    fill(30)
    model = InboxModel(inbox)
    model.set_filter(unread_only=True)
    assert model.row_of(make_item(1).id) is None  # read: hidden by the filter
    assert model.row_of(make_item(3).id) is not None


def test_a_burst_reloads_instead_of_inserting_one_by_one(qtbot, store, fill, bridge, runtime, inbox):
    fill(10)
    model = InboxModel(inbox, bridge)
    model.fetchMore(QModelIndex())
    burst = [make_item(1000 + n) for n in range(500)]
    with qtbot.waitSignal(model.modelReset):
        runtime.pipeline.handle(ItemsArrived("mail:work", burst))
    assert ids(model)[0] == make_item(1499).id
    assert model.rowCount() == 200  # a first page, not everything
    assert model.total_count() == 510


def test_several_conversations_in_one_batch(store, bridge, runtime, inbox):
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "a", "x"), chat_item(2, "b", "y")]))
    model = InboxModel(inbox, bridge)
    model.fetchMore(QModelIndex())
    runtime.pipeline.handle(
        ItemsArrived("gateway", [chat_item(5, "a", "x2"), chat_item(6, "b", "y2"), chat_item(7, "c", "z")])
    )
    assert ids(model) == ["gw:msg:c-7", "gw:msg:b-6", "gw:msg:a-5"]
