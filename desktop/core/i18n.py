"""Translatable text in modules that must not import Qt.

``translate(context, text)`` has the shape Qt's lupdate looks for, so these
strings land in the same .ts files as the widgets'. The tray app installs
``QCoreApplication.translate`` at start-up; without it (``tidings watch``,
tests) the English text is used.
"""

from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str, str], str] | None = None


def install(translator: Callable[[str, str], str] | None) -> None:
    global _translator
    _translator = translator


def translate(context: str, text: str) -> str:
    return _translator(context, text) if _translator is not None else text


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # named as lupdate expects
    """Mark a string for translation where it is defined; translate it where it is used."""
    return text
