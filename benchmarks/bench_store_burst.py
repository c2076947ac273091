"""A burst into the store: N items in one add_items call (a reconnect after a weekend).

    .venv/bin/python benchmarks/bench_store_burst.py [--items 10000] [--repeats 3]

Prints the median time for Latin-only and for CJK-heavy items: CJK text also
feeds the character-pair index (desktop/store/cjk.py). Nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

from desktop.core.item import Item, Kind, utc_now  # noqa: E402
from desktop.store import Store  # noqa: E402

LATIN = ("Quarterly budget review and planning notes", "Please confirm your action items before Friday. " * 2)
CJK = (
    "会议纪要：第{n}次产品路线图讨论",
    "各位好，附件是今天路线图讨论的会议纪要，请在周五前确认各自的行动项。" * 2,
)


def items(count: int, texts: tuple[str, str]) -> list[Item]:
    t0 = utc_now()
    return [
        Item(
            id=f"mail:bench:INBOX:1:{n}",
            source="mail:bench",
            kind=Kind.MAIL,
            sender=f"Sender {n} <s{n}@example.com>",
            title=texts[0].format(n=n),
            preview=texts[1],
            time=t0 + timedelta(seconds=n),
        )
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"Store burst: {args.items:,} items in one add_items (one transaction), median of {args.repeats}")
    for label, texts in (("Latin text", LATIN), ("CJK-heavy text", CJK)):
        batch = items(args.items, texts)
        times = []
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as tmp:
                store = Store(Path(tmp) / "inbox.sqlite3")
                start = time.perf_counter()
                store.add_items(batch)
                times.append(time.perf_counter() - start)
                store.close()
        per_item = statistics.median(times) / args.items * 1e6
        print(f"  {label:15s} median {statistics.median(times) * 1000:7.0f} ms  ({per_item:.0f} us per item)")


if __name__ == "__main__":
    main()
