"""Search through the time-ordered index: every query shape gives what a plain match over
the rows gives (a substring; a word prefix for one- and two-character words of non-CJK
letters and digits), in list order, page after page."""

from __future__ import annotations

import random
import re
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import ascii_lower, old_inbox, walk

from desktop.core.events import ItemChange
from desktop.core.item import Item, Kind, utc_now
from desktop.store import Store, cjk, database
from desktop.store.migrations import MIGRATIONS

T0 = utc_now().replace(microsecond=0)
WORDS = [
    "meeting",
    "budget",
    "review",
    "Q3",
    "deploy",
    "zephyrine",
    "审批",
    "周报",
    "报销单",
    "会",
    "鑫",
    "議事録",
    "FYQ3",
    "c#",
    "réunion",
]

# One query per shape the store tells apart: a common and a rare 3+ character word, CJK
# words of one, two and more characters, two and three words mixing those, a short
# Latin word (LIKE), case, and words that match nothing.
QUERIES = [
    "meeting",
    "zephyrine",
    "MEETING",
    "审批",
    "报销单",
    "会",
    "鑫",
    "budget 审批",
    "meeting review deploy",
    "会 meeting",
    "q3",
    "Q3 budget",
    "eting",
    "nothing-like-this",
    "审批 周报 議事",
    # Short words of other scripts: word prefixes ("q3" is not in "FYQ3"), one letter,
    # a prefix of a longer word, two of them, one beside a CJK word, non-ASCII, and
    # one with a symbol (a substring: a "pairs" entry since migration 7).
    "Q",
    "re",
    "re q3",
    "q3 审批",
    "RÉ",
    "c#",
    "3",
]


def _item(n: int, rng: random.Random, when: datetime) -> Item:
    words = rng.sample(WORDS, 3)
    return Item(
        id=f"mail:a:INBOX:1:{n:05d}",
        source="mail:a",
        kind=Kind.MAIL,
        sender=rng.choice(["Ann <ann@example.org>", "张敏 <zhang@example.cn>", "GitHub"]),
        title=f"{words[0]} {words[1]} #{n}",
        preview=f"{words[2]} notes",
        time=when,
        unread=rng.random() < 0.3,
    )


def _corpus() -> list[Item]:
    rng = random.Random(7)
    items = [_item(n, rng, T0 - timedelta(seconds=rng.randrange(0, 400))) for n in range(600)]
    # 150 items in one second, fractions apart or equal: a page boundary falls inside it.
    same = T0 - timedelta(seconds=200)
    items += [
        _item(600 + n, rng, same + timedelta(microseconds=rng.choice([0, 250_000]))) for n in range(150)
    ]
    # Before 1970 and far ahead: clamped keys still order them.
    items += [
        _item(800, rng, datetime(1960, 1, 1, tzinfo=UTC)),
        _item(801, rng, datetime(2999, 1, 1, tzinfo=UTC)),
    ]
    return items


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SHORT = re.compile(f"[^\\W_{_CJK}]{{1,2}}")  # what is searched as a word prefix
_WORD = re.compile(f"[^\\W_{_CJK}]+")


def _found(word: str, field: str, substring_only: bool) -> bool:
    if substring_only:
        # Before the index is ready: SQLite's LIKE, which ignores the case of ASCII only.
        return ascii_lower(word) in ascii_lower(field)
    word, field = word.casefold(), field.casefold()
    if not _SHORT.fullmatch(word):
        return word in field
    return any(w.startswith(word) for w in _WORD.findall(field))


def _matches(item: Item, query: str, substring_only: bool = False) -> bool:
    """The oracle: every word is in the sender, title or preview; a short word of non-CJK
    letters and digits starts a word there (``substring_only``: before the index is ready)."""
    fields = [item.sender, item.title, item.preview]
    return all(any(_found(w, f, substring_only) for f in fields) for w in query.split())


