"""Translatable text in modules that must not import Qt.

``translate(context, text)`` has the shape Qt's lupdate looks for, so these
strings land in the same .ts files as the widgets'. The tray app installs
``QCoreApplication.translate`` at start-up; without it (``tidings watch``,
tests) the English text is used.

Counts: ``translate(context, "%n new mail(s)", None, n)`` puts ``n`` for ``%n``, as
Qt does, and then reads "(s)" as English plural: "1 new mail", "12 new mails". A
translation (Chinese has one form) carries no "(s)". lupdate marks only ``tr()`` calls
as numerus, so a language with several plural forms would need its own rule here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: QCoreApplication.translate: (context, text, disambiguation, n) -> text
Translator = Callable[[str, str, str | None, int], str]

_translator: Translator | None = None
_PLURAL_S = re.compile(r"\(s\)")


def install(translator: Translator | None) -> None:
    global _translator
    _translator = translator


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    if _translator is not None:
        out = _translator(context, text, disambiguation, n)
    else:
        out = text.replace("%n", str(n)) if n >= 0 else text
    return english_plural(out, n) if n >= 0 else out


def english_plural(text: str, n: int) -> str:
    """ "(s)" as English plural, also for widgets' ``tr(text, "", n)`` (Tidings ships no
    English .qm that would choose the form)."""
    return _PLURAL_S.sub("" if n == 1 else "s", text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # named as lupdate expects
    """Mark a string for translation where it is defined; translate it where it is used."""
    return text


class Text(str):
    """A sentence from Qt-free code that is English as a ``str`` and knows how to be shown in
    the user's language: ``localized(text)``.

    Sources build their status and error sentences with ``lazy.translate(context, template)
    .format(*parts)``: logs, ``tidings watch`` and the helpdesk report see the English (the
    str value), the window and the tray translate the template where they show it and put
    the parts in after (a part that is itself a ``Text`` is translated too). Translating at
    display rather than where the sentence is built keeps ``tidings -v`` logs English in a
    Chinese session, and keeps each sentence one unit for the translator.
    """

    context: str
    template: str
    parts: tuple[object, ...]

    def __new__(cls, context: str, template: str, parts: tuple[object, ...] = ()) -> Text:
        self = super().__new__(cls, template.format(*parts) if parts else template)
        self.context, self.template, self.parts = context, template, parts
        return self

    def __getnewargs__(self) -> tuple[str, str, tuple[object, ...]]:  # type: ignore[override]
        return (self.context, self.template, self.parts)

    def format(self, *parts: object, **named: object) -> Text:
        """The template with ``parts`` for {0}, {1}...; still translatable."""
        if named:
            raise TypeError("Text.format takes positional parts only")
        return Text(self.context, self.template, parts)

    def localized(self) -> str:
        return translate(self.context, self.template).format(*(localized(p) for p in self.parts))


class _Lazy:
    """``lazy.translate(context, text)``: the shape lupdate finds; gives a :class:`Text`."""

    @staticmethod
    def translate(context: str, text: str) -> Text:
        return Text(context, text)


lazy = _Lazy()


def localized(text: object) -> str:
    """``text`` in the user's language when it is a :class:`Text`; anything else as it is."""
    return text.localized() if isinstance(text, Text) else str(text)
