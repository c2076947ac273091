"""The settings file: declared once, validated with clear messages, layered, never holds secrets."""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path

import pytest

from desktop.config import reference
from desktop.config.layers import Layer, policy_layers
from desktop.config.options import parse_quiet_hours
from desktop.config.settings import (
    OPTIONS,
    ConfigError,
    MailAccount,
    Settings,
    blank_account,
    load,
    load_layers,
    option,
    save,
    to_toml,
)

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
        ("[[mail]]\nname='a'\nhost='h'\nusername='u'\nport='993'\n", "port must be a whole number"),
        ("[[mail]]\nname='a'\nhost='h'\nusername='u'\npassword='x'\n", "unknown setting"),
        ("[colors]\nx=1\n", "unknown section"),
        ("[[mail]\n", "not valid TOML"),
        (
            "[[mail]]\nname='a'\nhost='h'\nusername='u'\n[[mail]]\nname='a'\nhost='h'\nusername='u'\n",
            "two mail accounts",
        ),
        (
            "[[mail]]\nname='a'\nhost='h'\nusername='u'\nca_file='/nonexistent.pem'\n",
            "ca_file names a file that does not exist: /nonexistent.pem",
        ),
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


# -- every check, in the loader: the message names the file, the option and the problem ----------

ACCOUNT = "[[mail]]\nname='work'\nhost='imap.example.com'\nusername='ann'\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[notifications]\nquiet_hours='25:00-08:00'\n",
            r"\[notifications\]: quiet_hours must look like 19:00-08:00",
        ),
        ("[notifications]\nquiet_hours='7pm-8am'\n", "quiet_hours must look like 19:00-08:00"),
        ("[notifications]\nquiet_hours='19:00-08:61'\n", "quiet_hours must look like"),
        ("[notifications]\nenabled='yes'\n", "enabled must be true or false"),
        ("[notifications]\nvip_senders='boss'\n", "vip_senders must be a list of texts"),
        ("[notifications]\nmuted_sources=[1]\n", "muted_sources must be a list of texts"),
        ("[gateway]\nurl='https://gw.example.com'\n", r"\[gateway\]: url must start with wss://"),
        ("[gateway]\nurl='wss://'\n", "url must start with wss://"),
        ("[gateway]\nurl='wss://gw example.com'\n", "url must start with wss://"),
        ("[gateway]\nca_file='/nonexistent/ca.pem'\n", "ca_file names a file that does not exist"),
        ("[gateway]\nurl=1\n", "url must be text in quotes"),
        ("[gateway]\nurll='wss://gw'\n", r'unknown setting "urll" \(did you mean "url"\?\)'),
        (
            "[notification]\nenabled=true\n",
            r'unknown section \[notification\] \(did you mean "notifications"\?\)',
        ),
        ("[mail]\nname='a'\n", r"\[\[mail\]\] must be an array of tables"),
        (ACCOUNT + "port=70000\n", 'mail account "work" .*: port must be between 1 and 65535'),
        (ACCOUNT + "folders=[]\n", "folders must name at least one folder"),
        (ACCOUNT + "folders=['INBOX', ' ']\n", "folders must name at least one folder, and no empty one"),
        (ACCOUNT + "webmail_url='https://mail.example.com/'\n", r"webmail_url needs \{message_id\}"),
        ("[[mail]]\nname='work'\nhost='  '\nusername='ann'\n", "host must not be empty"),
        ("[[mail]]\nname='a/b'\nhost='h'\nusername='u'\n", "name must be 1-64 letters"),
        ("[[mail]]\nhost='h'\nusername='u'\n", r"the \[\[mail\]\] table number 1: missing name"),
    ],
)
def test_every_check_names_the_file_and_the_option(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    "text",
    [
        "[notifications]\nquiet_hours='19:00 - 08:00'\n",
        "[notifications]\nquiet_hours='7:30-8:00'\n",
        "[notifications]\nquiet_hours=''\n",
        "[gateway]\nurl='ws://127.0.0.1:8765'\n",
        "[gateway]\nurl='wss://gw.example.com:443/v1'\n",
        ACCOUNT + "webmail_url='https://mail.example.com/#search/{message_id}'\nport=0\n",
    ],
)
def test_good_values_load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    load(path)


def test_an_existing_ca_file_is_accepted(tmp_path: Path) -> None:
    ca = tmp_path / "corp-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    path = tmp_path / "settings.toml"
    path.write_text(f"[gateway]\nurl='wss://gw'\nca_file='{ca}'\n" + ACCOUNT + f"ca_file='{ca}'\n")
    s = load(path)
    assert s.gateway.ca_file == str(ca) and s.mail[0].ca_file == str(ca)