def _expected(
    items: list[Item], query: str, unread_only: bool = False, substring_only: bool = False
) -> list[str]:
    hits = [i for i in items if _matches(i, query, substring_only) and (i.unread or not unread_only)]
    hits.sort(key=lambda i: (i.time.timestamp(), i.id), reverse=True)
    return [i.id for i in hits]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list[Item]]:
    store = Store(tmp_path_factory.mktemp("search") / "inbox.sqlite3")
    items = _corpus()
    store.add_items(items)
    yield store, items
    store.close()


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("unread_only", [False, True])
def test_every_shape_pages_count_and_positions_like_a_substring_match(
    filled: tuple[Store, list[Item]], query: str, unread_only: bool
) -> None:
    store, items = filled
    expected = _expected(items, query, unread_only)
    assert store.page(limit=200, query=query, unread_only=unread_only) == store.get_items(expected[:200])
    # Small pages put boundaries inside seconds that hold many matches.
    assert walk(store, query, unread_only, limit=7) == expected
    assert store.count(query, unread_only) == len(expected)
    assert store.count(query, unread_only, cap=10) == min(len(expected), 10)
    # What the list shows: "10+" past the cap (a budget of a minute never runs out here).
    assert store.tally(query, unread_only, cap=10, budget=60) == (min(len(expected), 10), len(expected) > 10)
    assert store.tally(query, unread_only, cap=len(expected), budget=60) == (len(expected), False)
    for row in sorted({0, len(expected) // 2, len(expected) - 1}):
        if expected:
            assert store.position(expected[row], query, unread_only) == row


@pytest.mark.parametrize("query", ["Q3 budget", "q3 审批", "re meeting", "m 会 deploy", "notes q3"])
@pytest.mark.parametrize("few", [1, 400, 10_000])
@pytest.mark.parametrize("unread_only", [False, True])
def test_short_words_beside_longer_ones_agree_both_ways(
    filled: tuple[Store, list[Item]], monkeypatch: pytest.MonkeyPatch, query: str, few: int, unread_only: bool
) -> None:
    """Beside a longer word a short one is checked on each row when the longer word finds
    few rows, else the short word's rows are read first when they are few, else (both
    common) the two indexes' matches are intersected in the All view and the unread
    matches' rows checked in the Unread view: every way gives the same rows."""
    monkeypatch.setattr(database, "_FEW", few)
    store, items = filled
    expected = _expected(items, query, unread_only)
    assert expected
    search = store._parse(query, unread_only)
    if few != 400:
        assert (search.check_rows, search.words_first) == (few > 1 or unread_only, False)
    elif query == "notes q3":  # "notes" is in every row, "q3" in fewer than 400
        assert (search.check_rows, search.words_first) == (False, True)
    if few == 1 and not unread_only:
        # Intersected: read in spans of the longer words' matches, so the walk of 7-row
        # pages and the capped counts below cross from one span to the next.
        with store._lock:
            assert len(list(store._spans(search, None, 7, False))) >= 2
    assert walk(store, query, unread_only, limit=7) == expected
    assert store.page(limit=200, query=query, unread_only=unread_only) == store.get_items(expected[:200])
    assert store.count(query, unread_only) == len(expected)
    for cap in (1, 5, 30, len(expected) + 1):
        assert store.count(query, unread_only, cap=cap) == min(len(expected), cap)
        assert store.tally(query, unread_only, cap, budget=60) == (
            min(len(expected), cap),
            len(expected) > cap,
        )
    assert store.position(expected[-1], query, unread_only) == len(expected) - 1


@pytest.mark.parametrize("query", ["meeting", "re meeting", "c#"])
def test_a_count_out_of_time_says_more_and_the_store_carries_on(
    filled: tuple[Store, list[Item]], monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """The list's count stops at its time budget with the rows counted so far, and says
    there may be more ("N+"), in both views; the connection is left as it was."""
    monkeypatch.setattr(database, "_FEW", 1)  # "re meeting": the All view counts span by span
    store, items = filled
    for unread_only in (False, True):
        expected = _expected(items, query, unread_only)
        assert expected
        cut = store.tally(query, unread_only, cap=1000, budget=0)
        assert cut.more and 0 <= cut.rows < len(expected)
        assert store.tally(query, unread_only, cap=1000, budget=60) == (len(expected), False)
        assert store.count(query, unread_only) == len(expected)
        assert walk(store, query, unread_only, limit=50) == expected


def test_the_watchdog_interrupts_the_statement_running_at_its_deadline(tmp_path: Path) -> None:
    """The count's budget is kept by a timer thread that interrupts SQLite (the counting
    thread never needs the GIL meanwhile); the connection works on afterwards."""
    store = Store(tmp_path / "inbox.sqlite3")
    store.add_items([_plain("a", "quarterly")])
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4e9) SELECT count(*) FROM n"
    )
    with (
        store._lock,
        database._Watchdog(store._db, 0.05) as watchdog,
        pytest.raises(sqlite3.OperationalError, match="interrupted"),
    ):
        store._db.execute(endless).fetchone()
    assert watchdog.fired
    assert store.tally("quarterly", budget=60) == (1, False)
    store.close()


def test_the_watchdog_ends_quietly_once_the_counting_thread_is_gone(tmp_path: Path) -> None:
    """The watchdog may look once more after the count is over and its thread has ended:
    that thread's CPU clock is gone then, which ends the watch without an error."""
    store = Store(tmp_path / "inbox.sqlite3")
    made: list[database._Watchdog] = []
    counting = threading.Thread(target=lambda: made.append(database._Watchdog(store._db, 0.0)))
    counting.start()
    counting.join()
    made[0]._watch()  # returns (an OSError escaped here before)
    store.close()


def test_the_unread_view_follows_reading_snoozing_and_deleting(tmp_path: Path) -> None:
    """The Unread view reads the unread items' keys (migration 6): an item leaves its
    searches when read, unlisted or deleted, and comes back when unread again."""
    store = Store(tmp_path / "inbox.sqlite3")
    store.add_items([_plain(f"i{n}", f"quarterly report {n}") for n in range(5)])
    ids = lambda: [i.id for i in store.page(query="quarterly", unread_only=True)]  # noqa: E731
    assert ids() == ["i4", "i3", "i2", "i1", "i0"]
    store.apply_changes([ItemChange("i3", unread=False), ItemChange("i1", listed=False)])
    assert ids() == ["i4", "i2", "i0"]
    assert store.tally("quarterly", True, budget=60) == (3, False)
    assert store.position("i2", "quarterly", unread_only=True) == 1
    store.apply_changes([ItemChange("i3", unread=True)])
    store.remove_items(["i4"])
    assert ids() == ["i3", "i2", "i0"]
    assert store.count("quarterly", unread_only=True) == 3
    plan = store._read(
        "EXPLAIN QUERY PLAN SELECT 1 FROM "
        + database._source(store._parse("quarterly"), True)[0]
        + " WHERE items_search MATCH 'quarterly' AND items.unread = 1 AND items.listed = 1"
    )
    assert any("items_unread_by_skey" in row[-1] for row in plan)
    store.close()


def test_the_queries_cover_each_shape(filled: tuple[Store, list[Item]]) -> None:
    """The corpus is not vacuous: common shapes find many rows, rare ones few or none."""
    _store, items = filled
    assert len(_expected(items, "meeting")) > 150
    assert 0 < len(_expected(items, "budget 审批")) < len(_expected(items, "budget"))
    assert _expected(items, "会 meeting")
    assert _expected(items, "nothing-like-this") == []
    # Word prefixes differ from substrings here, in both directions of the test.
    assert _expected(items, "q3") != _expected(items, "q3", substring_only=True)
    assert 0 < len(_expected(items, "q3")) < len(_expected(items, "q3", substring_only=True))
    assert _expected(items, "re") and _expected(items, "RÉ") and _expected(items, "c#")


def _plain(ident: str, title: str) -> Item:
    return Item(id=ident, source="s", kind=Kind.MAIL, sender="", title=title, preview="", time=T0)


def test_the_index_follows_edits_deletions_and_snoozes(tmp_path: Path) -> None:
    store = Store(tmp_path / "inbox.sqlite3")
    a = _plain("a", "quarterly 审批")
    b = _plain("b", "quarterly 周报")  # the same second
    store.add_items([a, b])
    assert [i.id for i in store.page(query="quarterly")] == ["b", "a"]
    store._db.execute("UPDATE items SET title = 'monthly 周报' WHERE id = 'a'")
    assert [i.id for i in store.page(query="quarterly")] == ["b"]
    assert [i.id for i in store.page(query="周报")] == ["b", "a"]
    assert [i.id for i in store.page(query="审批")] == []
    store.apply_changes([ItemChange("b", listed=False)])
    assert [i.id for i in store.page(query="周报")] == ["a"]
    store.remove_items(["a"])
    assert store.count("周报") == 0
    # A new item in the same second gets a key of its own.
    store.add_items([_plain("c", "monthly")])
    assert [i.id for i in store.page(query="monthly")] == ["c"]
    store.close()


def test_a_word_with_a_bar_is_not_found_in_the_pairs_column(tmp_path: Path) -> None:
    """Words of 3+ characters match without a column filter unless they hold a "|": the
    "pairs" column's entries ("会议|", "会||") are made of exactly such trigrams."""
    store = Store(tmp_path / "inbox.sqlite3")
    store.add_items([_plain("a", "会议 notes"), _plain("b", "pipe a|b here")])
    assert [i.id for i in store.page(query="议||")] == []
    assert [i.id for i in store.page(query="会议|")] == []
    assert [i.id for i in store.page(query="a|b")] == ["b"]
    assert [i.id for i in store.page(query="notes")] == ["a"]
    assert store.count("议||") == 0 and store.tally("a|b", budget=60) == (1, False)
    store.close()


@pytest.mark.parametrize("version", [3, 4])
def test_an_upgraded_inbox_is_searchable_while_and_after_it_is_indexed(tmp_path: Path, version: int) -> None:
    """Start-up does not wait for the index: until the fill is done search scans the rows
    (every word a substring, as before), items arriving meanwhile are found, and then the
    index answers with the same rows (short words as word prefixes)."""
    path = tmp_path / "inbox.sqlite3"
    rng = random.Random(3)
    items = [_item(n, rng, T0 - timedelta(seconds=n % 50)) for n in range(300)]
    old_inbox(path, version, items)
    store = Store(path, fill_in_background=False)
    assert store.schema_version == len(MIGRATIONS)
    assert not store.search_ready
    for query in QUERIES:
        assert walk(store, query, False, limit=9) == _expected(items, query, substring_only=True)
    # Items arriving during the fill, some in the seconds of stored ones, are indexed by
    # their trigger and not a second time by the fill.
    late = [_item(1000 + n, rng, T0 - timedelta(seconds=n % 50)) for n in range(50)]
    store.add_items(late)
    assert store.index_step(batch=120)
    assert not store.search_ready
    assert walk(store, "meeting", True, limit=11) == _expected(items + late, "meeting", True)
    steps = 0
    while store.index_step(batch=120):
        steps += 1
    assert steps == 2 and store.search_ready  # 300 stored items, 120 a step
    assert store._read("SELECT count(*) FROM items WHERE skey IS NULL") == [(0,)]
    for query in QUERIES:
        assert walk(store, query, False, limit=9) == _expected(items + late, query)
        assert store.count(query) == len(_expected(items + late, query))
    store.remove_items([late[0].id, items[0].id])
    assert store.count("meeting") == len(_expected(items[1:] + late[1:], "meeting"))
    store.close()
    # Once done, the next start does not fill again.
    reopened = Store(path)
    assert reopened.search_ready and reopened._filler is None
    reopened.close()


def test_an_inbox_of_schema_5_gets_the_unread_keys_and_searches_alike(tmp_path: Path) -> None:
    """Migration 6 on an indexed inbox of the previous schema: the unread keys' index is
    built from the stored rows, and the Unread view finds what it found before."""
    path = tmp_path / "inbox.sqlite3"
    rng = random.Random(8)
    items = [_item(n, rng, T0 - timedelta(seconds=n % 40)) for n in range(300)]
    old_inbox(path, 5, items)
    store = Store(path, fill_in_background=False)
    assert store.schema_version == len(MIGRATIONS) == 7 and store.search_ready
    assert store._read(
        "SELECT count(*) FROM items INDEXED BY items_unread_by_skey WHERE unread = 1 AND listed = 1"
    ) == [(sum(i.unread for i in items),)]
    for query in QUERIES:
        expected = _expected(items, query, unread_only=True)
        assert walk(store, query, True, limit=9) == expected
        assert store.tally(query, True, cap=5, budget=60) == (min(len(expected), 5), len(expected) > 5)
    store.close()


def test_the_row_check_of_short_words_is_what_the_words_index_holds() -> None:
    """``has_word_prefixes`` (one pattern per word) answers as the set of a row's
    ``word_prefixes`` does, on text mixing scripts, case, digits and separators."""
    rng = random.Random(9)
    alphabet = list("abcQRé İıß3_-#会议 ΣσÆæ\u0307")
    tokens = [
        "a",
        "ab",
        "q",
        "qr",
        "é",
        "i",
        "i\u0307",
        "3",
        "3a",
        "ß",
        "σ",
        "会",
        "_a",
        "æ",
        "ı",
        "a b",
        "q3 会",
        "",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        for token in tokens:
            held = set(cjk.word_prefixes(text).split())
            assert cjk.has_word_prefixes(text, token) == all(t in held for t in token.split()), (text, token)
    assert cjk.has_word_prefixes(None, "") and not cjk.has_word_prefixes(None, "a")


def test_the_fill_runs_by_itself_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    rng = random.Random(5)
    items = [_item(n, rng, T0 - timedelta(seconds=n)) for n in range(250)]
    old_inbox(path, 3, items)
    store = Store(path)
    deadline = time.monotonic() + 30
    while not store.search_ready and time.monotonic() < deadline:
        time.sleep(0.01)  # waits for the event (the fill finished), asserts nothing absent
    assert store.search_ready
    assert walk(store, "q3 审批", False, limit=5) == _expected(items, "q3 审批")
    store.close()


def test_closing_stops_the_fill_and_the_next_start_carries_on(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    rng = random.Random(6)
    items = [_item(n, rng, T0 - timedelta(seconds=n)) for n in range(250)]
    old_inbox(path, 3, items)
    store = Store(path, fill_in_background=False)
    store.index_step(batch=100)
    store.close()
    store = Store(path, fill_in_background=False)
    assert not store.search_ready
    assert store.index_step(batch=100) and store.index_step(batch=100)
    assert not store.index_step(batch=100) and store.search_ready
    assert walk(store, "re", False, limit=7) == _expected(items, "re")
    store.close()


def test_cjk_search_terms_are_trigrams_only_their_words_make() -> None:
    assert cjk.search_pairs("会议 Q3 审批") == "会议| 会|| 议|| 审批| 审|| 批||"
    assert cjk.search_term("审批") == "审批|"
    assert cjk.search_term("会") == "会||"
    assert cjk.search_term("Q3") is None
    assert cjk.search_term("报销单") is None  # the trigram columns answer it
