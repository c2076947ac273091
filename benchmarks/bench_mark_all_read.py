"""Mark all read over 10,000+ unread items, and Undo (in-process, QT_QPA_PLATFORM=offscreen).

    .venv/bin/python benchmarks/bench_mark_all_read.py                 # 12,000 unread, 5 repeats
    .venv/bin/python benchmarks/bench_mark_all_read.py --items 30000 --repeats 3

Builds a store of --items synthetic items (mostly mail, some chat conversations,
approvals, tasks; see benchmarks/_common.py) and makes them all unread, then:

- store only: Store.mark_view_read (one transaction: select the view's unread rows,
  mark them and their conversations read, queue one held outbox entry per row) and
  Store.undo_batch, to separate SQL from Qt;
- window: InboxWindow.mark_all_read() over a Runtime on that store, on an asyncio loop
  with Qt's events processed every turn: what Shift+C runs (the transaction, then the
  first slice of 200 changed items read back and told to the list model, the detail
  pane and the notifier) plus the repaint: "until the list shows it". The other slices
  follow one loop turn each; "longest stall" is the longest the loop (the list) was
  blocked until every row was told. Printed with Undo (Ctrl+Z), and the release after
  the undo window (outbox entries then pending).

Target (issue 10): mark all read over 10,000 unread <= 300 ms, the list responsive.
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
import asyncio  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from benchmarks._common import fill_store, header, machine_line, verdict  # noqa: E402

TARGET_MS = 300.0


def ms(seconds: float) -> float:
    return seconds * 1000


def all_unread(store) -> int:
    store._db.execute("UPDATE items SET unread = 1")
    store._db.execute("DELETE FROM outbox")
    return store.unread_count()


class Poked:
    """A source that only counts outbox pokes (nothing is sent)."""

    def __init__(self, source_id: str) -> None:
        self.id = self.display_name = source_id
        self.pokes = 0

    def outbox_changed(self) -> None:
        self.pokes += 1

    def reconnect_now(self) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=12_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from desktop.app.facade import AppFacade
    from desktop.app.runtime import Runtime
    from desktop.config.settings import Settings
    from desktop.store import Store
    from desktop.ui.bridge import Bridge
    from desktop.ui.window import InboxWindow

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="tidings-bench-markall-"))
    try:
        header(f"Mark all read: {args.items:,} items, all unread ({machine_line()})")
        took = fill_store(folder / "inbox.sqlite3", args.items)
        print(f"store filled in {took:.1f} s")
        store = Store(folder / "inbox.sqlite3")
        unread = all_unread(store)
        print(f"unread (listed rows): {unread:,}")

        sql, undo_sql = [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            ids = store.mark_view_read(outbox=lambda row: (row.source, "mark_read", {}), batch="bench")
            sql.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.undo_batch("bench", ids)
            undo_sql.append(time.perf_counter() - t0)
        print(f"rows marked per run: {len(ids):,} (listed rows and the rest of their conversations)")
        print(
            f"store only, mark_view_read: median {ms(statistics.median(sql)):.0f} ms, max {ms(max(sql)):.0f} ms"
        )
        print(f"store only, undo_batch:     median {ms(statistics.median(undo_sql)):.0f} ms")

        runtime = Runtime(Settings(), folder, store=store)
        for sid in ("mail:archive", "gateway"):
            runtime.sources[sid] = Poked(sid)  # type: ignore[assignment]
        facade = AppFacade(runtime)
        bridge = Bridge()
        runtime.pipeline.add_listener(bridge.listener())
        window = InboxWindow(facade, bridge, body_fetcher=lambda item: None)
        window.show()
        app.processEvents()

        async def timed(action) -> tuple[float, float, float]:
            """(UI thread busy in the action itself, longest stall of the loop until every
            slice is told, total until then), with Qt's events processed between turns."""
            t0 = time.perf_counter()
            action()
            app.processEvents()
            first = time.perf_counter() - t0
            longest, last = first, time.perf_counter()
            while runtime.actions.announcing:
                await asyncio.sleep(0)
                app.processEvents()
                now = time.perf_counter()
                longest, last = max(longest, now - last), now
            return first, longest, time.perf_counter() - t0

        async def run() -> None:
            marks, undos = [], []
            for _ in range(args.repeats):
                marks.append(await timed(window.mark_all_read))
                assert store.unread_count() == 0
                undos.append(await timed(window.undo))
                assert store.unread_count() == unread
            window.mark_all_read()
            while runtime.actions.announcing:
                await asyncio.sleep(0)
            t0 = time.perf_counter()
            window._release_marked()
            release = time.perf_counter() - t0
            pending = len(store.pending("mail:archive")) + len(store.pending("gateway"))
            for name, runs in (("Shift+C mark all read", marks), ("Ctrl+Z undo", undos)):
                first = ms(statistics.median(r[0] for r in runs))
                stall = ms(statistics.median(r[1] for r in runs))
                total = ms(statistics.median(r[2] for r in runs))
                print(
                    f"window, {name}: until the list shows it {first:.0f} ms (median), longest stall "
                    f"{stall:.0f} ms, every row told {total:.0f} ms  [{verdict(first, TARGET_MS)} <= "
                    f"{TARGET_MS:.0f} ms]"
                )
            print(f"release after the undo window: {ms(release):.0f} ms, {pending:,} outbox entries pending")

        asyncio.run(run())
        window.close()
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
