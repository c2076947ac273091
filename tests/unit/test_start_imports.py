"""What a start costs (issue 9): the tray app and its sources import neither the OAuth
client nor SMTP's modules, and an account's sender thread starts only once it has mail to
send. Figures are in benchmarks/bench_idle.py and bench_startup.py, not asserted here."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.config.settings import MailAccount
from desktop.sources.imap import ImapSource
from desktop.store import Store
from harness.net import free_port

ROOT = Path(__file__).resolve().parents[2]

#: Loaded on first use only: an OAuth2 account or SSO, a reply or a send, a mail body
#: opened or an HTML part read.
ON_USE = (
    "httpx",
    "authlib",
    "joserfc",
    "cryptography",
    "desktop.sources.oauth.client",
    "desktop.sources.gateway.sso",
    "desktop.app.composing",
    "desktop.sources.smtp",
    "smtplib",
    "desktop.sources.imap.body",
    "nh3",
)

PROBE = f"""
import sys
import desktop.app.cli, desktop.ui.app
from desktop.app.runtime import Runtime
from desktop.sources.imap import ImapSource
from desktop.sources.gateway import GatewaySource
print(",".join(m for m in {ON_USE!r} if m in sys.modules))
"""


def run_probe(code: str, qt: bool = True) -> str:
    """``code`` in a fresh interpreter (what a start imports is only seen there); its stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if qt:
        env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_tray_app_and_its_sources_import_no_oauth_client_and_no_smtp() -> None:
    output = run_probe(PROBE)
    assert output.strip() == ""


LINECACHE_PROBE = """
import linecache, sys
import desktop.app.cli, desktop.ui.app
from desktop.sources.imap import ImapSource
from desktop.sources.gateway import GatewaySource
feature = sys.modules["shibokensupport.feature"]
print(getattr(feature._mod_uses_pyside, "tidings", False))
print(",".join(sorted(linecache.cache)))
print(feature.pyside_feature_dict["desktop.ui.bridge"], feature.pyside_feature_dict["desktop.store"])
"""


#: Not imported by a mail-only start on Linux: urllib.request (and http.client) only for a
#: PAC file or the Windows / macOS proxy settings (websockets imports it when the gateway is
#: on), plistlib only for macOS's policy file, tomli_w only when settings are saved,
#: email.policy only for a body, a reply or a draft (a new mail is listed from its header).
MAIL_ONLY_UNUSED = ("urllib.request", "http.client", "plistlib", "tomli_w", "email.policy")

MAIL_ONLY_PROBE = f"""
import sys
import desktop.app.cli
from desktop.config import policy, settings
from desktop.sources.imap import ImapSource
from desktop.sources.net import network, pac, proxy
from desktop.sources.imap import parse
policy.read()  # Linux: the TOML policy file, if any
parse.listing_from_message(parse.parse_header_bytes(b"Subject: =?utf-8?q?hi?=\\r\\n\\r\\n"), preview_text="")
print(",".join(m for m in {MAIL_ONLY_UNUSED!r} if m in sys.modules))
"""


def test_a_mail_only_start_imports_no_urllib_request_plistlib_toml_writer_or_email_policy() -> None:
    output = run_probe(MAIL_ONLY_PROBE, qt=False)
    assert output.strip() == ""


def test_settings_are_still_written_as_toml() -> None:
    # tomli_w is imported inside to_toml now; PAC fetching, the macOS policy file and the
    # Windows / macOS proxies have their own tests (test_net_pac, test_policy, test_net_proxy).
    from desktop.config.settings import Settings, to_toml

    assert 'host = "h"' in to_toml(Settings(mail=[MailAccount(name="w", host="h", username="u")]))


def test_pyside_keeps_no_copy_of_the_modules_source() -> None:
    # PYSIDE-2029's scan read every module's source through linecache (~9 MB at idle);
    # desktop.ui replaces it with a read of the file that caches nothing.
    output = run_probe(LINECACHE_PROBE)
    installed, cached, marks = output.splitlines()
    assert installed == "True"
    assert cached == ""
    # PySide's answer is unchanged: 0 = the module uses PySide6, -1 = PySide ignores it.
    assert marks == "0 -1"


def sender_threads(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"smtp:{name}" and t.is_alive()]


def test_the_sender_thread_starts_when_mail_is_queued_not_before(tmp_path: Path) -> None:
    # Nothing listens on the port: the folder worker retries quietly, which is all it does here.
    account = MailAccount(
        name="lazy",
        host="127.0.0.1",
        port=free_port(),
        security="plain",
        username="u",
        password_command="echo x",
    )
    store = Store(tmp_path / "inbox.sqlite3")
    source = ImapSource(account, store, backoff_first=5.0, backoff_cap=5.0, timeout=2.0)
    try:
        source.start(lambda _event: None)
        assert sender_threads("lazy") == []
        store.enqueue(
            source.id, "send", {"message_id": "<m@example.org>"}, item_id="out:lazy:<m@example.org>"
        )
        source.outbox_changed()  # what the composer does after queuing a mail
        assert len(sender_threads("lazy")) == 1
        source.outbox_changed()  # a second mail: the same thread
        assert len(sender_threads("lazy")) == 1
    finally:
        asyncio.run(source.stop())
        store.close()


