"""The keyring asked from a child process (the tray app on Linux, issue 9): real child
processes against a file keyring (harness/file_keyring.py) and keyring's failing backend,
a helper that crashes or never answers, and what the parent has loaded afterwards."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config import keyring_child, secrets
from harness import file_keyring
from tests.unit.test_start_imports import run_probe

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def child_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "keyring" / "keyring.json"
    for name, value in file_keyring.environment(path).items():  # PYTHONPATH too, for the child
        monkeypatch.setenv(name, value)
    secrets.ask_keyring_from_child()
    yield path
    secrets.ask_keyring_from_child(False)


@pytest.mark.parametrize("secret", ["hunter2", "pässwörd 密码 🔑", 'quo"te\\back\nline', "lone \udc80 half"])
def test_a_secret_goes_in_and_comes_back_through_children(child_mode: Path, secret: str) -> None:
    secrets.set_secret(secrets.mail_key("work"), secret)
    assert file_keyring.FileKeyring(child_mode).get_password(secrets.SERVICE, "mail:work") == secret
    assert secrets.get_secret(secrets.mail_key("work")) == secret
    assert secrets.stored_state(secrets.mail_key("work")) == "stored"
    secrets.delete_secret(secrets.mail_key("work"))
    secrets.delete_secret(secrets.mail_key("work"))  # nothing stored: no error either
    assert secrets.stored_state(secrets.mail_key("work")) == "missing"
    with pytest.raises(secrets.SecretError) as raised:
        secrets.get_secret(secrets.mail_key("work"))
    assert not isinstance(raised.value, secrets.KeyringUnavailable)  # "set it in Settings"


def test_the_secret_is_never_on_a_command_line(child_mode: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    real_run = subprocess.run

    def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        seen.append(list(args))
        return real_run(args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(subprocess, "run", run)
    secrets.set_secret("proxy", "s3cr3t-on-stdin")
    assert seen and all("s3cr3t-on-stdin" not in " ".join(args) for args in seen)


def test_no_keyring_is_said_as_such(child_mode: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    assert secrets.stored_state(secrets.GATEWAY_KEY) == "no-keyring"
    with pytest.raises(secrets.KeyringUnavailable) as raised:
        secrets.get_secret(secrets.GATEWAY_KEY)
    assert "no system keyring" in str(raised.value)
    assert "recommended backend" in raised.value.detail.lower()  # keyring's own words, for the log


def test_a_helper_that_crashes_or_hangs_is_a_missing_keyring_not_a_hang(
    child_mode: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring_child, "command", lambda: [sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(secrets.KeyringUnavailable) as raised:
        secrets.get_secret(secrets.mail_key("work"))
    assert "exit 3" in raised.value.detail
    garbage = "import sys; sys.stderr.buffer.write(bytes([255, 254]) + b'\\n'); sys.exit(5)"
    monkeypatch.setattr(keyring_child, "command", lambda: [sys.executable, "-c", garbage])
    for early in (False, True):  # not UTF-8 on stderr: still said as a missing keyring
        if early:
            secrets.prefetch([secrets.mail_key("work")])
        with pytest.raises(secrets.KeyringUnavailable) as raised:
            secrets.get_secret(secrets.mail_key("work"))
        assert "exit 5" in raised.value.detail
    monkeypatch.setattr(keyring_child, "command", lambda: [sys.executable, "-c", "print('not json')"])
    assert secrets.stored_state(secrets.mail_key("work")) == "no-keyring"
    monkeypatch.setattr(secrets, "CHILD_TIMEOUT_S", 0.5)
    monkeypatch.setattr(
        keyring_child, "command", lambda: [sys.executable, "-c", "import time; time.sleep(30)"]
    )
    with pytest.raises(secrets.KeyringUnavailable) as raised:
        secrets.get_secret(secrets.mail_key("work"))
    assert "did not answer" in raised.value.detail


def test_the_child_refuses_a_request_that_is_not_one() -> None:
    done = subprocess.run(keyring_child.command(), input="[1, 2]", capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and keyring_child.parse(done.stdout) == {
        "error": "the request is not a JSON object"
    }


def test_a_module_in_the_working_folder_is_not_imported_by_the_child(
    child_mode: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "keyring.py").write_text("raise SystemExit('the working folder was imported')\n")
    monkeypatch.chdir(tmp_path)
    secrets.set_secret("gateway", "token")
    assert secrets.get_secret("gateway") == "token"


def test_the_bundle_starts_the_child_with_the_same_flag() -> None:
    entry = (ROOT / "packaging" / "entry.py").read_text(encoding="utf-8")
    assert f'sys.argv[1:] == ["{keyring_child.FLAG}"]' in entry


PROBE = """
import sys
from desktop.config import secrets
secrets.ask_keyring_from_child()
secrets.set_secret("mail:work", "hunter2")
assert secrets.get_secret("mail:work") == "hunter2"
print(",".join(m for m in ("keyring", "secretstorage", "cryptography", "jeepney") if m in sys.modules))
"""


def test_asking_from_a_child_leaves_keyring_out_of_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in file_keyring.environment(tmp_path / "k" / "keyring.json").items():
        monkeypatch.setenv(name, value)
    assert run_probe(PROBE, qt=False).strip() == ""


def test_the_first_logins_passwords_come_from_one_early_child_once(
    child_mode: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = file_keyring.FileKeyring(child_mode)
    store.set_password(secrets.SERVICE, "mail:work", "first")
    store.set_password(secrets.SERVICE, "mail:home", "second")
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(args: list[str], **kwargs: object) -> subprocess.Popen[str]:
        started.append(list(args))
        return real_popen(args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(subprocess, "Popen", popen)
    secrets.prefetch(["mail:work", "mail:home", "mail:none"])
    assert len(started) == 1  # one child for all three, started at once
    assert secrets.get_secret("mail:home") == "second"  # waits for the child's answer
    assert secrets.stored_state("mail:none") == "missing"
    store.set_password(secrets.SERVICE, "mail:work", "changed")  # after the child read it
    assert secrets.get_secret("mail:work") == "first"  # the early answer
    assert secrets.get_secret("mail:work") == "changed"  # taken once: then the keyring afresh
    assert len(started) == 2  # the early child, then one for the fresh lookup only


def test_an_early_child_that_fails_is_a_missing_keyring_for_each_of_its_keys(
    child_mode: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring_child, "command", lambda: [sys.executable, "-c", "raise SystemExit(4)"])
    secrets.prefetch(["mail:work", "mail:home"])
    for key in ("mail:work", "mail:home"):
        with pytest.raises(secrets.KeyringUnavailable) as raised:
            secrets.get_secret(key)
        assert "exit 4" in raised.value.detail
