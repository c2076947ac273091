"""Fixtures every test folder may use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.memory_keyring import MemoryKeyring, installed


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring for the test; the user's real keyring is never touched."""
    with installed() as backend:
        yield backend


@pytest.fixture(autouse=True)
def _collect_qt_garbage_on_the_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used Qt, collect its garbage here, on the main thread.

    A QObject left in a reference cycle (a qasync loop's timers, a widget) is otherwise
    freed by whichever thread next triggers the cycle collector, e.g. an executor thread
    of a later test: Qt then warns "Timers cannot be stopped from another thread", and
    the qasync loop of that later test can crash while closing.

    Only after tests that had Qt (pytest-qt's ``qapp``, which ``qtbot`` needs): a full
    collection costs tens of ms, and the ~1,000 tests without Qt make no Qt garbage.
    """
    yield
    import sys

    if "qapp" in request.fixturenames and "PySide6.QtCore" in sys.modules:
        import gc

        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is not None:
            gc.collect()


@pytest.fixture(autouse=True)
def _fresh_secret_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no registered secrets: one test's password (a common word,
    say) must not be redacted out of another test's expected text."""
    from desktop.config import logs

    monkeypatch.setattr(logs, "_redactor", logs.Redactor())
