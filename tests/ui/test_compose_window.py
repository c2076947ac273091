"""The compose window and the mail actions of the detail view: one test per shortcut and action.

The facade runs on a real store and pipeline; only the IMAP fetch of the original is replaced
(the integration tests fetch it from Dovecot)."""

from __future__ import annotations

import types

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui import compose
from desktop.ui.compose import ComposeWindow, open_windows
from desktop.ui.detail import DetailPane, MailBody
from tests.ui.helpers import make_item

ORIGINAL_HEADER = (
    b"From: Ann Lee <ann@example.org>\r\nTo: li.lei@example.com, Bob <bob@example.org>\r\n"
    b"Cc: carol@example.org\r\nSubject: Budget 2027\r\nMessage-ID: <budget.1@example.org>\r\n"
    b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
)


@pytest.fixture
def mail_pane(qtbot, runtime, facade, bridge, monkeypatch):
    """A shown detail pane on a received mail; the original comes from a stub fetch."""
    runtime.settings.mail[0].address = "li.lei@example.com"
    runtime.settings.mail[0].sender_name = "Li Lei"
    monkeypatch.setattr(
        facade,
        "_fetch_message",
        lambda item: types.SimpleNamespace(header=ORIGINAL_HEADER, text="Numbers by Friday?"),
    )
    item = make_item(
        5,
        payload={
            "account": "work",
            "folder": "INBOX",
            "uidvalidity": 1,
            "uid": 5,
            "message_id": "<budget.1@example.org>",
        },
    )
    runtime.store.add_items([item, make_item(6)])
    pane = DetailPane(facade, bridge, lambda _item: MailBody(text="Numbers by Friday?"))
    qtbot.addWidget(pane)
    pane.show()
    pane.show_item(item)
    pane.activateWindow()
    yield pane
    for window in open_windows():
        window.discard()


