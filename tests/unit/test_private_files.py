"""Mail and chat text stays private on a shared machine: folders 0700, files 0600."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config import paths
from desktop.config.settings import ConfigError, MailAccount, Settings, load, save
from desktop.store import Store, StoreError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """Modes must not depend on the user's umask (0 is the worst case)."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("loose_umask")
def test_new_folders_are_0700_and_their_parents_are_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "share" / "tidings"
    paths.private_dir(folder)
    assert mode(folder) == 0o700
    assert mode(folder.parent) == 0o777  # ~/.local/share is not ours to change


def test_an_existing_empty_or_default_folder_is_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o755)
    empty.chmod(0o755)
    paths.private_dir(empty)
    assert mode(empty) == 0o700

    # The platform's Tidings folder is ours even with files in it (an older Tidings made it 0755).
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    default = paths.data_dir()
    default.mkdir(parents=True)
    default.chmod(0o755)
    (default / "inbox.sqlite3").write_bytes(b"")
    paths.private_dir(default)
    assert mode(default) == 0o700


def test_a_users_own_folder_is_not_changed_but_warned_about_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o755)
    (home / "notes.txt").write_text("the user's")
    with caplog.at_level(logging.WARNING):
        paths.private_dir(home)
        paths.private_dir(home)
    assert mode(home) == 0o755
    warnings = [r for r in caplog.records if "can be read by other users" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.usefixtures("loose_umask")
def test_the_store_creates_a_private_folder_database_wal_and_shm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = Store(data / "inbox.sqlite3")  # the migrations write: WAL and shared memory exist
    try:
        names = sorted(p.name for p in data.iterdir())
        assert names == ["inbox.sqlite3", "inbox.sqlite3-shm", "inbox.sqlite3-wal"]
        assert mode(data) == 0o700
        assert {p.name: mode(p) for p in data.iterdir()} == dict.fromkeys(names, 0o600)
    finally:
        store.close()


def test_the_store_tightens_files_an_older_tidings_left_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    data = paths.data_dir()
    Store(data / "inbox.sqlite3").close()
    data.chmod(0o755)
    (data / "inbox.sqlite3").chmod(0o644)
    wal = data / "inbox.sqlite3-wal"
    wal.write_bytes(b"")
    wal.chmod(0o644)
    store = Store(data / "inbox.sqlite3")
    try:
        assert mode(data) == 0o700  # the platform's Tidings folder: ours
        assert all(mode(p) == 0o600 for p in data.iterdir())
    finally:
        store.close()


def test_a_store_in_a_users_own_folder_keeps_its_files_private(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    (folder / "notes.txt").write_text("the user's")
    Store(folder / "inbox.sqlite3").close()
    assert mode(folder) == 0o755  # warned about, not changed
    assert mode(folder / "inbox.sqlite3") == 0o600


def test_a_store_that_cannot_create_its_folder_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError, match="cannot open its inbox database"):
        Store(blocker / "inbox.sqlite3")


@pytest.mark.usefixtures("loose_umask")
def test_saved_settings_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    settings = Settings(mail=[MailAccount(name="work", host="h", username="u")])
    save(settings, path)
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    assert load(path).mail == settings.mail
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temp file left


def test_saving_replaces_a_world_readable_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[notifications]\n")
    path.chmod(0o644)
    save(Settings(), path)
    assert mode(path) == 0o600


def test_saving_into_a_missing_place_is_still_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot save"):
        save(Settings(), blocker / "settings.toml")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]