def test_quiet_hours_have_one_parser() -> None:
    assert parse_quiet_hours("19:00 - 08:00") == (time(19), time(8))
    assert parse_quiet_hours("") is None
    for bad in ("24:00-08:00", "19:00", "19-08", "19:00-08:60"):
        with pytest.raises(ValueError, match="19:00-08:00"):
            parse_quiet_hours(bad)
    from desktop.notifications import dispatcher

    assert dispatcher.parse_quiet_hours is parse_quiet_hours


def test_the_table_declares_every_field_once() -> None:
    paths = [o.path for o in OPTIONS]
    assert len(paths) == len(set(paths))
    assert {"mail.host", "gateway.url", "gateway.ca_file", "notifications.quiet_hours"} <= set(paths)
    for o in OPTIONS:
        assert o.title and o.description.endswith("."), o.path
    assert option("mail.security").default == "tls" and option("mail.host").required
    assert option("mail.folders").default == ["INBOX"]


def test_the_reference_in_docs_is_generated_from_the_table() -> None:
    """Run `python -m desktop.config.reference --write` after changing a declaration."""
    assert reference.DOC.read_text(encoding="utf-8") == reference.markdown()
    for o in OPTIONS:
        assert f"| `{o.key}` |" in reference.markdown()


# -- layers: enforced > the user's file > the organisation's defaults > built-in ------------------

POLICY = """
[enforced.gateway]
url = "wss://gw.corp.example"

[enforced.mail]
security = "tls"

[defaults.notifications]
quiet_hours = "19:00-08:00"
urgent_breaks_through = false

[defaults.mail]
host = "imap.corp.example"
"""


def test_policy_layers_merge_option_by_option(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY)
    user = tmp_path / "settings.toml"
    user.write_text(
        "[gateway]\nurl = 'wss://my.own.gateway'\n"
        "[notifications]\nurgent_breaks_through = true\n"
        "[[mail]]\nname = 'work'\nusername = 'ann'\nsecurity = 'plain'\n"
    )
    s = load(user, policy_layers(policy))
    assert s.gateway.url == "wss://gw.corp.example"  # enforced beats the user's file ...
    assert "settings.toml: [gateway] url is set by your organisation" in caplog.text  # ... with a warning
    assert s.mail[0].security == "tls" and "mail account" in caplog.text
    assert s.mail[0].host == "imap.corp.example"  # the organisation's default fills a gap
    assert s.notifications.quiet_hours == "19:00-08:00"
    assert s.notifications.urgent_breaks_through is True  # the user's file beats a default
    assert s.is_enforced("gateway.url") and s.is_enforced("mail.security")
    assert not s.is_enforced("notifications.quiet_hours")
    # Saving writes the user's own choices only: nothing enforced, nothing inherited.
    saved = tomllib.loads(to_toml(s))
    assert "gateway" not in saved
    assert saved["notifications"] == {"urgent_breaks_through": True}
    assert saved["mail"] == [{"name": "work", "username": "ann", "host": "imap.corp.example"}]
    assert blank_account(s).host == "imap.corp.example" and blank_account(s).security == "tls"


def test_policy_file_mistakes_name_the_policy_file_and_leave_out_only_the_bad_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 9: a malformed policy gets a clear message and Tidings still starts (it used
    to stop with a ConfigError). A bad value is left out; the rest is still enforced."""
    policy = tmp_path / "policy.toml"
    policy.write_text("[enforced.gateway]\nurl = 'http://x'\n[enforced.notifications]\nenabled = false\n")
    s = load(tmp_path / "settings.toml", policy_layers(policy))
    (problem,) = s.policy_problems
    assert "policy.toml [enforced]: [gateway]: url must start with wss://" in problem
    assert problem.endswith("it is ignored") and problem in caplog.text
    assert s.gateway.url == "" and s.notifications.enabled is False and s.is_enforced("notifications.enabled")
    policy.write_text("[enforce.gateway]\nurl = 'wss://x'\n")
    s = load(tmp_path / "settings.toml", policy_layers(policy))
    assert any(
        re.search(r"unknown table \[enforce\] \(did you mean \"enforced\"\?\)", p) for p in s.policy_problems
    )


def test_layers_merge_without_files() -> None:
    """The merge itself takes any list of layers, in any order."""
    s = load_layers(
        [
            Layer("defaults", {"notifications": {"enabled": False}}),
            Layer("mine", {"notifications": {"quiet_hours": "22:00-07:00"}}, user=True),
            Layer("enforced", {"notifications": {"quiet_hours": "23:00-06:00"}}, enforced=True),
        ]
    )
    assert s.notifications.enabled is False
    assert s.notifications.quiet_hours == "23:00-06:00"
    assert s.enforced == {"notifications.quiet_hours": "23:00-06:00"}
