"""SQLite store for items, per-source sync state and the outbox of user actions.

One connection guarded by a lock: the pipeline writes from the event loop
thread, IMAP workers read their sync state from their own threads. Writes are
small transactions; a burst of thousands of items is one transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import sqlite3
import threading
import time
import typing
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from desktop.config import paths
from desktop.core.events import ItemChange
from desktop.core.item import Action, Item, Kind, Urgency, from_timestamp
from desktop.store import cjk
from desktop.store.migrations import MIGRATIONS

_COLUMNS = (
    "id, source, kind, sender, title, preview, time, unread, state, actions, thread_key, urgency, payload"
)
_ITEM_COLUMNS = ", ".join("items." + c for c in _COLUMNS.split(", "))  # beside items_search's
_CHUNK = 500  # stays far below SQLite's bound-parameter limit
CACHE_KIB = 512  # SQLite's page cache per connection
# Store.tally stops counting after this much CPU time: the count is a hint beside a list
# that has its rows already; 10 ms keeps the worst count here under ~13 ms (issue 10: 16).
COUNT_BUDGET_S = 0.010
FILL_BATCH = 32  # items the background fill indexes per transaction: ~10 ms of holding the lock here
_log = logging.getLogger(__name__)


class StoreError(Exception):
    """A store failure, with a message a user can act on."""


class Tally(typing.NamedTuple):
    """A search's row count as the list shows it: ``rows`` found, and whether there are
    ``more`` than that ("1,000+": the cap was reached or the time budget ran out, and
    then ``rows`` may be anything below the true count, 0 included)."""

    rows: int
    more: bool


class ViewRow(typing.NamedTuple):
    """What "Mark all read" needs to know of a row to queue its outbox entry."""

    id: str
    source: str
    kind: str
    thread_key: str


@dataclasses.dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: str
    source: str
    action: str
    item_id: str
    payload: dict[str, Any]
    created: float
    attempts: int
    status: str
    last_error: str


def _friendly(exc: sqlite3.Error) -> StoreError:
    text = str(exc).lower()
    if "full" in text:
        return StoreError("The disk is full: Tidings cannot save new items. Free some space.")
    if "readonly" in text or "read-only" in text:
        return StoreError("The inbox database is read-only: check the data folder's permissions.")
    if "locked" in text or "busy" in text:
        return StoreError("The inbox database is in use by another Tidings process.")
    if "malformed" in text or "not a database" in text:
        return StoreError("The inbox database is damaged. Move it aside and restart Tidings.")
    return StoreError(f"The inbox database failed: {exc}")


def _prepare_private(db: Path) -> None:
    """The inbox holds mail and chat text: its folder 0700, its files 0600. SQLite gives
    the -wal and -shm files it creates the database file's mode, so creating that one
    0600 (and tightening files an older Tidings left 0644) is enough."""
    try:
        paths.private_dir(db.parent)
        paths.private_file(db)
        for suffix in ("-wal", "-shm", "-journal"):
            paths.tighten_file(db.with_name(db.name + suffix))
    except OSError as exc:
        raise StoreError(
            f"Tidings cannot open its inbox database {db}: {exc.strerror or exc}. "
            "Check the data folder's permissions."
        ) from exc


class Store:
    def __init__(self, path: Path | str, fill_in_background: bool = True) -> None:
        """``fill_in_background``: index items an upgrade left unindexed in a thread
        (see :meth:`index_step`); tests that step the fill themselves pass False."""
        self.path = str(path)
        if self.path != ":memory:":
            _prepare_private(Path(self.path))
        self._lock = threading.RLock()
        self._indexed = False  # True once the search index holds every item (search_fill empty)
        self._symbols_indexed = False  # True once every item has its symbol pairs (pairs_fill empty)
        self._closing = threading.Event()
        self._filler: threading.Thread | None = None
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=5.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            # 512 KiB of page cache instead of SQLite's 2 MB: a tray app mostly idles, and
            # the OS keeps the file's pages cached anyway (issue 9, bench_idle/bench_window).
            self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            # Used by the FTS triggers; every connection that writes items needs it.
            self._db.create_function("cjk_bigrams", 1, cjk.bigrams, deterministic=True)
            # search_pairs: the "pairs" entries of items indexed before migration 7 (deleting
            # one needs exactly those); pairs_with_symbols: those of the others.
            self._db.create_function("search_pairs", 1, cjk.search_pairs, deterministic=True)
            self._db.create_function("pairs_with_symbols", 1, cjk.pairs_with_symbols, deterministic=True)
            self._db.create_function("word_prefixes", 1, cjk.word_prefixes, deterministic=True)
            self._db.create_function("has_word_prefixes", 2, cjk.has_word_prefixes, deterministic=True)
            self._migrate()
        except sqlite3.Error as exc:
            raise _friendly(exc) from exc
        if fill_in_background and not (self.search_ready and self.symbols_ready):
            self._filler = threading.Thread(target=self._fill, name="tidings-search-fill", daemon=True)
            self._filler.start()

    # -- plumbing -------------------------------------------------------------

    def close(self) -> None:
        self._closing.set()
        if self._filler is not None:
            self._filler.join()  # at most one batch
        with self._lock:
            self._db.close()

    # -- the search index after an upgrade ------------------------------------------------

    @property
    def search_ready(self) -> bool:
        """Whether the search index holds every item; until then search scans the rows."""
        if not self._indexed:
            self._indexed = not self._read("SELECT 1 FROM search_fill")
        return self._indexed

    @property
    def symbols_ready(self) -> bool:
        """Whether every indexed item has its symbol pairs (migration 7); until then a word
        like "c#" is searched by scanning the rows, every other word by the index."""
        if not self._symbols_indexed:
            self._symbols_indexed = not self._read("SELECT 1 FROM pairs_fill")
        return self._symbols_indexed

    def index_step(self, batch: int = FILL_BATCH) -> bool:
        """Index up to ``batch`` items an upgrade left without a key (newest rowids first),
        in one short transaction; False once every item is indexed. New items are indexed
        by their insert trigger all along, so this only walks the rows stored before.

        First, items indexed before migration 7 are re-indexed with their symbol pairs:
        then the items the key fill indexes after get them at once."""
        with self._tx() as db:
            if self._pairs_step(db, batch):
                return True
            row = db.execute("SELECT below FROM search_fill").fetchone()
            todo = (
                []
                if row is None
                else db.execute(
                    "SELECT rowid, time FROM items WHERE rowid < ? AND skey IS NULL ORDER BY rowid DESC LIMIT ?",
                    (row[0], batch),
                ).fetchall()
            )
            if not todo:
                db.execute("DELETE FROM search_fill")
            else:
                # Getting a key indexes the item (trigger items_search_key of migration 5).
                db.executemany(_ASSIGN_KEY, todo)
                db.execute("UPDATE search_fill SET below = ?", (todo[-1][0],))
        if not todo:
            self._indexed = True
        return bool(todo)

    def _pairs_step(self, db: sqlite3.Connection, batch: int) -> bool:
        """Re-index up to ``batch`` keyed items below pairs_fill's rowid with the "pairs"
        entries of ``pairs_with_symbols`` (only those whose entries change: a delete and an
        insert each); False, and pairs_fill emptied, once none is left."""
        row = db.execute("SELECT below FROM pairs_fill").fetchone()
        if row is None:
            return False
        todo = db.execute(
            "SELECT rowid, skey, sender, title, preview FROM items "
            "WHERE rowid < ? AND skey IS NOT NULL ORDER BY rowid DESC LIMIT ?",
            (row[0], batch),
        ).fetchall()
        if not todo:
            # Unkeyed items left below get their entries, symbols included, from the key fill.
            db.execute("DELETE FROM pairs_fill")
            return False
        old, new = [], []
        for _rowid, skey, sender, title, preview in todo:
            text = f"{sender} {title} {preview}"
            before, after = cjk.search_pairs(text), cjk.pairs_with_symbols(text)
            if before != after:
                old.append(("delete", skey, sender, title, preview, before))
                new.append((skey, sender, title, preview, after))
        db.executemany(
            "INSERT INTO items_search (items_search, rowid, sender, title, preview, pairs) VALUES (?, ?, ?, ?, ?, ?)",
            old,
        )
        db.executemany(
            "INSERT INTO items_search (rowid, sender, title, preview, pairs) VALUES (?, ?, ?, ?, ?)", new
        )
        db.execute("UPDATE pairs_fill SET below = ?", (todo[-1][0],))
        return True

    def _fill(self) -> None:
        try:
            while not self._closing.is_set() and self.index_step():
                # Between batches the pipeline and the list get the lock.
                self._closing.wait(0.002)
        except StoreError as exc:
            # Search keeps scanning the rows; the next start carries on from here.
            _log.warning("Indexing stored items for search stopped: %s", exc)

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    # SQLite has already rolled back after some errors (a full disk).
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise _friendly(exc) from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise _friendly(exc) from exc

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError("The inbox database was written by a newer Tidings; update Tidings to open it.")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self._db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    def _parse(self, query: str, unread_only: bool = False) -> _Search:
        """How to read a query's words (see ``_Search``), by capped counts of their matches."""
        search = _Search.parse(query, indexed=self.search_ready, symbols=self.symbols_ready)
        if search.match is not None and search.words is not None:
            few = self._read(
                "SELECT count(*) FROM (SELECT 1 FROM items_search WHERE items_search MATCH ? LIMIT ?)",
                (search.match, _FEW),
            )[0][0]
            if few < _FEW:
                return dataclasses.replace(search, check_rows=True)
            few = self._read(
                "SELECT count(*) FROM (SELECT 1 FROM items_words WHERE items_words MATCH ? LIMIT ?)",
                (search.words, _FEW),
            )[0][0]
            if few < _FEW:
                return dataclasses.replace(search, words_first=True)
            if unread_only:
                # Both common: in the Unread view only the unread matches of the longer
                # words reach the check of their rows, cheaper than collecting every match
                # of the short ones ("re budget" Unread page, with the unread keys' index:
                # 11.6 -> 5 ms CPU at 100k items).
                return dataclasses.replace(search, check_rows=True)
        return search

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    # -- items ----------------------------------------------------------------

    def add_items(
        self, items: Sequence[Item], sync_state: dict[str, str] | None = None, source: str = ""
    ) -> list[Item]:
        """Insert items that are not stored yet; return only those that were new.

        Duplicates (the same stable id) are ignored, which is what makes a
        re-fetch after a reconnect safe: nothing is notified twice.
        """
        with self._tx() as db:
            new = self._new_only(db, items)
            db.executemany(
                f"INSERT INTO items ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_to_row(i) for i in new],
            )
            self._collapse_threads(db, new)
            if sync_state:
                self._put_state(db, source or (items[0].source if items else ""), sync_state)
        return new

    @staticmethod
    def _collapse_threads(db: sqlite3.Connection, new: Sequence[Item]) -> None:
        """Keep only the newest chat message of each conversation listed."""
        threads = {i.thread_key for i in new if i.kind is Kind.CHAT and i.thread_key}
        for key in threads:
            # A new message brings a snoozed conversation back by itself.
            db.execute(
                "DELETE FROM snoozes WHERE item_id IN (SELECT id FROM items WHERE thread_key = ?)", (key,)
            )
            db.execute(
                "UPDATE items SET listed = (id = (SELECT id FROM items WHERE thread_key = ?1 "
                "AND kind = 'chat' ORDER BY time DESC, id DESC LIMIT 1)) "
                "WHERE thread_key = ?1 AND kind = 'chat'",
                (key,),
            )

    def _new_only(self, db: sqlite3.Connection, items: Sequence[Item]) -> list[Item]:
        seen: set[str] = set()
        ids = [i.id for i in items]
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            seen.update(r[0] for r in db.execute(f"SELECT id FROM items WHERE id IN ({marks})", chunk))
        new: list[Item] = []
        for item in items:
            if item.id not in seen:
                seen.add(item.id)
                new.append(item)
        return new

    def apply_changes(
        self, changes: Sequence[ItemChange], sync_state: dict[str, str] | None = None, source: str = ""
    ) -> list[Item]:
        """Apply state changes; return the items whose stored state really changed."""
        changed_ids: list[str] = []
        with self._tx() as db:
            for ch in changes:
                # (column, new-value expression, parameter)
                assignments: list[tuple[str, str, Any]] = []
                if ch.unread is not None:
                    assignments.append(("unread", "?", int(ch.unread)))
                if ch.state is not None:
                    assignments.append(("state", "?", ch.state))
                if ch.actions is not None:
                    assignments.append(("actions", "?", json.dumps([str(a) for a in ch.actions])))
                if ch.payload_update:
                    assignments.append(("payload", "json_patch(payload, ?)", json.dumps(ch.payload_update)))
                if ch.listed is not None:
                    assignments.append(("listed", "?", int(ch.listed)))
                if not assignments:
                    continue
                sets = ", ".join(f"{col} = {expr}" for col, expr, _ in assignments)
                # Only count a change that alters something, so listeners hear no echoes.
                differs = " OR ".join(f"{col} IS NOT {expr}" for col, expr, _ in assignments)
                values = [value for _, _, value in assignments]
                cur = db.execute(
                    f"UPDATE items SET {sets} WHERE id = ? AND ({differs})", [*values, ch.item_id, *values]
                )
                if cur.rowcount:
                    changed_ids.append(ch.item_id)
            if sync_state:
                self._put_state(db, source, sync_state)
        return self.get_items(changed_ids)

    def remove_items(
        self,
        item_ids: Iterable[str] = (),
        id_prefix: str = "",
        sync_state: dict[str, str] | None = None,
        source: str = "",
    ) -> list[str]:
        removed: list[str] = []
        with self._tx() as db:
            if id_prefix:
                like = _escape_like(id_prefix) + "%"
                removed += [
                    r[0] for r in db.execute("SELECT id FROM items WHERE id LIKE ? ESCAPE '\\'", (like,))
                ]
                db.execute("DELETE FROM items WHERE id LIKE ? ESCAPE '\\'", (like,))
            for item_id in item_ids:
                if db.execute("DELETE FROM items WHERE id = ?", (item_id,)).rowcount:
                    removed.append(item_id)
            if sync_state:
                self._put_state(db, source, sync_state)
        return removed

    def get_item(self, item_id: str) -> Item | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,))
        return _from_row(rows[0]) if rows else None

    def get_items(self, item_ids: Sequence[str]) -> list[Item]:
        out: list[Item] = []
        for start in range(0, len(item_ids), _CHUNK):
            chunk = list(item_ids[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            out += [
                _from_row(r) for r in self._read(f"SELECT {_COLUMNS} FROM items WHERE id IN ({marks})", chunk)
            ]
        order = {i: n for n, i in enumerate(item_ids)}
        out.sort(key=lambda it: order[it.id])
        return out

    def page(
        self,
        after: tuple[float, str] | None = None,
        limit: int = 200,
        query: str = "",
        unread_only: bool = False,
    ) -> list[Item]:
        """Items newest first, starting below the (time, id) key ``after``.

        Keyset paging: a page costs the same at row 90,000 as at row 0.
        """
        search = self._parse(query, unread_only)
        source, match, match_params = _source(search, unread_only)
        if not match:
            where, params = _filters(query, unread_only, search=search)
            if after is not None:
                where.append("(time < ? OR (time = ? AND id < ?))")
                params += [after[0], after[0], after[1]]
            sql = f"SELECT {_COLUMNS} FROM items WHERE {' AND '.join(where)} ORDER BY time DESC, id DESC LIMIT ?"
            return [_from_row(r) for r in self._read(sql, [*params, limit])]
        if limit <= 0:
            return []
        # Matches come newest second first (skey order); only within one second is the
        # order not (time, id). So read until ``limit`` rows and the rest of the last
        # row's second, then sort exactly.
        top = None if after is None else (_second(after[0]) + 1) << _SKEY_SHIFT
        rows: list[tuple[Any, ...]] = []
        with self._lock:
            try:
                for lo, hi in self._spans(search, top, 4 * limit, unread_only):
                    where, params = _filters(query, unread_only, search=search, span=(lo, hi))
                    if after is not None:
                        where.append("(time < ? OR (time = ? AND id < ?))")
                        params += [after[0], after[0], after[1]]
                    bound, bound_params = _span_clauses("s.rowid", lo, hi)
                    sql = (
                        f"SELECT {_ITEM_COLUMNS}, items.skey FROM {source} "
                        f"WHERE {' AND '.join([*match, *bound, *where])} ORDER BY s.rowid DESC"
                    )
                    cur = self._db.execute(sql, [*match_params, *bound_params, *params])
                    try:
                        for row in cur:
                            if len(rows) >= limit and row[-1] >> _SKEY_SHIFT != rows[-1][-1] >> _SKEY_SHIFT:
                                break
                            rows.append(row)
                        else:
                            continue  # this span ran out: the next, older one
                    finally:
                        cur.close()
                    break
            except sqlite3.Error as exc:
                raise _friendly(exc) from exc
        rows.sort(key=lambda r: (r[6], r[0]), reverse=True)
        return [_from_row(r) for r in rows[:limit]]

    def position(self, item_id: str, query: str = "", unread_only: bool = False) -> int | None:
        """Row index of an item in :meth:`page` order, or None if it is not listed."""
        item = self.get_item(item_id)
        if item is None:
            return None
        ts = item.time.timestamp()
        search = self._parse(query, unread_only)
        # Only rows from the item's second on count: so only their short-word matches.
        where, params = _filters(query, unread_only, search=search, span=(_second(ts) << _SKEY_SHIFT, None))
        where.append("(time > ? OR (time = ? AND id > ?))")
        params += [ts, ts, item_id]
        source, match, match_params = _source(search, unread_only)
        if match:
            # Only matches from the item's second on: the newer ones come first.
            where = [*match, "s.rowid >= ?", *where]
            params = [*match_params, _second(ts) << _SKEY_SHIFT, *params]
        return int(self._read(f"SELECT count(*) FROM {source} WHERE {' AND '.join(where)}", params)[0][0])

    def count(self, query: str = "", unread_only: bool = False, cap: int | None = None) -> int:
        """How many rows the view lists; with ``cap``, counting stops there: a common word
        costs as little as a rare one."""
        return self._count(query, unread_only, cap, None)[0]

    def tally(
        self, query: str = "", unread_only: bool = False, cap: int = 1000, budget: float | None = None
    ) -> Tally:
        """The count the list shows while searching: at most ``cap`` rows, and whether
        there are more ("1,000+"). Counting also stops after ``budget`` seconds of CPU
        (``COUNT_BUDGET_S``) with the rows counted so far (often 0: a statement counts
        all or nothing), and says there are more: in the Unread view a word's few unread
        rows can lie among tens of thousands of read ones, and walking every match of a
        three-word query took 20-36 ms at 100k items, ~3x that on a slow laptop (issue 10)."""
        found, cut = self._count(query, unread_only, cap + 1, COUNT_BUDGET_S if budget is None else budget)
        return Tally(min(found, cap), cut or found > cap)

    def _count(
        self, query: str, unread_only: bool, cap: int | None, budget: float | None
    ) -> tuple[int, bool]:
        """(rows, whether ``budget`` (CPU seconds of this thread, see ``_Watchdog``) ran
        out first: then ``rows`` holds the spans counted before, a lower bound)."""
        search = self._parse(query, unread_only)
        source, match, match_params = _source(search, unread_only)
        total = 0
        with self._lock, _Watchdog(self._db, budget) as watchdog:
            try:
                for lo, hi in (
                    self._spans(search, None, cap, unread_only) if cap is not None else [(None, None)]
                ):
                    if watchdog.spent():
                        return total, True
                    where, params = _filters(query, unread_only, search=search, span=(lo, hi))
                    bound, bound_params = _span_clauses("s.rowid", lo, hi) if match else ([], [])
                    inner = f"SELECT 1 FROM {source} WHERE {' AND '.join([*match, *bound, *where])}"
                    params = [*match_params, *bound_params, *params]
                    if cap is not None:
                        inner += " LIMIT ?"
                        params.append(cap - total)
                    cur = self._db.execute(f"SELECT count(*) FROM ({inner})", params)
                    try:
                        total += int(cur.fetchone()[0])
                    finally:
                        cur.close()  # done: an interruption now has no statement to stop
                    if cap is not None and total >= cap:
                        break
            except sqlite3.Error as exc:
                if not watchdog.fired:
                    raise _friendly(exc) from exc
                return total, True
        return total, False

    def _spans(
        self, search: _Search, top: int | None, first: int, unread_only: bool
    ) -> Iterator[tuple[int | None, int | None]]:
        """Rowid spans [lo, hi) a search reads one after the other, newest first (None:
        open); ``top`` bounds the first. Call with the lock held.

        Two common words of which the short one is checked in ``items_words`` ("re
        budget"): collecting every match of "re" took ~7 of the page's ~10 ms at 100k
        items. So the newest ``first`` matches of the longer words are read with the short
        word's matches of their span only, then the next ``4 * first``, then the rest:
        a page of a common pair stops in the first span (~3 ms). Not in the Unread view:
        there few rows of a span are listed, the page reads past both spans and they only
        add work (measured +2 ms per page, +3 ms per capped count).
        """
        index = search.index()
        if (
            unread_only
            or index is None
            or index[0] != "items_search"
            or search.words is None
            or search.check_rows
        ):
            yield None, top
            return
        hi = top
        for offset in (first, 4 * first):
            row = self._db.execute(
                "SELECT rowid FROM items_search WHERE items_search MATCH ?"
                + ("" if hi is None else " AND rowid < ?")
                + " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                [index[2], *([] if hi is None else [hi]), offset],
            ).fetchone()
            if row is None:
                break
            yield row[0], hi
            hi = row[0]
        yield None, hi

    def unread_count(self, source: str | None = None) -> int:
        if source is None:
            return int(self._read("SELECT count(*) FROM items WHERE unread = 1 AND listed = 1")[0][0])
        return int(
            self._read(
                "SELECT count(*) FROM items WHERE unread = 1 AND listed = 1 AND source = ?", (source,)
            )[0][0]
        )

    def ids_with_prefix(self, id_prefix: str) -> list[str]:
        like = _escape_like(id_prefix) + "%"
        return [r[0] for r in self._read("SELECT id FROM items WHERE id LIKE ? ESCAPE '\\'", (like,))]

    def unread_in_thread(self, thread_key: str) -> list[str]:
        return [
            r[0]
            for r in self._read("SELECT id FROM items WHERE thread_key = ? AND unread = 1", (thread_key,))
        ]

    # -- many items at once: "Mark all read" ----------------------------------------

    def mark_view_read(
        self,
        query: str = "",
        unread_only: bool = False,
        source: str = "",
        outbox: Callable[[ViewRow], tuple[str, str, dict[str, Any]] | None] | None = None,
        batch: str = "",
    ) -> list[str]:
        """Mark every unread item the view lists read (with the rest of their chat
        conversations), in one transaction; return the ids that changed.

        ``outbox(row)`` gives the (source, action, payload) to queue for a listed row, or
        None. Those entries are stored ``held`` under ``batch``: undoable until
        :meth:`release_batch`, delivered after it.
        """
        where, params = _filters(query, unread_only, indexed=self.search_ready, symbols=self.symbols_ready)
        where.append("unread = 1")
        if source:
            where.append("source = ?")
            params.append(source)
        now = time.time()
        with self._tx() as db:
            rows = [
                ViewRow(*r)
                for r in db.execute(
                    # Newest first: the rows at the top of the list are told first.
                    f"SELECT id, source, kind, thread_key FROM items WHERE {' AND '.join(where)} "
                    "ORDER BY time DESC, id DESC",
                    params,
                )
            ]
            # The same filter again, as one statement: cheaper than 10,000 ids bound in chunks.
            db.execute(f"UPDATE items SET unread = 0 WHERE {' AND '.join(where)}", params)
            ids = [r.id for r in rows]
            threads = sorted({r.thread_key for r in rows if r.kind == Kind.CHAT and r.thread_key})
            for start in range(0, len(threads), _CHUNK):
                chunk = threads[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                ids += [
                    r[0]
                    for r in db.execute(
                        f"UPDATE items SET unread = 0 WHERE unread = 1 AND thread_key IN ({marks}) RETURNING id",
                        chunk,
                    )
                ]
            # Entry ids: the batch's random id and a counter (uuid4 per row costs more than
            # the whole SQL part); unique all the same, as the protocol's client ids must be.
            prefix = batch or uuid.uuid4().hex
            values = []
            for n, row in enumerate(rows if outbox is not None else ()):
                entry = outbox(row) if outbox is not None else None
                if entry is not None:
                    values.append(
                        (f"{prefix}-{n}", entry[0], entry[1], row.id, json.dumps(entry[2]), now, batch)
                    )
            db.executemany(
                "INSERT INTO outbox (id, source, action, item_id, payload, created, status, batch) "
                "VALUES (?, ?, ?, ?, ?, ?, 'held', ?)",
                values,
            )
        return ids

    def set_unread(self, item_ids: Sequence[str], unread: bool = True) -> list[str]:
        """Set the unread flag of many items in one transaction (undo); the ids that changed."""
        changed: list[str] = []
        with self._tx() as db:
            for start in range(0, len(item_ids), _CHUNK):
                chunk = list(item_ids[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                changed += [
                    r[0]
                    for r in db.execute(
                        f"UPDATE items SET unread = ? WHERE id IN ({marks}) AND unread != ? RETURNING id",
                        [int(unread), *chunk, int(unread)],
                    )
                ]
        return changed

    def undo_batch(self, batch: str, item_ids: Sequence[str]) -> list[str]:
        """Forget the batch's held entries and make its items unread again, at once."""
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE batch = ? AND status = 'held'", (batch,))
        return self.set_unread(item_ids, True)

    def release_batch(self, batch: str = "") -> list[str]:
        """Let held entries be delivered: one batch, or every batch (at start, after a
        crash inside an undo window: the user did not undo). The sources with work."""
        with self._tx() as db:
            clause, params = ("batch = ? AND ", [batch]) if batch else ("", [])
            # Queued now, so they follow anything the user did during the undo window.
            return sorted(
                {
                    r[0]
                    for r in db.execute(
                        f"UPDATE outbox SET status = 'pending', created = ? WHERE {clause}status = 'held' "
                        "RETURNING source",
                        [time.time(), *params],
                    )
                }
            )

    def drop_held(self, item_id: str) -> None:
        """The user changed this item again: its held entry must not overrule that."""
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE item_id = ? AND status = 'held'", (item_id,))

    # -- snoozes ---------------------------------------------------------------------

    def snooze(self, item_ids: Sequence[str], until: float) -> list[str]:
        """Take listed items out of the list until ``until`` (epoch seconds); the ids."""
        taken: list[str] = []
        with self._tx() as db:
            for item_id in item_ids:
                if db.execute("UPDATE items SET listed = 0 WHERE id = ? AND listed = 1", (item_id,)).rowcount:
                    taken.append(item_id)
                    db.execute(
                        "INSERT INTO snoozes (item_id, until) VALUES (?, ?) "
                        "ON CONFLICT (item_id) DO UPDATE SET until = excluded.until",
                        (item_id, until),
                    )
        return taken

    def next_snooze(self) -> float | None:
        """When the earliest snooze ends, or None."""
        value = self._read("SELECT min(until) FROM snoozes")[0][0]
        return None if value is None else float(value)

    def snoozed(self) -> list[tuple[str, float]]:
        return [(r[0], float(r[1])) for r in self._read("SELECT item_id, until FROM snoozes ORDER BY until")]

    def end_snoozes(self, now: float) -> list[Item]:
        """Bring back every item whose snooze ended by ``now``: listed again and unread."""
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT item_id FROM snoozes WHERE until <= ?", (now,))]
            for item_id in ids:
                db.execute("DELETE FROM snoozes WHERE item_id = ?", (item_id,))
                db.execute("UPDATE items SET listed = 1, unread = 1 WHERE id = ?", (item_id,))
        return self.get_items(ids)

    def thread(self, thread_key: str, limit: int = 50) -> list[Item]:
        """The newest ``limit`` items of a conversation, oldest first."""
        rows = self._read(
            f"SELECT {_COLUMNS} FROM items WHERE thread_key = ? ORDER BY time DESC, id DESC LIMIT ?",
            (thread_key, limit),
        )
        return [_from_row(r) for r in reversed(rows)]

    def listed_ids(self, item_ids: Sequence[str]) -> set[str]:
        """Which of these items the list shows (not snoozed, not waiting to be moved)."""
        out: set[str] = set()
        for start in range(0, len(item_ids), _CHUNK):
            chunk = list(item_ids[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            out.update(
                r[0] for r in self._read(f"SELECT id FROM items WHERE listed = 1 AND id IN ({marks})", chunk)
            )
        return out

    # -- moves (archive, delete, move to a folder) ---------------------------------------

    def queue_moves(self, entries: Sequence[tuple[str, str, dict[str, Any]]]) -> list[str]:
        """(item id, source, payload) per item: each listed item leaves the list and its
        "move" entry is queued, in one transaction. The ids that left the list."""
        taken: list[str] = []
        now = time.time()
        with self._tx() as db:
            for item_id, source, payload in entries:
                hidden = db.execute(
                    "UPDATE items SET listed = 0, payload = json_patch(payload, ?) WHERE id = ? AND listed = 1",
                    (json.dumps({"pending_move": payload.get("to"), "last_error": None}), item_id),
                ).rowcount
                if not hidden:
                    continue
                db.execute("DELETE FROM snoozes WHERE item_id = ?", (item_id,))
                db.execute(
                    "INSERT INTO outbox (id, source, action, item_id, payload, created) VALUES (?, ?, 'move', ?, ?, ?)",
                    (uuid.uuid4().hex, source, item_id, json.dumps(payload), now),
                )
                taken.append(item_id)
        return taken

    # -- drafts and outgoing mail ------------------------------------------------------------

    def save_draft(self, key: str, account: str, item_id: str, data: dict[str, Any]) -> None:
        """Keep what the compose window holds (called while typing, debounced)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO drafts (key, account, item_id, data, updated) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                (key, account, item_id, json.dumps(data, ensure_ascii=False), time.time()),
            )

    def draft(self, key: str) -> tuple[dict[str, Any], float] | None:
        """A saved draft's data and when it was saved (epoch seconds), or None."""
        rows = self._read("SELECT data, updated FROM drafts WHERE key = ?", (key,))
        return (json.loads(rows[0][0]), float(rows[0][1])) if rows else None

    def drafts(self) -> list[tuple[str, dict[str, Any], float]]:
        """Every saved draft, newest first: (key, data, saved at)."""
        return [
            (r[0], json.loads(r[1]), float(r[2]))
            for r in self._read("SELECT key, data, updated FROM drafts ORDER BY updated DESC")
        ]

    def delete_draft(self, key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM drafts WHERE key = ?", (key,))

    def queue_send(self, entry_id: str, item: Item, payload: dict[str, Any], draft_key: str = "") -> bool:
        """An outgoing mail: its outbox entry ("send", the rendered bytes in ``payload``), the
        item that shows it in the list, and the removal of its draft, in one transaction, so a
        crash leaves either the draft or the queued mail, never both and never neither.
        False if this entry was queued already."""
        with self._tx() as db:
            added = db.execute(
                "INSERT OR IGNORE INTO outbox (id, source, action, item_id, payload, created) "
                "VALUES (?, ?, 'send', ?, ?, ?)",
                (entry_id, item.source, item.id, json.dumps(payload), time.time()),
            ).rowcount
            if not added:
                return False
            db.execute(
                f"INSERT OR IGNORE INTO items ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _to_row(item)
            )
            if draft_key:
                db.execute("DELETE FROM drafts WHERE key = ?", (draft_key,))
        return True

    def outbox_phase(self, entry_id: str, phase: str, message: str = "") -> Item | None:
        """Record a sending phase (``smtp.delivery.Phase``) durably; the entry is settled at
        "sent" (done) or "failed". Its item shows sending / sent / failed and the reason.
        Returns the item if it changed."""
        status = {"sent": "done", "failed": "failed"}.get(phase, "pending")
        state = {"sent": "sent", "accepted": "sent", "failed": "failed"}.get(phase, "sending")
        with self._tx() as db:
            row = db.execute(
                "UPDATE outbox SET payload = json_set(payload, '$.phase', ?), status = ?, last_error = ? "
                "WHERE id = ? RETURNING item_id",
                (phase, status, message, entry_id),
            ).fetchone()
            if row is None or not row[0]:
                return None
            changed = db.execute(
                "UPDATE items SET state = ?1, payload = json_patch(payload, ?2) WHERE id = ?3 "
                "AND (state IS NOT ?1 OR json_extract(payload, '$.last_error') IS NOT ?4)",
                (state, json.dumps({"last_error": message or None}), row[0], message or None),
            ).rowcount
        return self.get_item(row[0]) if changed else None

    # -- sync state -------------------------------------------------------------

    def sync_state(self, source: str) -> dict[str, str]:
        return dict(self._read("SELECT key, value FROM sync_state WHERE source = ?", (source,)))

    def set_sync_state(self, source: str, values: dict[str, str]) -> None:
        with self._tx() as db:
            self._put_state(db, source, values)

    def clear_source(self, source: str) -> None:
        """Forget everything of a source (an account was removed)."""
        with self._tx() as db:
            db.execute("DELETE FROM items WHERE source = ?", (source,))
            db.execute("DELETE FROM sync_state WHERE source = ?", (source,))
            db.execute("DELETE FROM outbox WHERE source = ?", (source,))
            db.execute("DELETE FROM drafts WHERE 'mail:' || account = ?", (source,))

    @staticmethod
    def _put_state(db: sqlite3.Connection, source: str, values: dict[str, str]) -> None:
        db.executemany(
            "INSERT INTO sync_state (source, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (source, key) DO UPDATE SET value = excluded.value",
            [(source, k, str(v)) for k, v in values.items()],
        )

    # -- outbox -------------------------------------------------------------------

    def enqueue(
        self, source: str, action: str, payload: dict[str, Any], item_id: str = "", entry_id: str = ""
    ) -> str:
        """Persist a user action before anything is sent; returns its client id."""
        entry_id = entry_id or uuid.uuid4().hex
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO outbox (id, source, action, item_id, payload, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (entry_id, source, action, item_id, json.dumps(payload), time.time()),
            )
        return entry_id

    def pending(self, source: str) -> list[OutboxEntry]:
        rows = self._read(
            "SELECT id, source, action, item_id, payload, created, attempts, status, last_error "
            "FROM outbox WHERE source = ? AND status = 'pending' ORDER BY created, rowid",
            (source,),
        )
        return [_outbox(r) for r in rows]

    def outbox_entry(self, entry_id: str) -> OutboxEntry | None:
        rows = self._read(
            "SELECT id, source, action, item_id, payload, created, attempts, status, last_error "
            "FROM outbox WHERE id = ?",
            (entry_id,),
        )
        return _outbox(rows[0]) if rows else None

    def outbox_attempted(self, entry_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (entry_id,))

    def outbox_done(self, entry_id: str, status: str = "done", error: str = "") -> None:
        """Settle an entry: 'done' once acknowledged, 'failed' when the server refused it."""
        with self._tx() as db:
            db.execute("UPDATE outbox SET status = ?, last_error = ? WHERE id = ?", (status, error, entry_id))


_SKEY_SHIFT = 20  # items.skey = second << 20 | a counter (migration 4)
_FEW = 1000  # an items_search match with fewer rows has its rows checked for short words
# The key of a stored item (?1 = its rowid, ?2 = its time), as migration 5's insert
# trigger gives new ones: the first free counter of its second, NULL if 2^20 are taken.
_ASSIGN_KEY = """
UPDATE items SET skey = (
    SELECT CASE WHEN m IS NULL THEN lo WHEN m < lo + 1048575 THEN m + 1 END
    FROM (SELECT lo, (SELECT max(skey) FROM items WHERE skey BETWEEN lo AND lo + 1048575) AS m
          FROM (SELECT max(0, min(CAST(?2 AS INTEGER), 4398046511103)) * 1048576 AS lo))
) WHERE rowid = ?1
"""
_MAX_SECOND = (1 << 42) - 1


def _second(ts: float) -> int:
    """The second of a timestamp as items.skey counts it (clamped like migration 4)."""
    return max(0, min(int(ts), _MAX_SECOND))


@dataclasses.dataclass(frozen=True, slots=True)
class _Search:
    """A query split by how each word is found: ``match`` is one items_search expression
    for the words of 3+ characters and the CJK ones (None if there is none), ``words`` one
    items_words expression for one- and two-character words of other scripts (word
    prefixes), ``like`` the rest (substrings, found by scanning the rows)."""

    match: str | None
    words: str | None
    like: tuple[str, ...]
    prefixes: tuple[str, ...] = ()  # the tokens of ``words``
    # ``match`` finds few rows (or, in the Unread view, both are common): its rows are
    # checked for ``words`` one by one, instead of collecting every match of a common
    # short word first ("re zephyrine": 26 -> <1 ms).
    check_rows: bool = False
    # Else, when ``words`` finds few rows, they are read first and the longer words'
    # matches collected once ("q3 budget": 15 -> ~8 ms), not every "budget" row read.
    words_first: bool = False

    @classmethod
    def parse(cls, query: str, indexed: bool = True, symbols: bool = True) -> _Search:
        """``indexed``: False while the background fill runs; every word is then a
        substring scan, as before the index, so nothing is missed meanwhile. ``symbols``:
        False while migration 7's fill runs; only words like "c#" are scanned then."""
        if not indexed:
            return cls(None, None, tuple(dict.fromkeys(query.split())))
        terms: list[str] = []
        prefixes: list[str] = []
        like: list[str] = []
        for word in dict.fromkeys(query.split()):
            pair = cjk.search_term(word) or (cjk.symbol_term(word) if symbols else None)
            prefix = cjk.prefix_term(word)
            if pair is not None:
                terms.append('pairs : "' + pair + '"')
            elif len(word) >= 3:
                phrase = '"' + word.replace('"', '""') + '"'
                # Every trigram of the "pairs" column holds a "|" or a space, so a word
                # without "|" cannot match there: no column filter, which costs FTS5 a
                # position check per match (a three-word walk: 26 -> 21 ms CPU at 100k).
                terms.append(phrase if "|" not in word else "{sender title preview} : " + phrase)
            elif prefix is not None:
                prefixes.append(prefix)  # letters and digits only: no quote to escape
            else:
                like.append(word)  # one or two characters with a symbol, such as "#" or "c."
        return cls(
            " AND ".join(terms) or None,
            " AND ".join('"' + p + '"' for p in prefixes) or None,
            tuple(like),
            tuple(prefixes),
        )

    def index(self) -> tuple[str, str, str] | None:
        """(table, alias, expression) of the index a search reads first, newest first."""
        if self.match is not None and not self.words_first:
            return "items_search", "s", self.match
        if self.words is not None:
            return "items_words", "s", self.words
        return None


class _Watchdog:
    """Interrupts the connection's statement once the calling thread has spent ``budget``
    seconds of CPU (None: never), from a thread that looks every millisecond. CPU time,
    not the wall clock: a count in its worker thread waits for the GIL while the GUI
    thread paints the first page (up to 5 ms a wait), and a wall-clock budget cut such
    counts before they had counted anything. Not a progress handler: its Python callback
    would need the GIL every few thousand steps; a statement runs in SQLite without it."""

    def __init__(self, db: sqlite3.Connection, budget: float | None) -> None:
        self._db = db
        self._budget = budget
        self._guard = threading.Lock()
        self._done = threading.Event()
        self._armed = budget is not None
        self.fired = False
        self._clock = _thread_clock()
        self._start = time.clock_gettime(self._clock) if self._clock is not None else time.perf_counter()

    def spent(self) -> bool:
        """Whether the budget is used up."""
        if self._budget is None:
            return False
        now = time.clock_gettime(self._clock) if self._clock is not None else time.perf_counter()
        return now - self._start >= self._budget

    def _watch(self) -> None:
        while not self._done.wait(_WATCH_S):
            try:
                spent = self.spent()
            except OSError:  # the counting thread has ended (its clock with it): so has the count
                return
            if spent:
                with self._guard:
                    if self._armed:  # not after __exit__: a later statement is not this count's
                        self.fired = True
                        self._db.interrupt()
                return

    def __enter__(self) -> _Watchdog:
        if self._budget is not None:
            threading.Thread(target=self._watch, name="tidings-count-watchdog", daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        with self._guard:
            self._armed = False
        self._done.set()


_WATCH_S = 0.001  # how often _Watchdog looks at the counting thread's CPU time


def _thread_clock() -> int | None:
    """The CPU-time clock of the calling thread; None where there is none (macOS): then
    the watchdog keeps to the wall clock."""
    try:
        return time.pthread_getcpuclockid(threading.get_ident())
    except (AttributeError, OSError):
        return None


def _source(search: _Search, unread_only: bool = False) -> tuple[str, list[str], list[Any]]:
    """FROM for a query, with its MATCH clause and parameter: matches newest first from
    an index (rowid s.rowid), else the items by time.

    In the Unread view each match is looked up among the unread keys (migration 6): most
    matches are read items, and their rows are never read (the planner, left alone,
    takes the unique key index and reads every match's row)."""
    index = search.index()
    if index is None:
        return "items", [], []
    table, alias, expression = index
    items = "items INDEXED BY items_unread_by_skey" if unread_only else "items"
    return (
        f"{table} AS {alias} CROSS JOIN {items} ON items.skey = {alias}.rowid",
        [f"{table} MATCH ?"],
        [expression],
    )


def _filters(
    query: str,
    unread_only: bool,
    search: _Search | None = None,
    indexed: bool = True,
    span: tuple[int | None, int | None] = (None, None),
    symbols: bool = True,
) -> tuple[list[str], list[Any]]:
    """WHERE clauses shared by page(), position() and count(), so they always agree.

    Given the parsed ``search``, the index it reads first (``_source``) is left to the
    caller; without it, the clauses stand alone (an UPDATE can use them). ``span``
    [lo, hi) bounds the rowids the items_words lookup collects (see ``Store._spans``).
    """
    # Qualified: items_search has sender, title and preview columns too.
    where: list[str] = ["items.listed = 1"]
    params: list[Any] = []
    if unread_only:
        where.append("items.unread = 1")
    parsed = search or _Search.parse(query, indexed, symbols)
    first = None if search is None else parsed.index()
    if parsed.match is not None and (first is None or first[0] != "items_search"):
        where.append("items.skey IN (SELECT rowid FROM items_search WHERE items_search MATCH ?)")
        params.append(parsed.match)
    if parsed.words is not None and parsed.check_rows and first is not None:
        where.append("has_word_prefixes(items.sender || ' ' || items.title || ' ' || items.preview, ?)")
        params.append(" ".join(parsed.prefixes))
    elif parsed.words is not None and (first is None or first[0] != "items_words"):
        bound, bound_params = _span_clauses("rowid", *span)
        where.append(
            f"items.skey IN (SELECT rowid FROM items_words WHERE {' AND '.join(['items_words MATCH ?', *bound])})"
        )
        params += [parsed.words, *bound_params]
    for w in parsed.like:
        like = "%" + _escape_like(w) + "%"
        where.append(
            "(items.sender LIKE ? ESCAPE '\\' OR items.title LIKE ? ESCAPE '\\' OR items.preview LIKE ? ESCAPE '\\')"
        )
        params += [like, like, like]
    return where, params


def _span_clauses(column: str, lo: int | None, hi: int | None) -> tuple[list[str], list[Any]]:
    """``column`` in [lo, hi), either end open when None."""
    clauses = ([] if lo is None else [f"{column} >= ?"]) + ([] if hi is None else [f"{column} < ?"])
    return clauses, [v for v in (lo, hi) if v is not None]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _to_row(item: Item) -> tuple[Any, ...]:
    return (
        item.id,
        item.source,
        str(item.kind),
        item.sender,
        item.title,
        item.preview,
        item.time.timestamp(),
        int(item.unread),
        item.state,
        json.dumps([str(a) for a in item.actions]),
        item.thread_key,
        int(item.urgency),
        json.dumps(item.payload, ensure_ascii=False, default=str),
    )


def _from_row(row: tuple[Any, ...]) -> Item:
    actions: list[Action] = []
    for a in json.loads(row[9]):
        with contextlib.suppress(ValueError):
            actions.append(Action(a))
    return Item(
        id=row[0],
        source=row[1],
        kind=Kind(row[2]),
        sender=row[3],
        title=row[4],
        preview=row[5],
        time=from_timestamp(row[6]),
        unread=bool(row[7]),
        state=row[8],
        actions=tuple(actions),
        thread_key=row[10],
        urgency=Urgency(row[11]),
        payload=json.loads(row[12]),
    )


def _outbox(row: tuple[Any, ...]) -> OutboxEntry:
    return OutboxEntry(
        id=row[0],
        source=row[1],
        action=row[2],
        item_id=row[3],
        payload=json.loads(row[4]),
        created=row[5],
        attempts=row[6],
        status=row[7],
        last_error=row[8],
    )
