"""Fixtures that start real servers for integration tests. Append new fixtures; keep others' intact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess

# -- the reference gateway (harness/gateway.py) ------------------------------------------


@pytest.fixture
def gateway_process(tmp_path: Path) -> Iterator[GatewayProcess]:
    """A real reference gateway on a free loopback port, its DB in tmp_path; stopped by PID."""
    gw = GatewayProcess(tmp_path / "gateway.db")
    gw.start()
    try:
        yield gw
    finally:
        gw.stop()


# -- a throwaway Dovecot (harness/dovecot.py) ---------------------------------------------


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    """One real Dovecot per test module (tests add their own users); stopped by PID."""
    with Dovecot() as server:
        yield server
