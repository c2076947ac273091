"""A two-character word of a letter or digit and a symbol ("c#", "5%") is a lookup in the
"pairs" column (migration 7) and finds the rows the row scan with LIKE found; an inbox of
schema 6 gets those entries from the background fill, meanwhile such words are scanned."""

from __future__ import annotations

import dataclasses
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import ascii_lower, old_inbox, walk

from desktop.core.item import Item, Kind, utc_now
from desktop.store import Store, cjk
from desktop.store.migrations import MIGRATIONS

T0 = utc_now().replace(microsecond=0)

# Letters and digits (ASCII, others, CJK), every symbol of a pair, sentence punctuation,
# quotes, the entries' marker "|", spaces and NUL. No character here folds to ASCII under
# FTS5's case folding (as the Kelvin sign would), so an ASCII query has one meaning.
ALPHABET = "abcCfFq3éÉßσΣ会议" + cjk.SYMBOLS + ",.;:!?\"'()[]|  \x00"
QUERIES = [
    "c#",
    "C#",
    "f#",
    "#1",
    "5%",
    "a&",
    "_a",
    "3-",
    "-q",
    "c++",
    "C#,",
    "c# f#",
    "c# 会议",
    "c# fab",
    "q3 c#",
    "#",
    "c.",
    "++",
]


def _indexed_word(word: str) -> bool:
    """Whether the index answers ``word`` as a substring (3+ characters, a symbol pair)."""
    return len(word) >= 3 or cjk.symbol_term(word) is not None


def _found(word: str, field: str, symbols: bool) -> bool:
    if word == "q3" or cjk.is_cjk(word):  # the other shapes these queries hold
        w = word.casefold()
        if cjk.is_cjk(word):
            return w in field
        return any(t.startswith(w) for t in cjk._WORD.findall(field.casefold()))
    if _indexed_word(word) and (symbols or len(word) >= 3):
        return ascii_lower(word) in ascii_lower(field)
    # SQLite's LIKE: ASCII case only, and the text ends at its first NUL.
    return ascii_lower(word) in ascii_lower(field.split("\x00")[0])


def _expected(items: list[Item], query: str, unread_only: bool, symbols: bool = True) -> list[str]:
    hits = [
        i
        for i in items
        if (i.unread or not unread_only)
        and all(any(_found(w, f, symbols) for f in (i.sender, i.title, i.preview)) for w in query.split())
    ]
    hits.sort(key=lambda i: (i.time.timestamp(), i.id), reverse=True)
    return [i.id for i in hits]


def _agrees(store: Store, items: list[Item], query: str, symbols: bool = True) -> None:
    """page, position, count and tally of both views give the oracle's rows."""
    for unread_only in (False, True):
        expected = _expected(items, query, unread_only, symbols)
        assert walk(store, query, unread_only, limit=3) == expected, (query, unread_only)
        assert store.count(query, unread_only) == len(expected)
        assert store.tally(query, unread_only, cap=2, budget=60) == (min(len(expected), 2), len(expected) > 2)
        if expected:
            assert store.position(expected[-1], query, unread_only) == len(expected) - 1


def _items(texts: list[tuple[str, str, str, bool]]) -> list[Item]:
    return [
        Item(
            id=f"i{n:03d}",
            source="s",
            kind=Kind.MAIL,
            sender=sender,
            title=title,
            preview=preview,
            time=T0 - timedelta(seconds=n // 3),
            unread=unread,
        )
        for n, (sender, title, preview, unread) in enumerate(texts)
    ]


def _entries(store: Store, term: str) -> int:
    """Rows of items_search that hold the "pairs" entry ``term``: a delete with entries other
    than those the row was indexed with would leave some behind."""
    return int(
        store._read("SELECT count(*) FROM items_search WHERE items_search MATCH ?", [f'pairs : "{term}"'])[0][
            0
        ]
    )


_text = st.text(alphabet=ALPHABET, max_size=12)
# Besides the list: every symbol beside a letter or digit, in either order.
_pair = st.builds(
    lambda a, b, flip: b + a if flip else a + b,
    st.sampled_from("acCfF3"),
    st.sampled_from(cjk.SYMBOLS),
    st.booleans(),
)
_query = st.one_of(st.sampled_from(QUERIES), _pair)
_rows = st.lists(st.tuples(_text, _text, _text, st.booleans()), min_size=1, max_size=25)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_rows, query=_query)
def test_symbol_pairs_find_what_a_substring_match_finds(
    rows: list[tuple[str, str, str, bool]], query: str
) -> None:
    items = _items(rows)
    store = Store(":memory:")
    store.add_items(items)
    assert store.symbols_ready
    _agrees(store, items, query)
    # The lookup is what answers: the entry is there for exactly the rows holding the pair.
    term = cjk.symbol_term("c#")
    assert term is not None
    assert _entries(store, term) == len(_expected(items, "c#", False))
    store.close()


