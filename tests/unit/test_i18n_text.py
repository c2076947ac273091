"""desktop.core.i18n.Text: English as a str, translated only where it is shown."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator

import pytest

from desktop.core import i18n
from desktop.core.i18n import Text, lazy, localized


@pytest.fixture
def bracketing() -> Iterator[None]:
    """A translator that marks what it translated: [template]."""
    i18n.install(lambda context, text, disambiguation, n: f"[{context}:{text}]")
    try:
        yield
    finally:
        i18n.install(None)


def test_a_text_is_its_english_sentence() -> None:
    text = lazy.translate("Status", "{0} refused the connection on port {1}.").format("imap.x", 993)
    assert isinstance(text, Text) and isinstance(text, str)
    assert text == "imap.x refused the connection on port 993."
    assert (text.context, text.template, text.parts) == (
        "Status",
        "{0} refused the connection on port {1}.",
        ("imap.x", 993),
    )
    with pytest.raises(TypeError):
        text.format(host="imap.x")


@pytest.mark.usefixtures("bracketing")
def test_only_localized_translates_and_parts_are_translated_too(caplog) -> None:  # type: ignore[no-untyped-def]
    inner = lazy.translate("Status", "{0} did not answer in time.").format("imap.x")
    outer = lazy.translate("Status", "{0}; retrying in {1} s").format(inner, 5)
    assert localized(outer) == "[Status:[Status:imap.x did not answer in time.]; retrying in 5 s]"
    assert localized("plain words") == "plain words"
    with caplog.at_level(logging.INFO):
        logging.getLogger("t").info("status: %s", outer)
    assert caplog.messages == ["status: imap.x did not answer in time.; retrying in 5 s"]
    assert f"{outer}" == str(outer) == "imap.x did not answer in time.; retrying in 5 s"


def test_a_text_survives_pickling() -> None:
    text = lazy.translate("Status", "Not sent: {0}").format(lazy.translate("Status", "the server"))
    again = pickle.loads(pickle.dumps(text))
    assert isinstance(again, Text) and again == text and again.parts == text.parts
