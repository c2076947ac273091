"""One Tidings per data folder, decided without Qt: a second claim asks the first to show
itself. The real app launched twice: tests/integration/test_app_startup.py."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.app import single_instance
from desktop.app.single_instance import SingleInstance


@pytest.fixture
def first(tmp_path: Path) -> Iterator[SingleInstance]:
    instance = SingleInstance(tmp_path / "data")
    assert instance.claim()
    try:
        yield instance
    finally:
        instance.release()


def test_second_claim_asks_the_first_to_show_itself(first: SingleInstance, tmp_path: Path) -> None:
    shown = threading.Event()
    first.set_handler(shown.set)
    assert not SingleInstance(tmp_path / "data").claim()
    assert shown.wait(10), "the first instance was not asked to show itself"
    other = SingleInstance(tmp_path / "other-data")  # another profile may run beside it
    assert other.claim()
    other.release()


def test_a_request_before_the_ui_is_ready_is_kept(first: SingleInstance, tmp_path: Path) -> None:
    """A second launch while the first is still importing Qt: shown once the UI can, once."""
    assert not SingleInstance(tmp_path / "data").claim()
    deadline = time.monotonic() + 10
    while first._missed == 0:  # the listening thread has taken the request
        assert time.monotonic() < deadline, "the request never arrived"
        time.sleep(0.01)
    calls: list[str] = []
    first.set_handler(lambda: calls.append("show"))
    assert calls == ["show"]  # replayed at once, in the caller's thread
    assert not SingleInstance(tmp_path / "data").claim()  # later requests go straight through
    while len(calls) < 2:
        assert time.monotonic() < deadline + 10, "the second request was not shown"
        time.sleep(0.01)
    assert calls == ["show", "show"]


def test_released_the_next_launch_runs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    instance = SingleInstance(data)
    assert instance.claim()
    instance.release()
    again = SingleInstance(data)
    assert again.claim()
    again.release()


def test_a_crashed_instances_socket_is_replaced(tmp_path: Path) -> None:
    """The OS dropped the crashed process's lock; its socket file is still there."""
    data = tmp_path / "data"
    data.mkdir()
    address = SingleInstance(data).address
    Path(address).write_bytes(b"")  # what a crash leaves behind
    instance = SingleInstance(data)
    try:
        _second_launch_shows_the_first(instance, data)
    finally:
        instance.release()


def _second_launch_shows_the_first(instance: SingleInstance, data: Path) -> None:
    assert instance.claim()
    shown = threading.Event()
    instance.set_handler(shown.set)
    assert not SingleInstance(data).claim()
    assert shown.wait(10)


def test_lock_file_is_private(first: SingleInstance, tmp_path: Path) -> None:
    mode = stat.S_IMODE(os.stat(tmp_path / "data" / single_instance.LOCK_NAME).st_mode)
    assert mode & 0o077 == 0, oct(mode)


def test_a_long_data_folder_gets_its_socket_elsewhere(tmp_path: Path) -> None:
    data = tmp_path / ("d" * 120)
    instance = SingleInstance(data)
    try:
        assert len(os.fsencode(instance.address)) <= single_instance.MAX_SOCKET_PATH
        _second_launch_shows_the_first(instance, data)
    finally:
        instance.release()


HOLDER = """
import sys
from pathlib import Path
from desktop.app.single_instance import SingleInstance
instance = SingleInstance(Path(sys.argv[1]))
print(instance.claim(), flush=True)
sys.stdin.read()  # held until killed
"""


def test_another_process_holds_the_lock_until_it_dies(tmp_path: Path) -> None:
    """flock from the standard library (no filelock): held across processes, dropped by the
    OS when the holder is killed, so a crash leaves no stale lock."""
    data = tmp_path / "data"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=root,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "True"
        assert not SingleInstance(data).claim()
        holder.kill()
        holder.wait(10)
        instance = SingleInstance(data)
        assert instance.claim()
        instance.release()
    finally:
        holder.kill()
        holder.wait(10)
