"""An organisation's policy: where it is read from, account templates, enforced values,
mistakes that are reported without stopping Tidings, and the registry/plist mapping."""

from __future__ import annotations

import plistlib
import tomllib
from pathlib import Path
from typing import Any

import pytest

from desktop.app.cli import main
from desktop.config import policy
from desktop.config.layers import policy_layers
from desktop.config.settings import Settings, load, to_toml

TEMPLATES = """
[enforced.gateway]
url = "wss://gw.corp.example"

[defaults.general]
allow_add_accounts = false

[[enforced.mail]]
name = "work"
host = "imap.corp.example"
security = "starttls"
username = "{user}@corp.example"

[[defaults.mail]]
name = "work"
folders = ["INBOX", "Approvals"]
host = "ignored.example"   # the enforced template's host stays

[[defaults.mail]]
name = "archive"
host = "archive.corp.example"
username = "{user}"
"""


def load_with(tmp_path: Path, policy_text: str, user_text: str = "") -> Settings:
    (tmp_path / "policy.toml").write_text(policy_text)
    (tmp_path / "settings.toml").write_text(user_text)
    return load(tmp_path / "settings.toml", policy.read(tmp_path / "policy.toml"))


@pytest.fixture(autouse=True)
def login(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    if "login_name" not in request.node.name:
        monkeypatch.setattr("desktop.config.layers.login_name", lambda: "li.lei")


def test_a_preset_desktop_starts_configured(tmp_path: Path) -> None:
    s = load_with(tmp_path, TEMPLATES)
    assert [a.name for a in s.mail] == ["work", "archive"]
    work, archive = s.mail
    assert (work.host, work.security, work.username) == (
        "imap.corp.example",
        "starttls",
        "li.lei@corp.example",
    )
    assert work.folders == ["INBOX", "Approvals"]
    assert (archive.host, archive.username) == ("archive.corp.example", "li.lei")
    assert s.gateway.url == "wss://gw.corp.example" and s.general.allow_add_accounts is False
    assert s.is_enforced("mail.host", "work") and s.is_enforced("mail.name", "archive")
    assert not s.is_enforced("mail.host", "archive") and not s.is_enforced("mail.host")
    assert s.policy_problems == []
    assert to_toml(s) == ""  # nothing of the user's own: the file stays empty


def test_the_user_changes_a_default_but_not_an_enforced_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    user = (
        "[[mail]]\nname = 'work'\nhost = 'evil.example'\nfolders = ['INBOX']\n"
        "[[mail]]\nname = 'archive'\nport = 1993\n"
        "[[mail]]\nname = 'home'\nhost = 'mail.example.org'\nusername = 'me'\n"
    )
    s = load_with(tmp_path, TEMPLATES, user)
    work, archive, home = s.mail
    assert work.host == "imap.corp.example" and work.folders == ["INBOX"]
    assert 'mail account "work"' in caplog.text and "set by your organisation" in caplog.text
    assert s.ignored == {"work": {"mail.host": "evil.example"}}
    assert archive.port == 1993 and archive.host == "archive.corp.example"
    assert home.host == "mail.example.org" and "home" not in s.presets
    saved = tomllib.loads(to_toml(s))
    assert saved["mail"] == [
        {"name": "work", "folders": ["INBOX"]},
        {"name": "archive", "port": 1993},
        {"name": "home", "host": "mail.example.org", "username": "me"},
    ]
    assert load_with(tmp_path, TEMPLATES, to_toml(s)).mail == s.mail  # round trip
    assert s.origin("mail.host", "work") == "policy (enforced)"
    assert s.origin("mail.folders", "work") == "user"
    assert s.origin("mail.host", "archive") == "policy (default)"
    assert s.origin("mail.security", "archive") == "built-in"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[enforced\nurl=", "is not valid TOML"),
        ("[[enforced.mail]]\nhost = 'x'\n", "the [[mail]] template number 1: name is missing"),
        ("[[defaults.mail]]\nname = 'w'\nusername = 'u'\n", "the template for mail account 'w' has no host"),
        ("[enforced.gateway]\nurl = 'http://x'\n", "url must start with wss://"),
        ("[enforced.gateway]\nuri = 'wss://x'\n", 'unknown setting "uri" (did you mean "url"?)'),
        ("[enforced]\ngateway = 3\n", "[gateway] must be a table"),
        ("enforced = 1\n", "[enforced] must be a table"),
    ],
)
def test_a_malformed_policy_is_named_and_tidings_still_starts(
    tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    s = load_with(tmp_path, text)
    assert any(expected in p and "policy.toml" in p for p in s.policy_problems), s.policy_problems
    # The tidings command runs, and says what it left out on stderr.
    code = main(
        [
            "--config",
            str(tmp_path / "settings.toml"),
            "--policy",
            str(tmp_path / "policy.toml"),
            "account",
            "list",
        ]
    )
    assert code == 0 and expected in capsys.readouterr().err


def test_the_rest_of_a_policy_stays_in_force_around_a_bad_value(tmp_path: Path) -> None:
    s = load_with(
        tmp_path,
        "[enforced.notifications]\nprevious = 'hidden'\npreviews = 'hidden'\nquiet_hours = '25:00-08:00'\n",
    )
    assert s.notifications.previews == "hidden" and s.is_enforced("notifications.previews")
    assert s.notifications.quiet_hours == "" and len(s.policy_problems) == 2


def test_the_user_file_is_still_strict(tmp_path: Path) -> None:
    """Only the administrator's mistakes are forgiven: the user's own file is theirs to fix."""
    from desktop.config.settings import ConfigError

    with pytest.raises(ConfigError, match="two mail accounts are called 'w'"):
        load_with(tmp_path, "", "[[mail]]\nname='w'\nhost='h'\nusername='u'\n" * 2)


def test_where_the_policy_is_read_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(policy.ENV, raising=False)
    monkeypatch.setattr(policy, "_last_explicit", None)  # no tidings --policy in this process
    assert policy.location(platform="linux") == "/etc/tidings/policy.toml"
    assert policy.location(platform="win32") == r"HKEY_LOCAL_MACHINE\Software\Policies\Tidings"
    assert policy.location(platform="darwin") == "/Library/Managed Preferences/org.tidings.desktop.plist"
    monkeypatch.setattr(policy, "LINUX_FILE", tmp_path / "absent.toml")
    assert policy.read(platform="linux") == []  # no policy: nothing, and no problem
    file = tmp_path / "p.toml"
    file.write_text("[enforced.general]\nallow_add_accounts = false\n")
    monkeypatch.setenv(policy.ENV, str(file))
    assert policy.location() == str(file)
    assert load(tmp_path / "s.toml", policy.read()).general.allow_add_accounts is False


def test_an_unreadable_policy_file_is_named(tmp_path: Path) -> None:
    file = tmp_path / "policy.toml"
    file.write_bytes(b"\xff\xfe not utf-8")
    (layer,) = policy.read(file)
    assert "cannot read" in layer.problems[0] and str(file) in layer.problems[0]
    s = load(tmp_path / "s.toml", [layer])
    assert s.policy_problems == list(layer.problems)


# -- Windows and macOS: the mapping onto the policy document (the platform calls are faked) --


class FakeKey:
    def __init__(self, tree: dict[str, Any]) -> None:
        self.tree = tree

    def subkeys(self) -> list[str]:
        return [k for k, v in self.tree.items() if isinstance(v, dict)]

    def values(self) -> dict[str, Any]:
        return {k.lower(): v for k, v in self.tree.items() if not isinstance(v, dict)}


def fake_registry(tree: dict[str, Any]) -> Any:
    def open_key(path: str) -> FakeKey:
        node: Any = {"Software": {"Policies": tree}}
        for part in path.split("\\"):
            if not isinstance(node, dict) or part not in node:
                raise FileNotFoundError(path)
            node = node[part]
        return FakeKey(node)

    return open_key


def test_registry_values_map_onto_the_same_options() -> None:
    tree = {
        "Tidings": {
            "Enforced": {
                "Gateway": {"Url": "wss://gw.corp.example"},
                "Notifications": {"Enabled": 1, "Previews": "hidden", "VIP_senders": ["boss@corp.example"]},
                "MailAccounts": {
                    "1": {"Name": "work", "Host": "imap.corp.example", "Username": "{user}", "Port": 993}
                },
            },
            "Defaults": {"General": {"allow_add_accounts": 0}},
        }
    }
    data = policy.read_registry(fake_registry(tree))
    layers = policy.policy_layers_from(policy.coerce(data), policy.location(platform="win32"))
    s = load(Path("/nonexistent/settings.toml"), layers)
    assert s.policy_problems == []
    assert s.gateway.url == "wss://gw.corp.example" and s.notifications.enabled is True
    assert s.notifications.previews == "hidden" and s.notifications.vip_senders == ["boss@corp.example"]
    assert s.general.allow_add_accounts is False and not s.is_enforced("general.allow_add_accounts")
    (work,) = s.mail
    assert (work.name, work.host, work.username, work.port) == ("work", "imap.corp.example", "li.lei", 993)
    assert policy.read_registry(fake_registry({})) == {}  # no policy key: no policy


def test_a_registry_value_of_the_wrong_type_is_named() -> None:
    data = policy.read_registry(fake_registry({"Tidings": {"Enforced": {"Notifications": {"Enabled": 7}}}}))
    s = load(Path("/nonexistent/s.toml"), policy.policy_layers_from(policy.coerce(data), "HKLM"))
    assert s.notifications.enabled is True
    assert any("enabled must be true or false" in p for p in s.policy_problems)


def test_macos_managed_preferences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(policy.ENV, raising=False)
    monkeypatch.setattr(policy, "MAC_FOLDER", tmp_path)
    assert policy.read(platform="darwin") == []
    plist = {
        "enforced": {"notifications": {"previews": "sender"}},
        "defaults": {"mail": [{"name": "w", "host": "h", "username": "{user}"}]},
    }
    (tmp_path / "org.tidings.desktop.plist").write_bytes(plistlib.dumps(plist))
    s = load(tmp_path / "s.toml", policy.read(platform="darwin"))
    assert s.notifications.previews == "sender" and s.mail[0].username == "li.lei"
    (tmp_path / "org.tidings.desktop.plist").write_bytes(b"not a plist")
    (layer,) = policy.read(platform="darwin")
    assert "cannot read" in layer.problems[0]


def test_policy_layers_accept_the_old_table_form(tmp_path: Path) -> None:
    """``[defaults.mail]`` (one table) still applies to every account."""
    (tmp_path / "p.toml").write_text("[defaults.mail]\nhost = 'imap.corp.example'\n")
    (tmp_path / "s.toml").write_text("[[mail]]\nname = 'a'\nusername = 'u'\n")
    s = load(tmp_path / "s.toml", policy_layers(tmp_path / "p.toml"))
    assert s.mail[0].host == "imap.corp.example" and s.presets == {}


def test_the_login_name_comes_from_getpass() -> None:
    import getpass

    from desktop.config import layers

    assert layers.login_name() == getpass.getuser()


def test_user_in_a_policy_table_and_a_name_that_would_merge_every_account(tmp_path: Path) -> None:
    s = load_with(
        tmp_path,
        "[defaults.mail]\nname = 'all'\nusername = '{user}@corp.example'\nhost = 'imap.corp.example'\n",
        "[[mail]]\nname = 'a'\n[[mail]]\nname = 'b'\n",
    )
    assert [(a.name, a.username) for a in s.mail] == [
        ("a", "li.lei@corp.example"),
        ("b", "li.lei@corp.example"),
    ]
    assert any("an account's name belongs in a [[mail]] template" in p for p in s.policy_problems)


# -- autostart: a policy value applied to the login entry ---------------------------------------


@pytest.fixture
def login_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "autostart" / "tidings.desktop"


@pytest.mark.parametrize(
    ("policy_text", "user_text", "first_start", "before", "after"),
    [
        ("[enforced.general]\nautostart = true\n", "", False, False, True),
        ("[enforced.general]\nautostart = false\n", "", False, True, False),
        ("[defaults.general]\nautostart = true\n", "", True, False, True),  # the first start
        ("[defaults.general]\nautostart = true\n", "", False, False, False),  # the user turned it off
        ("", "", False, True, True),  # set nowhere: the user's own entry stays
        ("", "", False, False, False),
        ("", "[general]\nautostart = true\n", False, False, True),
    ],
)
def test_autostart_from_the_policy(
    tmp_path: Path,
    login_entries: Path,
    policy_text: str,
    user_text: str,
    first_start: bool,
    before: bool,
    after: bool,
) -> None:
    from desktop.app import autostart
    from desktop.app.cli import apply_autostart

    if before:
        autostart.set_enabled(True, platform="linux")
    apply_autostart(load_with(tmp_path, policy_text, user_text), first_start=first_start)
    assert login_entries.exists() is after
