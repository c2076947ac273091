"""Inbox window open and search with 100,000 stored items (in-process, QT_QPA_PLATFORM=offscreen).

    .venv/bin/python benchmarks/bench_window.py                # 100k items, 5 repeats
    .venv/bin/python benchmarks/bench_window.py --items 20000 --repeats 3
    .venv/bin/python benchmarks/bench_window.py --upgrade      # also: first start after an upgrade
    .venv/bin/python benchmarks/bench_window.py --db /tmp/b.sqlite3 --store-only  # SQL only, file kept

Builds a store file (Store.add_items of --items synthetic items in one call: ~79% mail,
15% chat in 300 conversations (one listed row each), some approvals, tasks,
announcements; English titles/previews, ~25% Chinese, ~5% Japanese), then:

- store only: for each query, All and Unread views: Store.page(limit=200), Store.tally
  (the count the list asks for after its first page: at most 1,000 rows or 10 ms of CPU, shown
  as "1,000+" / "N+") and the exact Store.count(query), median and worst of --repeats,
  to separate SQL from Qt; then the worst page and count of every shape;
- window open: InboxWindow(runtime, bridge) over a Runtime on that store (no sources
  started) - the constructor loads the first page (200 rows) - then show() +
  QApplication.processEvents() (layout, first paint of the list into the offscreen
  backing store). In the tray app the window is built at start-up and "open" is
  show() of the built window: both halves are printed, and their sum. A second
  hide()/show() is printed as the warm re-open;
- search: what the 150 ms debounce timer runs (InboxWindow._apply_filter: model reset +
  first page fetched + the empty-state / unread-count update) + processEvents (repaint),
  for each query, median of --repeats; the search box is cleared between repeats.

Queries, one per shape the store tells apart: a common and a rare English word (trigram
columns of items_search), common and rare 2-char CJK words and a 1-char CJK word (its
"pairs" column), a 3+ char CJK word, two and three words (one MATCH expression), and
1-2 char Latin words, rare and common, alone and beside a longer word (word prefixes:
items_words). The file's size is printed, and with --upgrade the first start of a
schema-3 inbox (from before the time-ordered index): Store() (the migrations), a search
while the background fill runs, and how long the fill takes.
Targets (issue 10): open < 300 ms; search and count < 50 ms on a slow 2-core laptop,
which ran ~3x slower than the machine these figures were taken on: <= ~16 ms here, the
worst of the repeats, for every query shape's page and count, All and Unread views.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from benchmarks._common import RARE_WORDS, ZH_RARE, fill_store, header, machine_line, verdict  # noqa: E402

TARGET_OPEN_MS = 300.0
TARGET_SEARCH_MS = 50.0
TARGET_STORE_MS = 16.0  # the 50 ms of a ~3x slower laptop, on this machine
QUERIES = [
    ("common word", "meeting"),
    ("rare word", RARE_WORDS[0]),
    ("CJK 2-char, common", "周报"),
    ("CJK 2-char, rare", ZH_RARE[0]),
    ("CJK 3+ chars", "报销单"),
    ("two words", "budget 审批"),
    ("CJK 1-char", "会"),
    ("three words", "meeting budget release"),
    ("Latin 2-char, rare", "q3"),
    ("Latin 2-char, common", "re"),
    ("Latin 1-char", "m"),
    ("Latin 2-char + word", "q3 budget"),
    ("common 2-char + word", "re budget"),
    ("common 2-char + rare", "re " + RARE_WORDS[0]),
    ("short word + symbol", "c#"),
]
COUNT_CAP = 1000


def ms(seconds: float) -> float:
    return seconds * 1000


def timed(fn, repeats: int, clock=time.perf_counter) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeats):
        t0 = clock()
        fn()
        out.append(ms(clock() - t0))
    return out


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):8.2f}  min {min(values):8.2f}  max {max(values):8.2f}"


def med_worst(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} /{max(values):6.2f}"


def store_figures(store, repeats: int, cpu: bool) -> tuple[dict[str, list[float]], list[tuple[float, str]]]:  # type: ignore[no-untyped-def]
    """Page and count of each query, All and Unread views: median / worst in ms. Returns
    the All view's page times (for the window section) and (worst ms, what) per figure."""
    clock = time.thread_time if cpu else time.perf_counter
    print()
    what = "CPU time of this thread (--cpu)" if cpu else "wall clock"
    print(f"Store only (SQL + Item construction), ms of {what}, median / worst of {repeats} repeats")
    print(f"  {'page(limit=200), no query':42s} {fmt(timed(lambda: store.page(limit=200), repeats, clock))}")
    print(f"  {'unread_count()':42s} {fmt(timed(store.unread_count, repeats, clock))}")
    print(f"  tally = Store.tally(q, cap={COUNT_CAP}): what the list shows after its first page "
          f"(stops at {COUNT_CAP} rows or its time budget: 'N+')")  # fmt: skip
    print(f"  {'query':42s} {'rows All (Unread)':>18s}  {'page All':>13s}  {'page Unread':>13s}  "
          f"{'tally All':>20s}  {'tally Unread':>20s}  {'exact count() All / Unread':>27s}")  # fmt: skip
    store_page: dict[str, list[float]] = {}
    worst: list[tuple[float, str]] = []
    for label, q in QUERIES:
        total, total_unread = store.count(q), store.count(q, True)
        store_page[q] = timed(lambda q=q: store.page(limit=200, query=q), repeats, clock)
        unread = timed(lambda q=q: store.page(limit=200, query=q, unread_only=True), repeats, clock)
        figures = []
        tallies = []
        for unread_only in (False, True):
            tallies.append(store.tally(q, unread_only, cap=COUNT_CAP))
            figures.append(timed(lambda q=q, u=unread_only: store.tally(q, u, cap=COUNT_CAP), repeats, clock))
        exact = [timed(lambda q=q, u=u: store.count(q, u), repeats, clock) for u in (False, True)]
        shown = [f"{t.rows:,}{'+' if t.more else ''}" for t in tallies]
        print(f"  {f'{q!r} ({label})':42s} {f'{total:,} ({total_unread:,})':>18s}  {med_worst(store_page[q])}  "
              f"{med_worst(unread)}  {med_worst(figures[0])} {shown[0]:>6s}  {med_worst(figures[1])} "
              f"{shown[1]:>6s}  {med_worst(exact[0])} {med_worst(exact[1])}")  # fmt: skip
        worst += [
            (max(store_page[q]), f"page {q!r}"),
            (max(unread), f"page {q!r} Unread"),
            (max(figures[0]), f"tally {q!r}"),
            (max(figures[1]), f"tally {q!r} Unread"),
        ]
    return store_page, worst