def press(qtbot, pane, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key in the main window (shortcuts need it to be the active window)."""
    pane.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is pane)
    qtbot.keyClick(pane.mail, key, modifier)


def wait_window(qtbot) -> ComposeWindow:
    qtbot.waitUntil(lambda: bool(open_windows()) and open_windows()[0].draft is not None)
    return open_windows()[0]


def test_r_opens_a_reply_with_the_original_quoted(qtbot, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_R)
    window = wait_window(qtbot)
    assert window.mode == "reply"
    assert window.from_label.text() == "Li Lei <li.lei@example.com>"
    assert window.to_edit.text() == "Ann Lee <ann@example.org>"
    assert window.cc_edit.text() == ""
    assert window.subject_edit.text() == "Re: Budget 2027"
    assert "Ann Lee <ann@example.org> wrote:\n> Numbers by Friday?" in window.body.toPlainText()
    assert window.body.textCursor().position() == 0  # the answer goes above the quote


def test_a_opens_reply_all_without_the_users_own_address(qtbot, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_A)
    window = wait_window(qtbot)
    assert window.mode == "reply_all"
    assert window.to_edit.text() == "Ann Lee <ann@example.org>, Bob <bob@example.org>"
    assert window.cc_edit.text() == "carol@example.org"


def test_f_opens_a_forward_with_empty_recipients(qtbot, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_F)
    window = wait_window(qtbot)
    assert window.mode == "forward" and window.to_edit.text() == ""
    assert window.subject_edit.text() == "Fwd: Budget 2027"
    assert "---------- Forwarded message ----------" in window.body.toPlainText()


def test_the_buttons_do_what_the_shortcuts_do(qtbot, mail_pane):
    for name in ("reply", "reply_all", "forward"):
        mail_pane.mail.action_buttons[name].click()
        assert wait_window(qtbot).mode == name
        open_windows()[0].discard()
        qtbot.waitUntil(lambda: not open_windows())


def test_ctrl_enter_sends_once_and_the_draft_goes_with_it(qtbot, runtime, facade, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_R)
    window = wait_window(qtbot)
    qtbot.keyClicks(window.body, "Here they are.")
    window.body.insertPlainText(" 数字如下。")  # QTest types ASCII only
    qtbot.waitUntil(lambda: facade.saved_draft(window.item.id, "reply") is not None)
    with qtbot.waitSignal(window.sent) as sent:
        qtbot.keyClick(window.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [entry] = [e for e in runtime.store.pending("mail:work") if e.action == "send"]
    assert sent.args == [entry.id]
    assert facade.saved_draft("mail:work:INBOX:1:000005", "reply") is None
    assert runtime.sources["mail:work"].pokes >= 1
    qtbot.waitUntil(lambda: not open_windows())
    # The sent mail is an item of the list, shown as sending, with the user's text
    [outgoing] = [i for i in runtime.store.page() if i.payload.get("outgoing")]
    assert outgoing.state == "sending" and outgoing.title == "Re: Budget 2027"
    mail_pane.show_item(outgoing)
    assert mail_pane.mail.error_label.text() == "Sending…"
    assert not mail_pane.mail.mail_actions["reply"].isEnabled()


def test_send_with_a_bad_recipient_says_why_and_keeps_the_text(qtbot, runtime, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_R)
    window = wait_window(qtbot)
    window.to_edit.setText("Ann <ann@")
    window.send_button.click()
    assert "is not a list of email addresses" in window.status.text()
    assert window.isVisible() and runtime.store.pending("mail:work") == []


def test_escape_asks_before_discarding_what_was_typed(qtbot, facade, mail_pane, monkeypatch):
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []

    def question(parent, title, text, *rest):
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(compose.QMessageBox, "question", question)
    press(qtbot, mail_pane, Qt.Key.Key_R)
    window = wait_window(qtbot)
    qtbot.keyClicks(window.body, "Draft text")
    window.save_now()
    qtbot.keyClick(window.body, Qt.Key.Key_Escape)
    assert asked == ["Discard this message?"] and window.isVisible()  # Cancel: still there
    qtbot.keyClick(window.body, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not open_windows())
    assert facade.saved_draft("mail:work:INBOX:1:000005", "reply") is None


def test_escape_on_an_untouched_reply_closes_without_asking(qtbot, mail_pane, monkeypatch):
    monkeypatch.setattr(compose.QMessageBox, "question", lambda *a: pytest.fail("asked"))
    press(qtbot, mail_pane, Qt.Key.Key_R)
    window = wait_window(qtbot)
    qtbot.keyClick(window.body, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not open_windows())


def test_a_draft_survives_a_crash_and_is_offered_back(qtbot, facade, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_R)
    window = wait_window(qtbot)
    message_id = window.draft.message_id
    qtbot.keyClicks(window.body, "Half-written answer")
    # Saved while typing, without closing or sending: a crash from here on loses nothing
    qtbot.waitUntil(lambda: facade.saved_draft(window.item.id, "reply") is not None)
    window._closing = True  # the process dies: no close handling runs
    window.deleteLater()
    qtbot.waitUntil(lambda: not open_windows())

    press(qtbot, mail_pane, Qt.Key.Key_R)
    again = wait_window(qtbot)
    assert again.body.toPlainText().startswith("Half-written answer")
    assert again.draft.message_id == message_id  # the same message: Sent is searched for this id
    assert "unsent draft" in again.note.text() and again.start_over_button.isVisibleTo(again)
    assert [d.key for d in facade.saved_drafts()] == [again.draft.key]


def test_closing_the_window_keeps_the_draft(qtbot, facade, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_F)
    window = wait_window(qtbot)
    qtbot.keyClicks(window.to_edit, "dora@example.org")
    window.close()
    saved = facade.saved_draft("mail:work:INBOX:1:000005", "forward")
    assert saved is not None and saved.to == "dora@example.org"


def test_opening_the_same_reply_again_raises_its_window(qtbot, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_R)
    first = wait_window(qtbot)
    press(qtbot, mail_pane, Qt.Key.Key_R)
    assert open_windows() == [first]


def test_e_archives_and_the_mail_leaves_the_list_at_once(qtbot, runtime, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_E)
    assert "mail:work:INBOX:1:000005" not in [i.id for i in runtime.store.page()]
    [entry] = runtime.store.pending("mail:work")
    assert (entry.action, entry.payload["to"]) == ("move", "\\Archive")
    assert "deleted or moved" in mail_pane.placeholder.text()


def test_delete_key_moves_to_trash(qtbot, runtime, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_Delete)
    [entry] = runtime.store.pending("mail:work")
    assert (entry.action, entry.payload["to"]) == ("move", "\\Trash")


def test_move_to_offers_the_accounts_folders(qtbot, runtime, facade, mail_pane, monkeypatch):
    monkeypatch.setattr(facade, "folders", lambda account: ["INBOX", "Archive", "Projects", "Trash"])

    def pick() -> None:
        menu = getattr(mail_pane.mail, "folder_menu", None)
        if menu is None or not menu.isVisible():
            QTimer.singleShot(20, pick)
            return
        assert [a.text() for a in menu.actions()] == ["Archive", "Projects", "Trash"]  # not INBOX: it is here
        menu.setActiveAction(menu.actions()[1])
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(20, pick)
    press(
        qtbot,
        mail_pane,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: bool(runtime.store.pending("mail:work")))
    [entry] = runtime.store.pending("mail:work")
    assert (entry.action, entry.payload["to"]) == ("move", "Projects")


def test_a_refused_move_shows_the_reason_on_the_mail(qtbot, runtime, mail_pane):
    from desktop.core.events import ItemChange, ItemsChanged

    item_id = "mail:work:INBOX:1:000005"
    runtime.pipeline.handle(
        ItemsChanged("mail:work", [ItemChange(item_id, payload_update={"last_error": "NO [TRYCREATE] gone"})])
    )
    assert mail_pane.mail.error_label.text() == "NO [TRYCREATE] gone"


def test_open_in_mail_client_without_a_handler_says_so_and_offers_settings(
    qtbot, runtime, mail_pane, monkeypatch
):
    opened: list[object] = []
    monkeypatch.setattr(
        "desktop.ui.detail.mail.QDesktopServices.openUrl", lambda url: opened.append(url) or True
    )
    monkeypatch.setattr("desktop.ui.detail.mail.mid_handler", lambda: "")
    runtime.settings.mail[0].webmail_url = ""
    view = mail_pane.mail
    view.open_in_client()
    assert opened == []  # xdg-open would "succeed" and show a stranger's error
    assert "No mail client on this computer opens message links" in view.error_label.text()
    assert view.settings_button.isVisibleTo(view)
    with qtbot.waitSignal(mail_pane.settings_requested):
        view.settings_button.click()


def test_open_in_mail_client_when_the_browser_fails_shows_the_address(qtbot, mail_pane, monkeypatch):
    monkeypatch.setattr("desktop.ui.detail.mail.QDesktopServices.openUrl", lambda url: False)
    view = mail_pane.mail
    view.open_in_client()
    assert "https://mail.example.com/find?mid=budget.1%40example.org" in view.error_label.text()


def test_compose_window_opens_with_accessible_fields(qtbot, facade, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_R)
    window = wait_window(qtbot)
    names = {w.accessibleName() for w in (window.to_edit, window.cc_edit, window.subject_edit, window.body)}
    assert names == {"To", "Cc", "Subject", "Message"}


def test_drafts_left_by_a_crash_are_offered_back_at_start(qtbot, facade, mail_pane):
    press(qtbot, mail_pane, Qt.Key.Key_F)
    window = wait_window(qtbot)
    qtbot.keyClicks(window.to_edit, "dora@example.org")
    window.save_now()
    window._closing = True  # the process dies
    window.deleteLater()
    qtbot.waitUntil(lambda: not open_windows())

    [offered] = compose.offer_saved_drafts(facade)
    assert offered.mode == "forward" and offered.to_edit.text() == "dora@example.org"
    assert "unsent draft" in offered.note.text()


def test_the_tray_app_reopens_unsent_drafts_at_start(qapp, tmp_path, monkeypatch, memory_keyring):
    import asyncio

    from desktop.app.composing import ComposeDraft
    from desktop.app.runtime import DB_NAME
    from desktop.config.settings import MailAccount, Settings
    from desktop.notifications.backends import NullBackend
    from desktop.store import Store
    from desktop.ui import app as app_module
    from tests.ui.helpers import FakeSource

    data = tmp_path / "data"
    store = Store(data / DB_NAME)  # what the last run left: a mail and a reply being written
    item = make_item(5, payload={"account": "work", "folder": "INBOX", "uidvalidity": 1, "uid": 5})
    store.add_items([item])
    draft = ComposeDraft(
        "work", item.id, "reply", "<d.1@example.com>", "me@example.com", to="ann@example.org"
    )
    store.save_draft(draft.key, "work", item.id, {**draft.to_json(), "body": "Half-written"})
    store.close()

    async def null_backend(*_args, **_kwargs):
        return NullBackend()

    monkeypatch.setattr(app_module, "pick_backend", null_backend)
    monkeypatch.setattr(app_module.TidingsApp, "_watch_network", lambda self: None)
    monkeypatch.setattr(
        "desktop.app.runtime.make_mail_source", lambda account, store: FakeSource(account.source_id)
    )
    loop = asyncio.new_event_loop()
    settings = Settings(mail=[MailAccount(name="work", host="imap.example.com", username="me@example.com")])
    tidings = app_module.build_app(settings, data, loop)
    try:
        loop.run_until_complete(tidings.start())
        [window] = open_windows()
        assert window.mode == "reply" and window.body.toPlainText() == "Half-written"
        assert "unsent draft" in window.note.text()
    finally:
        for window in open_windows():
            window.close()
        loop.run_until_complete(tidings.stop())
        tidings.deleteLater()
        loop.close()