def test_mail_left_queued_by_the_last_run_starts_the_sender_at_once(tmp_path: Path) -> None:
    account = MailAccount(
        name="left",
        host="127.0.0.1",
        port=free_port(),
        security="plain",
        username="u",
        password_command="echo x",
    )
    store = Store(tmp_path / "inbox.sqlite3")
    source = ImapSource(account, store, backoff_first=5.0, backoff_cap=5.0, timeout=2.0)
    store.enqueue(source.id, "send", {"message_id": "<m@example.org>"}, item_id="out:left:<m@example.org>")
    try:
        source.start(lambda _event: None)
        assert len(sender_threads("left")) == 1
    finally:
        asyncio.run(source.stop())
        store.close()


def test_windows_system_proxies_are_still_read_through_urllib(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    from desktop.sources.net import proxy

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(
        urllib.request, "getproxies_registry", lambda: {"https": "http://p:3128"}, raising=False
    )
    monkeypatch.setattr(urllib.request, "proxy_bypass_registry", lambda host: host == "intra", raising=False)
    proxies, bypassed = proxy._os_proxies()
    assert proxies == {"https": "http://p:3128"}
    assert bypassed("intra") and not bypassed("example.com")


LOCK_PROBE = """
import sys, tempfile
from pathlib import Path
import desktop.app.cli, desktop.ui.app
from desktop.app.single_instance import SingleInstance
folder = Path(tempfile.mkdtemp())
instance = SingleInstance(folder)
assert instance.claim()
shown = []
instance.set_handler(lambda: shown.append(1))
assert not SingleInstance(folder).claim()  # a second launch, asking the first to show itself
import time
deadline = time.monotonic() + 5
while not shown and time.monotonic() < deadline:
    time.sleep(0.01)
instance.release()
assert shown == [1]
print(",".join(m for m in ("filelock", "decimal", "multiprocessing") if m in sys.modules))
"""


def test_the_single_instance_lock_imports_neither_filelock_nor_decimal() -> None:
    # Nor multiprocessing on Unix: its connection module was 0.35 MB at idle for one
    # socket; Windows' named pipe still goes through it.
    # The lock is the standard library's flock / msvcrt.locking; filelock brought decimal
    # (0.7 MB for the life of the process). tests/unit/test_single_instance.py checks the
    # lock itself, across processes too.
    output = run_probe(LOCK_PROBE)
    assert output.strip() == ""


HTML_PROBE = """
import sys
import desktop.app.cli, desktop.ui.app
from desktop.notifications import freedesktop
from desktop.sources.imap import ImapSource, parse
from desktop.sources.gateway import GatewaySource
assert freedesktop._markup_escape("a & <b>") == "a &amp; &lt;b&gt;"
print(",".join(m for m in ("html", "html.entities") if m in sys.modules))
"""


def test_the_html_module_waits_for_the_first_html_part() -> None:
    # Its HTML5 entity table is 0.35 MB: imported by html_to_text on the first HTML-only
    # mail, and notification markup is escaped without it.
    output = run_probe(HTML_PROBE)
    assert output.strip() == ""


def test_html_parts_still_read_and_markup_still_escaped_as_html_escape_does() -> None:
    import html

    from desktop.notifications.freedesktop import _markup_escape
    from desktop.sources.imap.parse import html_to_text

    assert html_to_text("<p>Tom &amp; Jerry</p><p>caf&eacute; &lt;3</p>").split() == [
        "Tom",
        "&",
        "Jerry",
        "café",
        "<3",
    ]
    for text in [
        "",
        "plain",
        "a & b",
        "<script>x</script>",
        "&amp; &lt;",
        "'\"quotes\"'",
        "<<&&>>",
        "é <b>ü</b>",
    ]:
        assert _markup_escape(text) == html.escape(text, quote=False), text


TRAY_PROBE = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop.ui import icons
from desktop.ui.tray import paint_icon
app.setWindowIcon(icons.app_bitmaps())
for count, warning in ((0, False), (7, True), (188, False)):
    for size in (16, 22, 64):
        paint_icon(icons.app_bitmaps(), count, warning, size)
# fontconfig maps its cache files (<hash>-le64.cache-N) once Qt's font database loads;
# the library itself is always linked.
print(any("-le64.cache-" in line for line in open("/proc/self/maps")))
print("PySide6.QtSvg" in sys.modules)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_painting_the_tray_icon_loads_neither_fonts_nor_the_svg_module() -> None:
    # A QFont for the badge kept fontconfig's configuration and cache mapped for the
    # life of the app (3.4 MB at idle), the SVG app icon Qt's SVG module (1.5 MB): the
    # badge is drawn from outlines, the icon from its PNGs.
    fonts, svg = run_probe(TRAY_PROBE).split()
    assert fonts == "False"
    assert svg == "False"


NATIVE_PROBE = """
import asyncio, sys
from desktop.notifications.backends import pick_backend

class Handler:
    def __getattr__(self, name):
        return lambda *args: None

async def main():
    backend = await pick_backend(Handler(), None)
    await backend.close()
    return backend.name

loaded = [m for m in ("dbus_fast", "desktop_notifier", "bidict") if m in sys.modules]
print(asyncio.run(main()) + "|" + ",".join(loaded))
"""


def test_native_notifications_on_linux_load_neither_dbus_fast_nor_desktop_notifier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Together 5 MB resident for the life of the tray app; jeepney is 0.5 (issue 9).
    from harness.fake_notifications import FakeNotifications

    with FakeNotifications() as service:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", service.address)
        output = run_probe(NATIVE_PROBE, qt=False)
    assert output.strip() == "freedesktop (fallback: none)|"
