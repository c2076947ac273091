"""Search through the time-ordered index: every query shape gives what a plain substring
match over the rows gives, in list order, page after page."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.core.events import ItemChange
from desktop.core.item import Item, Kind, utc_now
from desktop.store import Store, cjk
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


def _matches(item: Item, query: str) -> bool:
    fields = [item.sender.casefold(), item.title.casefold(), item.preview.casefold()]
    return all(any(w.casefold() in f for f in fields) for w in query.split())


def _expected(items: list[Item], query: str, unread_only: bool = False) -> list[str]:
    hits = [i for i in items if _matches(i, query) and (i.unread or not unread_only)]
    hits.sort(key=lambda i: (i.time.timestamp(), i.id), reverse=True)
    return [i.id for i in hits]


def _walk(store: Store, query: str, unread_only: bool, limit: int) -> list[str]:
    seen: list[str] = []
    after = None
    while page := store.page(after=after, limit=limit, query=query, unread_only=unread_only):
        seen += [i.id for i in page]
        after = (page[-1].time.timestamp(), page[-1].id)
    return seen


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
    assert _walk(store, query, unread_only, limit=7) == expected
    assert store.count(query, unread_only) == len(expected)
    assert store.count(query, unread_only, cap=10) == min(len(expected), 10)
    for row in sorted({0, len(expected) // 2, len(expected) - 1}):
        if expected:
            assert store.position(expected[row], query, unread_only) == row


def test_the_queries_cover_each_shape(filled: tuple[Store, list[Item]]) -> None:
    """The corpus is not vacuous: common shapes find many rows, rare ones few or none."""
    _store, items = filled
    assert len(_expected(items, "meeting")) > 150
    assert 0 < len(_expected(items, "budget 审批")) < len(_expected(items, "budget"))
    assert _expected(items, "会 meeting")
    assert _expected(items, "nothing-like-this") == []


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


def test_an_inbox_from_before_the_time_ordered_index_is_searchable_after_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.create_function("cjk_bigrams", 1, cjk.bigrams, deterministic=True)
    for number, script in enumerate(MIGRATIONS[:3], start=1):
        db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    rng = random.Random(3)
    items = [_item(n, rng, T0 - timedelta(seconds=n % 50)) for n in range(300)]
    db.executemany(
        "INSERT INTO items (id, source, kind, sender, title, preview, time, unread) VALUES (?,?,?,?,?,?,?,?)",
        [
            (i.id, i.source, str(i.kind), i.sender, i.title, i.preview, i.time.timestamp(), int(i.unread))
            for i in items
        ],
    )
    db.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    for query in QUERIES:
        assert _walk(store, query, False, limit=9) == _expected(items, query)
    # Items added after the upgrade follow the ones before in the same seconds.
    late = [_item(1000 + n, rng, T0 - timedelta(seconds=n % 50)) for n in range(50)]
    store.add_items(late)
    assert _walk(store, "meeting", False, limit=11) == _expected(items + late, "meeting")
    store.close()


def test_cjk_search_terms_are_trigrams_only_their_words_make() -> None:
    assert cjk.search_pairs("会议 Q3 审批") == "会议| 会|| 议|| 审批| 审|| 批||"
    assert cjk.search_term("审批") == "审批|"
    assert cjk.search_term("会") == "会||"
    assert cjk.search_term("Q3") is None
    assert cjk.search_term("报销单") is None  # the trigram columns answer it
