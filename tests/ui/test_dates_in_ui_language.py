"""Dates follow the UI's language: a Chinese UI on a system whose locale is English shows
Chinese day and month names in the list, the detail pane and the chat's day separators."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from desktop.core import i18n
from desktop.ui.app import install_translations
from desktop.ui.detail.chat import day_label
from desktop.ui.formatting import full_time, short_time, ui_locale

FRIDAY = datetime(2025, 3, 14, 18, 0).astimezone()


@pytest.fixture
def english_system() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(previous)


@pytest.fixture
def chinese_ui(qapp, english_system) -> Iterator[None]:  # type: ignore[no-untyped-def]
    install_translations(qapp, QLocale("zh_CN"))
    try:
        yield
    finally:
        for translator in qapp.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
        i18n.install(None)


@pytest.mark.usefixtures("english_system")
def test_without_a_translation_dates_follow_the_system_locale() -> None:
    assert ui_locale().language() is QLocale.Language.English
    assert "Friday" in full_time(FRIDAY) and "March" in full_time(FRIDAY)
    assert short_time(FRIDAY - timedelta(days=2), FRIDAY) == "Wed"


@pytest.mark.usefixtures("chinese_ui")
def test_a_chinese_ui_shows_chinese_dates_on_an_english_system() -> None:
    assert QLocale().language() is QLocale.Language.English  # the system's stays English
    assert ui_locale().language() is QLocale.Language.Chinese
    long = full_time(FRIDAY)
    assert "2025年3月14日" in long and "星期五" in long and "Friday" not in long
    assert short_time(FRIDAY - timedelta(days=2), FRIDAY) == "周三"
    assert short_time(FRIDAY - timedelta(days=20), FRIDAY) == "2月22日"
    separator = day_label(date(2025, 3, 10), date(2025, 3, 14))
    assert "3月10日" in separator and "March" not in separator
