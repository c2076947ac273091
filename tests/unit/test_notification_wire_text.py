"""What the Linux notification backend puts on the bus is always a valid D-Bus message,
whatever a mail or a chat brought: no NUL (the bus would drop the connection) and no
lone surrogate (it cannot be UTF-8). (The markup escape is checked against html.escape
in test_start_imports.py.)"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from jeepney import DBusAddress, new_method_call

from desktop.notifications.freedesktop import NOTIFY_SIGNATURE, _markup_escape, wire_text


@given(st.text(), st.text())
def test_any_text_makes_a_notify_call_that_serialises(title: str, body: str) -> None:
    title, body = wire_text(title), _markup_escape(wire_text(body))
    for text in (title, body):
        assert "\0" not in text
        text.encode("utf-8")  # strict: raises on a lone surrogate
    hints = {"urgency": ("y", 2), "desktop-entry": ("s", "tidings")}
    call = new_method_call(
        DBusAddress(
            "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "org.freedesktop.Notifications"
        ),
        "Notify",
        NOTIFY_SIGNATURE,
        ("Tidings", 0, "", title, body, ["default", ""], hints, -1),
    )
    call.serialise(1)


@given(st.text())
def test_wire_text_changes_only_what_the_bus_cannot_carry(text: str) -> None:
    cleaned = wire_text(text)
    assert len(cleaned) == len(text)
    for before, after in zip(text, cleaned, strict=True):
        assert after == before or (after == "\ufffd" and (before == "\0" or "\ud800" <= before <= "\udfff"))
