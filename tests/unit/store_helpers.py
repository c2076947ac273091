"""Shared by the store's tests: an inbox as an older Tidings left it, and the search oracles' pieces."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.core.item import Item
from desktop.store import Store, cjk
from desktop.store.migrations import MIGRATIONS


def old_inbox(path: Path, version: int, items: list[Item]) -> None:
    """A database as Tidings left it at schema ``version``, holding ``items``."""
    db = sqlite3.connect(path, isolation_level=None)
    db.create_function("cjk_bigrams", 1, cjk.bigrams, deterministic=True)
    db.create_function("search_pairs", 1, cjk.search_pairs, deterministic=True)
    db.create_function("word_prefixes", 1, cjk.word_prefixes, deterministic=True)
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    db.executemany(
        "INSERT INTO items (id, source, kind, sender, title, preview, time, unread) VALUES (?,?,?,?,?,?,?,?)",
        [
            (i.id, i.source, str(i.kind), i.sender, i.title, i.preview, i.time.timestamp(), int(i.unread))
            for i in items
        ],
    )
    db.close()


def ascii_lower(text: str) -> str:
    """Lower case as SQLite's LIKE and the trigram index fold it: ASCII letters only."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def walk(store: Store, query: str, unread_only: bool, limit: int) -> list[str]:
    """Every row of a view, page by page (keyset paging, ``limit`` rows a page)."""
    seen: list[str] = []
    after = None
    while page := store.page(after=after, limit=limit, query=query, unread_only=unread_only):
        seen += [i.id for i in page]
        after = (page[-1].time.timestamp(), page[-1].id)
    return seen
