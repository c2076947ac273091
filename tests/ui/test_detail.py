"""Detail views: mail body loading and blocking, chat replies, approval decisions, notices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument

from desktop.core.events import ItemChange, ItemsArrived, ItemsChanged
from desktop.core.item import Action, Item, Kind, Urgency
from desktop.sources.gateway import mapping
from desktop.ui import background
from desktop.ui.detail import DetailPane, MailBody
from desktop.ui.detail.common import SafeTextBrowser
from desktop.ui.detail.mail import webmail_url
from tests.ui.helpers import chat_item, make_item


@pytest.fixture
def pane(qtbot, facade, bridge):
    def make(fetcher=None):
        p = DetailPane(facade, bridge, fetcher)
        qtbot.addWidget(p)
        return p

    return make


def approval_item(aid: str = "42", deadline: str = "2020-01-01T09:00:00+00:00") -> Item:
    """Built by the real gateway mapping, so the payload has the shape production has."""
    event = {
        "type": "approval.requested",
        "time": "2025-03-14T09:00:00+00:00",
        "data": {
            "approval": {
                "id": aid,
                "title": "差旅报销 Travel expenses",
                "requester": {"id": "u7", "name": "王芳"},
                "fields": [{"label": "Amount", "value": "¥3,200"}, {"label": "Trip", "value": "Shanghai"}],
                "deadline": deadline,
                "url": "https://oa.example.com/approvals/42",
                "urgency": "urgent",
            }
        },
    }
    return mapping.map_event(event, user="me").items[0]


# -- mail ---------------------------------------------------------------------------------


def test_mail_body_loads_in_background(qtbot, runtime, pane):
    calls = []

    def fetch(item):
        calls.append(item.id)
        return MailBody(
            html="<p>Hello <b>there</b></p><img src='https://tracker.example.com/pixel.gif'>",
            attachments=[("budget.xlsx", 48_000)],
            cc="boss@example.com",
        )

    item = make_item(1, payload={"message_id": "<abc@x>", "to": "me@example.com"})
    runtime.store.add_items([item])
    p = pane(fetch)
    p.show_item(item)
    view = p.mail
    assert view.body_stack.currentWidget() is view.loading
    qtbot.waitUntil(lambda: view.body_stack.currentWidget() is view.browser)
    assert "Hello there" in view.browser.toPlainText()
    assert "budget.xlsx (46.9 KB)" in view.attachments.text()
    assert view.cc_label.text() == "boss@example.com"
    assert view.to_label.text() == "me@example.com"
    assert calls == [item.id]
    # The tracking pixel was asked for (when laid out on screen) and refused.
    p.show()
    qtbot.waitUntil(lambda: bool(view.browser.blocked))
    assert "https://tracker.example.com/pixel.gif" in view.browser.blocked


def test_mail_body_error_then_retry(qtbot, runtime, pane):
    attempts = []

    def fetch(item):
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("the server closed the connection")
        return MailBody(text="Second time lucky https://example.com/x")

    item = make_item(2)
    runtime.store.add_items([item])
    p = pane(fetch)
    p.show_item(item)
    view = p.mail
    qtbot.waitUntil(lambda: view.body_stack.currentWidget() is view._error_page)
    assert view.body_error.text() == "Could not load the message: the server closed the connection"
    assert view.retry_button.isVisibleTo(view)
    view.retry_button.click()
    qtbot.waitUntil(lambda: view.body_stack.currentWidget() is view.browser)
    assert "Second time lucky" in view.browser.toPlainText()
    assert 'href="https://example.com/x"' in view.browser.toHtml()


def test_stale_body_result_is_dropped(qtbot, runtime, pane):
    import threading

    gate = threading.Event()

    def fetch(item):
        if item.title == "Subject 1":
            gate.wait(5)
        return MailBody(text=f"body {item.title}")

    first, second = make_item(1), make_item(2)
    runtime.store.add_items([first, second])
    p = pane(fetch)
    p.show_item(first)
    p.show_item(second)
    qtbot.waitUntil(lambda: "body Subject 2" in p.mail.browser.toPlainText())
    gate.set()
    # The stale result has reached the GUI thread (and been dropped) once no result is owed.
    qtbot.waitUntil(lambda: not background._live)
    assert "body Subject 2" in p.mail.browser.toPlainText()


def test_browser_never_loads_anything_but_data_urls(qtbot):
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    image = QTextDocument.ResourceType.ImageResource.value
    for url in (
        "http://example.com/a.png",
        "https://example.com/a.png",
        "file:///etc/passwd",
        "cid:part1@x",
        "ftp://x/y",
        "//example.com/a.png",
    ):
        # Nothing is fetched: a refused image is a blank 1x1 (no broken-image icon).
        blank = browser.loadResource(image, QUrl(url))
        assert blank.size().toTuple() == (1, 1) and blank.pixelColor(0, 0).alpha() == 0
        assert browser.loadResource(QTextDocument.ResourceType.StyleSheetResource.value, QUrl(url)) is None
    assert browser.loadResource(image, QUrl("data:text/plain;base64,aGk=")) == b"hi"
    assert not browser.openLinks()
    assert not browser.openExternalLinks()


def test_open_in_mail_client_uses_webmail_template(runtime, pane, monkeypatch):
    opened = []
    monkeypatch.setattr(
        "desktop.ui.detail.mail.QDesktopServices.openUrl", lambda url: opened.append(url) or True
    )
    item = make_item(3, payload={"message_id": "<a b/c@mail.example.com>"})
    runtime.store.add_items([item])
    p = pane(None)
    p.show_item(item)
    p.mail.open_in_client()
    assert opened[0].toString(QUrl.ComponentFormattingOption.FullyEncoded) == (
        "https://mail.example.com/find?mid=a%20b%2Fc%40mail.example.com"
    )
    assert webmail_url("https://w/?id={message_id}", "<x@y>") == "https://w/?id=x%40y"
    # No fetcher: a clear message instead of a spinner forever.
    assert p.mail.body_error.text().startswith("Could not load the message")


def test_open_in_mail_client_without_webmail_uses_mid(runtime, pane, monkeypatch):
    opened = []
    monkeypatch.setattr(
        "desktop.ui.detail.mail.QDesktopServices.openUrl", lambda url: opened.append(url) or False
    )
    # A mid: handler is registered (else the handler lookup answers first: see the next test)
    monkeypatch.setattr("desktop.ui.detail.mail.mid_handler", lambda: "thunderbird.desktop")
    runtime.settings.mail[0].webmail_url = ""
    item = make_item(3, payload={"message_id": "<abc@x.org>"})
    runtime.store.add_items([item])
    p = pane(None)
    p.show_item(item)
    p.mail.open_in_client()
    assert opened[0].toString() == "mid:abc@x.org"
    assert "webmail" in p.mail.error_label.text()  # nothing handled mid:


# -- chat ---------------------------------------------------------------------------------


def test_chat_history_and_reply_shows_sending_until_echoed(qtbot, runtime, pane):
    runtime.pipeline.handle(
        ItemsArrived(
            "gateway",
            [
                chat_item(1, "ops", "部署完成了吗？", sender="李雷"),
                chat_item(2, "ops", "<b>not bold</b>", sender="Bob"),
            ],
        )
    )
    p = pane()
    p.show_item(runtime.store.get_item("gw:msg:ops-2"))
    view = p.chat
    text = view.history.toPlainText()
    assert text.index("部署完成了吗") < text.index("<b>not bold</b>")  # oldest first, escaped
    view.reply_box.setPlainText("马上好 on it")
    qtbot.keyClick(view.reply_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.reply_box.toPlainText() == ""
    [entry] = [e for e in runtime.store.pending("gateway") if e.action == "reply"]
    assert entry.payload == {"conversation": "ops", "text": "马上好 on it"}
    assert runtime.sources["gateway"].pokes >= 1
    assert "sending…" in view.history.toPlainText()
    assert not runtime.store.get_item("gw:msg:ops-1").unread  # replying reads the conversation
    # The gateway echoes our message back: "sending…" goes away.
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(3, "ops", "马上好 on it", own=True)]))
    assert "sending…" not in view.history.toPlainText()
    assert "You" in view.history.toPlainText()


def test_chat_empty_reply_is_not_sent(runtime, pane):
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "ops", "hi")]))
    p = pane()
    p.show_item(runtime.store.get_item("gw:msg:ops-1"))
    p.chat.reply_box.setPlainText("   ")
    p.chat.send_button.click()
    assert runtime.store.pending("gateway") == []


def test_chat_failed_reply_is_shown(runtime, pane):
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "ops", "hi")]))
    p = pane()
    p.show_item(runtime.store.get_item("gw:msg:ops-1"))
    p.chat.reply_box.setPlainText("hello")
    p.chat.send()
    entry = p.chat.pending[0].entry_id
    runtime.store.outbox_done(entry, "failed", "you left this conversation")
    p.chat.render_history()
    assert "not sent: you left this conversation" in p.chat.history.toPlainText()


# -- approvals ----------------------------------------------------------------------------


def test_approval_shows_request(runtime, pane):
    item = approval_item()
    runtime.pipeline.handle(ItemsArrived("gateway", [item]))
    p = pane()
    p.show_item(runtime.store.get_item(item.id))
    view = p.approval
    assert view.title.text() == "差旅报销 Travel expenses"
    assert "王芳" in view.requester.text()
    assert "overdue" in view.deadline.text()
    assert view.urgency.isVisibleTo(view)
    assert view.field_values == ["¥3,200", "Shanghai"]
    assert "https://oa.example.com/approvals/42" in view.link.text()
    assert view.approve_button.isEnabled() and view.reject_button.isEnabled()


def test_approve_flow_until_confirmed(runtime, pane):
    item = approval_item()
    runtime.pipeline.handle(ItemsArrived("gateway", [item]))
    p = pane()
    p.show_item(runtime.store.get_item(item.id))
    view = p.approval
    view.comment.setPlainText("OK, 同意")
    view.approve_button.click()
    assert view.error_label.text() == ""
    [entry] = [e for e in runtime.store.pending("gateway") if e.action == "approve"]
    assert entry.payload == {"approval": "42", "comment": "OK, 同意"}
    assert entry.item_id == item.id
    assert "waiting for confirmation" in view.status.text()
    assert not view.approve_button.isEnabled() and not view.reject_button.isEnabled()
    # The gateway confirms (approval.resolved, mapped as the source would).
    resolved = mapping.map_event(
        {
            "type": "approval.resolved",
            "data": {"approval": {"id": "42"}, "state": "approved", "by": {"id": "me", "name": "Li Lei"}},
        },
        user="me",
    )
    runtime.pipeline.handle(ItemsChanged("gateway", resolved.changes))
    assert view.status.text() == "Approved by Li Lei"
    assert not view.approve_button.isEnabled()


def test_reject_asks_first_and_reports_decided_elsewhere(runtime, pane):
    item = approval_item()
    runtime.pipeline.handle(ItemsArrived("gateway", [item]))
    p = pane()
    p.show_item(runtime.store.get_item(item.id))
    view = p.approval
    asked = []
    view.confirm_reject = lambda comment, proceed: asked.append(comment)  # "Cancel"
    view.comment.setPlainText("budget frozen")
    view.reject_button.click()
    assert asked == ["budget frozen"]
    assert runtime.store.pending("gateway") == []  # cancelled: nothing sent
    view.confirm_reject = lambda comment, proceed: proceed()  # "Reject"
    view.reject_button.click()
    [entry] = runtime.store.pending("gateway")
    assert (entry.action, entry.payload["comment"]) == ("reject", "budget frozen")
    # Meanwhile someone else approved it in the OA system.
    runtime.pipeline.handle(
        ItemsChanged(
            "gateway",
            [
                ItemChange(
                    item.id,
                    state="approved",
                    payload_update={"resolution": {"state": "approved", "by": {"name": "张伟"}}},
                )
            ],
        )
    )
    assert view.status.text() == "Already decided elsewhere: Approved by 张伟"


def test_deciding_twice_is_an_inline_error(runtime, pane):
    item = approval_item()
    runtime.pipeline.handle(ItemsArrived("gateway", [item]))
    runtime.pipeline.handle(ItemsChanged("gateway", [ItemChange(item.id, state="approved")]))
    p = pane()
    p.show_item(runtime.store.get_item(item.id))
    p.approval.decide(True)  # the buttons are disabled; call it anyway
    assert p.approval.error_label.text() == "This request is already approved."
    assert p.approval.error_label.isVisibleTo(p.approval)


# -- task / announcement --------------------------------------------------------------------


def test_task_view_links_and_due(runtime, pane, monkeypatch):
    opened = []
    monkeypatch.setattr(
        "desktop.ui.detail.common.QDesktopServices.openUrl", lambda url: opened.append(url) or True
    )
    task = Item(
        id="gw:task:7",
        source="gateway",
        kind=Kind.TASK,
        sender="Apollo",
        title="Review the release notes",
        preview="See https://pm.example.com/t/7 for details",
        time=datetime(2025, 3, 14, 9, tzinfo=UTC),
        actions=(Action.OPEN, Action.MARK_READ),
        urgency=Urgency.URGENT,
        payload={
            "text": "See https://pm.example.com/t/7 for details\n<script>x</script>",
            "due": "2020-01-01T00:00:00+00:00",
            "project": "Apollo",
            "url": "https://pm.example.com/t/7",
        },
    )
    runtime.store.add_items([task])
    p = pane()
    p.show_item(task)
    view = p.notice
    assert p.currentWidget() is view
    assert "Apollo" in view.meta.text()
    assert "overdue" in view.due.text()
    assert "<script>x</script>" in view.text.toPlainText()  # shown as text, not markup
    assert 'href="https://pm.example.com/t/7"' in view.text.toHtml()
    view.open_button.click()
    assert opened == [QUrl("https://pm.example.com/t/7")]


def test_removed_item_clears_the_pane(runtime, pane):
    from desktop.core.events import ItemsRemoved

    item = make_item(1)
    runtime.pipeline.handle(ItemsArrived("mail:work", [item]))
    p = pane()
    p.show_item(item)
    runtime.pipeline.handle(ItemsRemoved("mail:work", [item.id]))
    assert p.currentWidget() is p.placeholder


def test_facade_fetch_body_adapts_the_real_message_body(facade, monkeypatch):
    """The production seam: desktop.sources.imap.fetch_message's result as the UI's MailBody."""
    from desktop.sources import imap

    calls = []

    def fake_fetch(account, folder, uidvalidity, uid, password=None, timeout=30.0):
        calls.append((account.name, folder, uidvalidity, uid))
        return imap.MessageBody(
            subject="s",
            sender="a",
            to="me@example.com",
            cc="cc@example.com",
            date=None,
            message_id="<m@x>",
            text="plain",
            html="<p>safe</p>",
            attachments=(imap.Attachment("a.pdf", 2048, "application/pdf"), imap.Attachment("", 0, "")),
            remote_content_blocked=True,
        )

    monkeypatch.setattr(imap, "fetch_message", fake_fetch)
    item = make_item(1, payload={"account": "work", "folder": "INBOX", "uidvalidity": 7, "uid": 42})
    body = facade.fetch_body(item)
    assert calls == [("work", "INBOX", 7, 42)]
    assert body == MailBody(
        html="<p>safe</p>",
        text="plain",
        attachments=[("a.pdf", 2048), ("(unnamed)", 0)],
        cc="cc@example.com",
        to="me@example.com",
        remote_content_blocked=True,
    )
    gone = make_item(2, source="mail:old", payload={"account": "old"})
    with pytest.raises(LookupError, match="old is no longer set up"):
        facade.fetch_body(gone)


def test_reject_confirmation_box_is_window_modal_and_cancellable(qtbot, runtime, pane):
    from PySide6.QtWidgets import QMessageBox

    item = approval_item()
    runtime.pipeline.handle(ItemsArrived("gateway", [item]))
    p = pane()
    p.show()
    p.show_item(runtime.store.get_item(item.id))
    view = p.approval
    view.reject_button.click()  # returns at once: no nested event loop
    box = view._reject_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "差旅报销" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert runtime.store.pending("gateway") == []
    view.reject_button.click()
    box = view._reject_box
    [reject] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    reject.click()
    assert [e.action for e in runtime.store.pending("gateway")] == ["reject"]
