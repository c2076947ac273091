"""Where Tidings keeps its files, per platform (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "tidings"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_config_file() -> Path:
    return config_dir() / "settings.toml"
