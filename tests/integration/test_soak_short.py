"""A short soak (about 50 cuts) of `tidings watch --json` behind cutting proxies (harness/soak.py).

Nothing sent may be lost or shown twice. The catch-up time is printed, not asserted:
the only bound is the generous wait for every item to appear. The long run is
benchmarks/bench_soak.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.soak import Soak

pytestmark = [pytest.mark.dovecot, pytest.mark.gateway]


@pytest.mark.timeout(400)
def test_fifty_random_cuts_lose_and_repeat_nothing(tmp_path: Path) -> None:
    # The sources reconnect 0.1 s (not 1 s) into their jittered backoff and the cuts come
    # 0.2-1 s apart: the same 50 cuts at random points of login, catch-up and IDLE, without
    # waiting out the production delays, which benchmarks/bench_soak.py keeps.
    result = Soak(
        tmp_path,
        cuts=50,
        seed=11,
        max_cut_s=1.0,
        mail_interval=0.4,
        event_interval=0.4,
        catch_up_timeout=150,
        reconnect_base_s=0.1,
    ).run()
    print(result.report())
    assert result.imap_cuts + result.gateway_cuts == 50
    assert result.mails_sent > 10 and result.events_sent > 10
    assert result.lost_mails == [] and result.lost_events == []
    assert result.duplicated == {}
