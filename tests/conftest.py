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