def _scanned(query: str, symbols: bool) -> tuple[str, ...]:
    """The words of ``query`` that no index answers (``symbols``: once the fill is done)."""
    return tuple(
        w
        for w in dict.fromkeys(query.split())
        if len(w) < 3
        and cjk.search_term(w) is None
        and cjk.prefix_term(w) is None
        and (not symbols or cjk.symbol_term(w) is None)
    )


def _edit(store: Store, item: Item, title: str) -> Item:
    """Change a stored item's title (no store call does; the update trigger serves it)."""
    with store._tx() as db:
        db.execute("UPDATE items SET title = ? WHERE id = ?", (title, item.id))
    return dataclasses.replace(item, title=title)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=_rows,
    late=_rows,
    edit=_text,
    queries=st.lists(_query, min_size=1, max_size=3),
)
def test_an_inbox_of_schema_6_gets_its_symbol_pairs_in_the_background(
    rows: list[tuple[str, str, str, bool]],
    late: list[tuple[str, str, str, bool]],
    edit: str,
    queries: list[str],
) -> None:
    """During the fill a symbol word is scanned (LIKE) and every other word still uses the
    index; items added, edited and deleted meanwhile, on both sides of the fill's cursor,
    keep the index exact; after it the lookup answers."""
    items = _items(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inbox.sqlite3"
        old_inbox(path, 6, items)
        store = Store(path, fill_in_background=False)
        assert store.schema_version == len(MIGRATIONS) == 7
        assert store.search_ready and not store.symbols_ready
        for query in queries:
            _agrees(store, items, query, symbols=False)
            # Only the symbol words wait for the fill; the other words keep the index.
            assert store._parse(query).like == _scanned(query, symbols=False)
        filling = store.index_step(batch=4)
        assert filling == (not store.symbols_ready)
        newer = [
            dataclasses.replace(i, id="n" + i.id[1:], time=i.time + timedelta(seconds=1))
            for i in _items(late)
        ]
        store.add_items(newer)
        # Items on both sides of the fill's cursor (the newest are re-indexed first), and
        # a new one: edited, deleted.
        items[0] = _edit(store, items[0], edit + "c#")
        items[-1] = _edit(store, items[-1], "c# " + edit)
        newer[0] = _edit(store, newer[0], edit)
        store.remove_items([items[len(items) // 2].id, newer[-1].id])
        everything = [i for n, i in enumerate(items) if n != len(items) // 2] + newer[:-1]
        for query in queries:
            _agrees(store, everything, query, symbols=store.symbols_ready)
        while store.index_step(batch=4):
            pass
        assert store.symbols_ready
        for query in [*queries, "c#"]:
            assert store._parse(query).like == _scanned(query, symbols=True)
            _agrees(store, everything, query)
        assert _entries(store, "c#|") == len(_expected(everything, "c#", False))
        store.close()
        reopened = Store(path)
        assert reopened.symbols_ready and reopened._filler is None
        reopened.close()


def test_short_words_with_a_symbol_are_one_lookup_each() -> None:
    """ "c#" finds "C#" and "abc#d" (a substring, as LIKE), not "c #" nor "c"; "c++" is
    three characters (trigrams); both are answered by the index, none by a row scan."""
    items = _items(
        [
            ("Ann", "C# and F# jobs", "", True),
            ("", "abc#def", "会c#议", False),
            ("", "c # c", "f#", True),
            ("c++", "", "5% off, a&b", False),
            ("", "c, c. c#", "", True),
        ]
    )
    store = Store(":memory:")
    store.add_items(items)
    assert [i.id for i in store.page(query="c#")] == ["i001", "i000", "i004"]
    assert [i.id for i in store.page(query="C#", unread_only=True)] == ["i000", "i004"]
    assert [i.id for i in store.page(query="f#")] == ["i002", "i000"]
    assert [i.id for i in store.page(query="c++")] == ["i003"]
    assert [i.id for i in store.page(query="5% a&")] == ["i003"]
    for query in ("c#", "C#", "f#", "c++", "5% a&", "c# 会c#议"):
        assert store._parse(query).like == ()
        _agrees(store, items, query)
    assert store.tally("c#", budget=60) == (3, False) and store.count("f#", unread_only=True) == 2
    # Sentence punctuation and lone symbols are still scanned.
    assert store._parse("c, # ++").like == ("c,", "#", "++")
    _agrees(store, items, "c, # ++")
    store.close()


def test_symbol_pairs_and_terms_on_any_text() -> None:
    """Entries hold only pairs of a letter or digit (not CJK) and a symbol, each once;
    lone surrogates, NUL and CJK neighbours are taken as they come."""
    assert (
        cjk.pairs_with_symbols("会议 C# c#1 x-y ann@b.org") == "会议| 会|| 议|| C#| c#| #1| x-| -y| n@| @b|"
    )
    assert cjk.pairs_with_symbols("c# c#") == "c#|"
    assert cjk.pairs_with_symbols("\ud800#a c\x00# 会# a,b (c)") == "会|| #a|"
    assert cjk.pairs_with_symbols("") == cjk.pairs_with_symbols(None) == ""
    assert cjk.pairs_with_symbols("会议") == cjk.search_pairs("会议")
    assert [cjk.symbol_term(w) for w in ("c#", "#C", "é%", "c", "c++", "++", "c,", "会#", "\ud800#")] == [
        "c#|",
        "#C|",
        "é%|",
        None,
        None,
        None,
        None,
        None,
        None,
    ]


def test_the_fill_gives_symbol_pairs_by_itself_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    items = _items([("", f"C# note {n}", "", n % 2 == 0) for n in range(200)])
    old_inbox(path, 6, items)
    store = Store(path)
    deadline = time.monotonic() + 30
    while not store.symbols_ready and time.monotonic() < deadline:
        time.sleep(0.01)  # waits for the event (the fill finished), asserts nothing absent
    assert store.symbols_ready and store._parse("c#").like == ()
    _agrees(store, items, "c#")
    assert _entries(store, "c#|") == 200
    store.close()


def test_an_item_taking_a_stored_rowid_during_the_fill_is_indexed_once(tmp_path: Path) -> None:
    """SQLite gives a new item the rowid after the largest: once the newest stored item is
    deleted, that is one below the fill's cursor, so the item gets the entries of the
    items stored before it and the fill re-indexes it like them."""
    path = tmp_path / "inbox.sqlite3"
    items = _items([("", f"c# {n}", "", True) for n in range(5)])
    old_inbox(path, 6, items)
    store = Store(path, fill_in_background=False)
    newest = store._read("SELECT id, rowid FROM items ORDER BY rowid DESC LIMIT 1")[0]
    store.remove_items([newest[0]])
    reused = dataclasses.replace(items[0], id="reused", title="C# again")
    store.add_items([reused])
    assert store._read("SELECT rowid FROM items WHERE id = 'reused'") == [(newest[1],)]
    everything = [i for i in items if i.id != newest[0]] + [reused]
    _agrees(store, everything, "c#", symbols=False)
    while store.index_step(batch=2):
        pass
    _agrees(store, everything, "c#")
    assert _entries(store, "c#|") == 5
    store.close()
