"""The account form's sending settings: declared once, validated, derived defaults shown."""

from __future__ import annotations

from desktop.config.settings import MailAccount
from desktop.ui.settings_dialog import AccountDialog


def test_sending_settings_round_trip_and_are_checked(qtbot):
    account = MailAccount(
        name="Work",
        host="imap.example.com",
        username="li",
        sender_name="Li Lei",
        address="li.lei@example.com",
        smtp_security="tls",
        smtp_port=2465,
        sent_folder="Gesendet",
        archive_folder="Archiv",
        trash_folder="Papierkorb",
    )
    form = AccountDialog(account, set(), None)
    qtbot.addWidget(form)
    assert form.account() == account
    assert form.smtp_host.placeholderText() == "Default: smtp.example.com"
    form.host.setText("mail.example.org")
    assert form.smtp_host.placeholderText() == "Default: mail.example.org"

    form.address.setText("li lei at example")
    assert not form.ok_button.isEnabled()
    assert "Mail address must be a mail address like name@example.com" in form.problems_label.text()
    form.address.setText("")
    assert form.ok_button.isEnabled()
    assert form.account().sender_address == ""  # "li" is not an address: sending will ask for one
