"""Screenshots of "Add account" → first mail under Xvfb, for reviewing the UI (not a test).

    .venv/bin/python scripts/screenshots_add_account.py OUT_DIR

Runs the harness provider, Dovecot (passdb oauth2), a local DNS server and an HTTPS server
with a private CA (the domain example.test: its MX is localhost, its autoconfig file names
localhost and OAuth2), a desktop session (Xvfb, D-Bus, dunst, trayer, gnome-keyring), the
add-account dialog with headless Chromium signing in through BROWSER, then the real tray app
(`tidings`) receiving the first mail; `import -window root` after each step.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tomllib
import webbrowser
from email.message import EmailMessage
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.app.account_login import Lookups  # noqa: E402
from desktop.config.layers import Layer, policy_layers_from  # noqa: E402
from desktop.config.settings import load_layers, to_toml  # noqa: E402
from harness.desktop_session import DesktopSession  # noqa: E402
from harness.dns_server import DnsServer  # noqa: E402
from harness.dovecot import Dovecot  # noqa: E402
from harness.idp import RESOURCE_IMAP, IdentityProvider  # noqa: E402
from harness.proxies import HttpsServer, PrivateCA  # noqa: E402
from harness.signin_browser import SignInBrowser  # noqa: E402

CONFIG = """<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.test">
  <domain>example.test</domain><displayName>Example Corp</displayName>
  <incomingServer type="imap"><hostname>localhost</hostname><port>{port}</port>
    <socketType>SSL</socketType><username>%EMAILLOCALPART%</username>
    <authentication>OAuth2</authentication></incomingServer>
</emailProvider></clientConfig>"""


def shot(out: Path, name: str, session: DesktopSession) -> None:
    subprocess.run(
        ["import", "-window", "root", str(out / f"{name}.png")],
        env={**os.environ, **session.env},
        check=True,
        timeout=30,
    )
    print("screenshot", out / f"{name}.png", flush=True)


def pump(app: object, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tidings-shots-"))
    ca = PrivateCA(work / "ca")
    with (
        IdentityProvider(work / "idp") as idp,
        SignInBrowser(work / "browser") as browser,
        Dovecot(oauth2=idp.dovecot_validation("introspection")) as dovecot,
        DnsServer({("example.test", "MX"): ["10 localhost."]}) as dns,
        HttpsServer(ca) as https,
        DesktopSession(tray=True, keyring_password="pw") as session,
        session.environ(),
    ):
        dovecot.add_user("alice", "unused")
        https.files["/autoconfig.example.test/mail/config-v1.1.xml"] = (
            CONFIG.format(port=dovecot.imaps_port).encode(),
            "application/xml",
        )
        policy = {
            "defaults": {"mail": {"ca_file": dovecot.ca_file}},
            "enforced": {
                "oauth": {
                    "corp": {
                        "issuer": idp.issuer,
                        "client_id": idp.client_id,
                        "scopes": ["openid", "offline_access", "mail"],
                        "resource": RESOURCE_IMAP,
                    }
                }
            },
        }
        policy_file = work / "policy.toml"
        policy_file.write_text(tomli_w.dumps(policy), encoding="utf-8")
        settings = load_layers([Layer("settings.toml", {}, user=True), *policy_layers_from(policy, "policy")])

        os.environ["QT_QPA_PLATFORM"] = "xcb"
        os.environ["BROWSER"] = str(browser.browser_script("consent", "alice"))
        webbrowser._tryorder = None  # type: ignore[attr-defined]
        from PySide6.QtWidgets import QApplication

        from desktop.ui.add_account import AddAccountDialog

        app = QApplication([])
        lookups = Lookups(
            nameserver=dns.host,
            nameserver_port=dns.port,
            autoconfig_base=https.url(""),
            ca_file=str(ca.ca_file),
            proxy="none",
        )
        dialog = AddAccountDialog(settings, set(), lookups=lookups, sign_in_timeout=60)
        dialog.move(300, 150)
        dialog.show()
        dialog.name.setText("Work")
        dialog.address.setText("alice@example.test")
        pump(app, 1.0)
        shot(out, "1-address", session)
        dialog.next_button.click()
        deadline = time.monotonic() + 30
        while dialog.pages.currentIndex() != dialog.PAGE_FOUND and time.monotonic() < deadline:
            pump(app, 0.1)
        pump(app, 0.5)
        shot(out, "2-found", session)
        dialog.next_button.click()
        pump(app, 0.5)
        shot(out, "3-sign-in", session)
        dialog.sign_in_button.click()
        deadline = time.monotonic() + 60
        while not dialog.signed_in and time.monotonic() < deadline:
            pump(app, 0.1)
        pump(app, 0.5)
        shot(out, "4-signed-in", session)
        account = dialog.account()
        dialog.next_button.click()
        pump(app, 0.3)

        config = work / "settings.toml"
        user = load_layers([Layer("x", {}, user=True)])
        user.mail.append(account)
        config.write_text(to_toml(user), encoding="utf-8")
        print(tomllib.loads(config.read_text()), flush=True)
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
        env.pop("BROWSER", None)
        cmd = [
            sys.executable,
            "-m",
            "desktop.app.cli",
            "--config",
            str(config),
            "--data-dir",
            str(work / "data"),
            "--policy",
            str(policy_file),
        ]
        tray = subprocess.Popen(cmd, cwd=ROOT, env=env)
        try:
            deadline = time.monotonic() + 30
            while dovecot.login_successes("alice") == 0 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2)
            msg = EmailMessage()
            msg["From"] = "Wang Fang <wang.fang@example.test>"
            msg["To"] = "alice@example.test"
            msg["Subject"] = "Welcome to Example Corp"
            msg.set_content("Your mail account is set up. See you at Monday's meeting!")
            dovecot.append("alice", msg.as_bytes())
            session.wait_notifications(1, timeout=20)
            time.sleep(1)
            shot(out, "5-first-mail-notification", session)
            subprocess.run(cmd, cwd=ROOT, env=env, timeout=30)  # a second launch shows the inbox
            time.sleep(3)
            shot(out, "6-inbox", session)
        finally:
            tray.terminate()
            tray.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")))
