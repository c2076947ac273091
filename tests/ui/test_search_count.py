"""A search's row count arrives after its first page, capped like a mail client's."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication

from desktop.app.facade import MailBody
from desktop.store import Tally, database
from desktop.ui.inbox_model import COUNT_CAP, InboxModel
from desktop.ui.window import InboxWindow
from tests.ui.helpers import make_item


def test_the_count_follows_the_first_page_and_stops_at_the_cap(qtbot, store, inbox):  # type: ignore[no-untyped-def]
    store.add_items([make_item(n, title=f"budget {n}") for n in range(COUNT_CAP + 50)])
    store.add_items([make_item(5000 + n, title=f"quokka {n}") for n in range(30)])
    model = InboxModel(inbox, page_size=100)
    counts: list[tuple[int, bool]] = []
    model.counted.connect(lambda n, more: counts.append((n, more)))
    model.set_filter("budget")
    assert model.rowCount() == 100 and counts == []  # the page is there, the count not yet
    qtbot.waitUntil(lambda: len(counts) == 1)
    assert counts == [(COUNT_CAP, True)]
    model.set_filter("quokka")
    model.set_filter("quokka", unread_only=True)  # typed on: one count, for the last filter
    qtbot.waitUntil(lambda: len(counts) == 2)
    assert counts[1] == (store.count("quokka", unread_only=True), False)
    assert counts[1][0] == len([n for n in range(30) if (5000 + n) % 3 == 0])


def test_the_window_shows_how_many_rows_a_search_found(qtbot, facade, bridge, store):  # type: ignore[no-untyped-def]
    store.add_items([make_item(n, title=f"budget {n}") for n in range(COUNT_CAP + 5)])
    store.add_items([make_item(9000, title="rare zephyrine")])
    window = InboxWindow(facade, bridge, body_fetcher=lambda item: MailBody(text=""))
    qtbot.addWidget(window)
    window.search.setText("budget")
    window._apply_filter()
    capped = f"Results: {window.locale().toString(COUNT_CAP)}+"  # "1,000+" in English locales
    qtbot.waitUntil(lambda: window.result_label.text() == capped)
    window.search.setText("zephyrine")
    window._apply_filter()
    qtbot.waitUntil(lambda: window.result_label.text() == "Results: 1")
    window.search.setText("")
    window._apply_filter()
    qtbot.waitUntil(lambda: window.result_label.text() == "")


def test_a_count_out_of_time_shows_the_rows_loaded_and_a_plus(qtbot, facade, bridge, store, monkeypatch):  # type: ignore[no-untyped-def]
    """A count cut short by its time budget says "N+", and N is at least the rows the
    list has loaded already, in both views."""
    store.add_items([make_item(n, title=f"budget {n}") for n in range(COUNT_CAP + 5)])
    monkeypatch.setattr(database, "COUNT_BUDGET_S", 0.0)  # so it runs out at once
    window = InboxWindow(facade, bridge, body_fetcher=lambda item: MailBody(text=""))
    qtbot.addWidget(window)
    for unread_only in (False, True):
        (window.unread_button if unread_only else window.all_button).setChecked(True)
        window.search.setText("budget")
        window._apply_filter()
        loaded = window.model.rowCount()
        assert 0 < loaded < COUNT_CAP
        shown = f"Results: {window.locale().toString(loaded)}+"
        qtbot.waitUntil(lambda shown=shown: window.result_label.text() == shown)
        window.search.setText("")
        window._apply_filter()
        qtbot.waitUntil(lambda: window.result_label.text() == "")


def _counting() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tidings-count"]


def test_the_count_runs_off_the_gui_thread_on_a_connection_of_its_own(qtbot, store, inbox):  # type: ignore[no-untyped-def]
    store.add_items([make_item(n, title=f"budget {n}") for n in range(30)])
    seen: list[tuple[threading.Thread, Tally]] = []
    inbox.count_later(lambda tally: seen.append((threading.current_thread(), tally)), "budget")
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0][1] == (30, False) and seen[0][0] is not threading.main_thread()
    # Its own connection: the list's reads and the pipeline's writes never wait for it.
    assert inbox._counter is not None and inbox._counter is not store


def test_a_count_for_an_older_search_is_dropped(qtbot, store, inbox):  # type: ignore[no-untyped-def]
    store.add_items([make_item(n, title=f"budget {n}") for n in range(20)])
    store.add_items([make_item(100 + n, title=f"quokka {n}") for n in range(15)])  # > a page
    model = InboxModel(inbox, page_size=10)
    counts: list[tuple[int, bool]] = []
    model.counted.connect(lambda n, more: counts.append((n, more)))
    with inbox._counter_lock:  # both counts wait until the second search has started
        model.set_filter("budget")
        qtbot.waitUntil(lambda: len(_counting()) == 1)
        model.set_filter("quokka")
        qtbot.waitUntil(lambda: len(_counting()) == 2)
    qtbot.waitUntil(lambda: not _counting())
    QApplication.processEvents()  # delivers both answers, the stale one first
    assert counts == [(15, False)]
