"""The settings file: declared once, validated with clear messages, never holds secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.config.settings import ConfigError, MailAccount, Settings, load, save, to_toml

GOOD = """
[[mail]]
name = "work"
host = "imap.example.com"
username = "ann"

[[mail]]
name = "home"
host = "mail.example.org"
port = 1143
security = "starttls"
username = "ann@example.org"
folders = ["INBOX", "Lists/dev"]
password_command = "pass show mail"

[gateway]
url = "wss://gw.example.com"
"""


def test_load_good_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(GOOD)
    s = load(path)
    assert [a.name for a in s.mail] == ["work", "home"]
    assert s.mail[0].effective_port == 993 and s.mail[0].folders == ["INBOX"]
    assert s.mail[1].effective_port == 1143 and s.mail[1].source_id == "mail:home"
    assert s.gateway.enabled


def test_missing_file_is_empty_settings(tmp_path: Path) -> None:
    s = load(tmp_path / "none.toml")
    assert s.mail == [] and not s.gateway.enabled


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[mail]]\nname='a'\nhost='h'\n", "missing username"),
        ("[[mail]]\nname='a'\nhost='h'\nusername='u'\nsecurity='ssl3'\n", "security must be one of"),
        ("[[mail]]\nname='a'\nhost='h'\nusername='u'\nport='993'\n", "port must be a int"),
        ("[[mail]]\nname='a'\nhost='h'\nusername='u'\npassword='x'\n", "unknown setting"),
        ("[colors]\nx=1\n", "unknown section"),
        ("[[mail]\n", "not valid TOML"),
        (
            "[[mail]]\nname='a'\nhost='h'\nusername='u'\n[[mail]]\nname='a'\nhost='h'\nusername='u'\n",
            "two mail accounts",
        ),
        ("[[mail]]\nname='a'\nhost='h'\nusername='u'\nca_file='/nonexistent.pem'\n", "CA file"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load(path)


def test_plain_is_allowed_but_warned(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[[mail]]\nname='a'\nhost='h'\nusername='u'\nsecurity='plain'\n")
    assert load(path).mail[0].security == "plain"
    assert "unencrypted" in caplog.text


def test_save_round_trips_atomically(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "settings.toml"
    s = Settings(mail=[MailAccount(name="work", host="h", username="u", folders=["INBOX", "归档"])])
    save(s, path)
    assert load(path).mail == s.mail
    assert not list(path.parent.glob("*.tmp"))
    assert "password" not in to_toml(s)


def test_save_to_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot save"):
        save(Settings(), blocker / "settings.toml")
