"""Soak: `tidings watch --json` behind proxies that cut IMAP and gateway connections at random.

    .venv/bin/python benchmarks/bench_soak.py                  # about 1,000 cuts (~10 min)
    .venv/bin/python benchmarks/bench_soak.py --cuts 100 --seed 3

Prints lost and duplicated items and the time from the last cut until everything sent
has been printed (targets: 0 lost, 0 duplicated, <= 10 s). The rig is harness/soak.py;
tests/integration/test_soak_short.py runs a short version in the test suite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import header, machine_line
from harness.soak import Soak


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cuts", type=int, default=1000, help="cuts in all, half per link (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-cut", type=float, default=0.2, help="shortest gap between cuts, s")
    parser.add_argument("--max-cut", type=float, default=2.0, help="longest gap between cuts, s")
    parser.add_argument("--mail-interval", type=float, default=0.5, help="one mail every N s")
    parser.add_argument("--event-interval", type=float, default=0.5, help="one gateway event every N s")
    parser.add_argument("--catch-up-timeout", type=float, default=180.0)
    args = parser.parse_args()

    header(f"Soak: {args.cuts} cuts every {args.min_cut}-{args.max_cut} s, seed {args.seed}")
    print(machine_line())
    start = time.monotonic()

    def progress(line: str) -> None:
        print(f"  [{time.monotonic() - start:6.0f} s] {line}", flush=True)

    with tempfile.TemporaryDirectory(prefix="tidings-soak-") as tmp:
        soak = Soak(
            Path(tmp),
            cuts=args.cuts,
            seed=args.seed,
            min_cut_s=args.min_cut,
            max_cut_s=args.max_cut,
            mail_interval=args.mail_interval,
            event_interval=args.event_interval,
            catch_up_timeout=args.catch_up_timeout,
            log=progress,
        )
        result = soak.run()
    print(result.report())
    dup = sum(n - 1 for n in result.duplicated.values())
    ok = result.lost == 0 and dup == 0 and result.catch_up_s is not None and result.catch_up_s <= 10
    print(f"target (0 lost, 0 duplicated, catch-up <= 10 s): {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