def upgrade(path: Path, count: int) -> None:
    """An inbox of schema 3 (search by items_fts and items_bigrams), then its first start."""
    import sqlite3

    from benchmarks._common import synthetic_items
    from desktop.store import Store, cjk
    from desktop.store.migrations import MIGRATIONS

    db = sqlite3.connect(path, isolation_level=None)
    db.create_function("cjk_bigrams", 1, cjk.bigrams, deterministic=True)
    for number, script in enumerate(MIGRATIONS[:3], start=1):
        db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO items (id, source, kind, sender, title, preview, time, unread) VALUES (?,?,?,?,?,?,?,?)",
        [
            (i.id, i.source, str(i.kind), i.sender, i.title, i.preview, i.time.timestamp(), int(i.unread))
            for i in synthetic_items(count, seed=1)
        ],
    )
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print()
    print(
        f"Upgrade: first start of a schema-3 inbox with {count:,} items ({path.stat().st_size / 1e6:.0f} MB)"
    )
    t0 = time.perf_counter()
    store = Store(path)
    opened = time.perf_counter()
    print(f"  Store() (migrations 4 and 5; start-up waits for this) {ms(opened - t0):9.1f} ms")
    during = timed(lambda: store.page(limit=200, query="meeting"), 3)
    print(f"  page(query='meeting') during the fill (row scan)      {statistics.median(during):9.1f} ms")
    while not store.search_ready:
        time.sleep(0.05)
    print(f"  background fill until search_ready                    {time.perf_counter() - opened:9.1f} s")
    after = timed(lambda: store.page(limit=200, query="meeting"), 3)
    print(f"  page(query='meeting') after the fill                  {statistics.median(after):9.1f} ms")
    store.close()
    print(f"  file size after the fill: {path.stat().st_size / 1e6:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--db", type=Path, help="reuse this store file (created if missing)")
    parser.add_argument("--upgrade", action="store_true", help="also time the first start after an upgrade")
    parser.add_argument("--store-only", action="store_true", help="only the store's figures: no window")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="store figures in CPU time, for a machine others load (not the budget)",
    )
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from desktop.app.facade import AppFacade
    from desktop.app.runtime import Runtime
    from desktop.config.settings import Settings
    from desktop.store import Store
    from desktop.ui.bridge import Bridge
    from desktop.ui.window import InboxWindow

    tmp = Path(tempfile.mkdtemp(prefix="tidings-bench-window-"))
    try:
        db = args.db or tmp / "inbox.sqlite3"
        header(
            f"Inbox window with {args.items:,} stored items (QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']})"
        )
        print(f"machine: {machine_line()}")
        if not db.exists():
            took = fill_store(db, args.items)
            print(f"store built: Store.add_items of {args.items:,} items in one call: {took:.1f} s "
                  f"({db.stat().st_size / 1e6:.0f} MB file)")  # fmt: skip
        print(f"file size: {db.stat().st_size / 1e6:.0f} MB")
        if args.upgrade:
            upgrade(tmp / "old.sqlite3", args.items)
        store = Store(db)
        listed = store.count()
        print(
            f"listed rows: {listed:,} (chat collapsed to one row per conversation); unread: {store.unread_count():,}"
        )

        store_page, worst_store = store_figures(store, args.repeats, args.cpu)
        pages = [w for w in worst_store if w[1].startswith("page")]
        tallies = [w for w in worst_store if w[1].startswith("tally")]
        for kind, figures in (("page", pages), ("tally (the list's count)", tallies)):
            ms_, what = max(figures)
            print(f"  worst {kind}, every query and view: {ms_:.2f} ms ({what}); target <= "
                  f"{TARGET_STORE_MS:.0f} ms here -> {verdict(ms_, TARGET_STORE_MS + 1e-9)}")  # fmt: skip
        if args.store_only:
            store.close()
            return 0

        app = QApplication.instance() or QApplication(sys.argv[:1])
        runtime = Runtime(Settings(), tmp / "data", store=store)

        print()
        print(f"Window open, ms ({args.repeats} fresh windows; the first one pays one-off Qt/font warm-up)")
        builds, shows, reshows = [], [], []
        window = None
        for _ in range(args.repeats):
            if window is not None:
                window.close()
                window.deleteLater()
                app.processEvents()
            t0 = time.perf_counter()
            window = InboxWindow(AppFacade(runtime), Bridge())
            t1 = time.perf_counter()
            window.show()
            app.processEvents()
            t2 = time.perf_counter()
            window.hide()
            app.processEvents()
            t3 = time.perf_counter()
            window.show()
            app.processEvents()
            t4 = time.perf_counter()
            builds.append(ms(t1 - t0))
            shows.append(ms(t2 - t1))
            reshows.append(ms(t4 - t3))
            assert window.model.rowCount() > 0
        opens = [b + s for b, s in zip(builds, shows, strict=True)]
        print(f"  {'construct (incl. first page of 200 rows)':42s} {fmt(builds)}   first {builds[0]:.2f}")
        print(f"  {'show() + processEvents (first paint)':42s} {fmt(shows)}   first {shows[0]:.2f}")
        print(f"  {'cold open = construct + show':42s} {fmt(opens)}   first {opens[0]:.2f}")
        print(f"  {'warm re-open (hide, show + processEvents)':42s} {fmt(reshows)}")
        print(f"  target: open < {TARGET_OPEN_MS:.0f} ms -> cold open median "
              f"{verdict(statistics.median(opens), TARGET_OPEN_MS)}, first cold open {verdict(opens[0], TARGET_OPEN_MS)}")  # fmt: skip

        assert window is not None
        print()
        print(f"Search, ms (InboxWindow._apply_filter + processEvents; median of {args.repeats})")
        worst = 0.0
        for label, q in QUERIES:
            runs = []
            for _ in range(args.repeats):
                window.search.blockSignals(True)
                window.search.setText(q)
                window.search.blockSignals(False)
                t0 = time.perf_counter()
                window._apply_filter()
                app.processEvents()
                runs.append(ms(time.perf_counter() - t0))
                rows = window.model.rowCount()
                window.search.blockSignals(True)
                window.search.setText("")
                window.search.blockSignals(False)
                window._apply_filter()
                app.processEvents()
            med = statistics.median(runs)
            worst = max(worst, med)
            sql = statistics.median(store_page[q])
            print(f"  {label:20s} {q!r:14s} rows {rows:4d}  {fmt(runs)}   (store.page alone {sql:7.2f}, "
                  f"Qt + rest {med - sql:6.2f})  {verdict(med, TARGET_SEARCH_MS)}")  # fmt: skip
        clear = []
        for _ in range(args.repeats):
            window.search.blockSignals(True)
            window.search.setText(QUERIES[0][1])
            window.search.blockSignals(False)
            window._apply_filter()
            app.processEvents()
            window.search.blockSignals(True)
            window.search.setText("")
            window.search.blockSignals(False)
            t0 = time.perf_counter()
            window._apply_filter()
            app.processEvents()
            clear.append(ms(time.perf_counter() - t0))
        print(f"  {'clear the search':20s} {'':14s} rows {window.model.rowCount():4d}  {fmt(clear)}")
        print(f"  target: search < {TARGET_SEARCH_MS:.0f} ms -> slowest query median {worst:.2f} ms: "
              f"{verdict(worst, TARGET_SEARCH_MS)}")  # fmt: skip
        window.close()
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
