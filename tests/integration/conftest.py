"""Fixtures that start real servers for integration tests. Append new fixtures; keep others' intact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess
from harness.idp import IdentityProvider
from harness.signin_browser import SignInBrowser

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


# -- the OpenID Connect provider (harness/idp.py) and a real browser to sign in with ------


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdentityProvider]:
    """One real identity provider per test module (device-flow polls every second)."""
    with IdentityProvider(tmp_path_factory.mktemp("idp"), device_interval=1) as provider:
        yield provider


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInBrowser]:
    """Headless Chromium driven like a user at the provider's sign-in page."""
    with SignInBrowser(tmp_path_factory.mktemp("browser")) as chromium:
        yield chromium
