"""A person at the browser for sign-in tests: headless Chromium driven by Playwright.

One Chromium (Debian's ``/usr/bin/chromium``, never a downloaded build) runs per
``SignInBrowser``, with its DevTools endpoint on a loopback port. Tidings opens the sign-in page
through Python's ``webbrowser``, so tests set ``BROWSER`` to a script from
:meth:`SignInBrowser.browser_script`. ``webbrowser.open()`` waits for that script to exit, so
it only starts the driver (``python -m harness.signin_browser``) in the background and exits 0;
the driver connects to the running Chromium, opens the URL in a fresh context (no cookies from
an earlier sign-in) and plays a scenario on the provider's development pages:

- ``consent``: log in (any password), press Continue on the consent page
- ``deny``: log in, then "[ Cancel ]" on the consent page (the provider answers access_denied)
- ``wrong-state``: open the redirect address with a forged code and state, as a planted link would
- ``ignore``: open nothing (the loopback listener times out)
- ``device`` / ``device-deny``: on the verification page enter the user code, log in, consent
  (or abort)

Each driver appends ``start``, ``done``/``error`` lines to the log file; :meth:`wait_drivers`
waits for all of them. Every process is stopped by its PID.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from harness.net import free_port

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCENARIOS = ("consent", "deny", "wrong-state", "ignore", "device", "device-deny")
PASSWORD = "any-password"  # the provider's development login takes any password


class SignInBrowserError(RuntimeError):
    pass


class SignInBrowser:
    def __init__(self, root: Path | str | None = None, *, start_timeout: float = 30.0) -> None:
        self._own_root = root is None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="tidings-browser-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.start_timeout = start_timeout
        self.log_path = self.root / "drivers.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._drivers = 0

    @property
    def cdp_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- Chromium -------------------------------------------------------------------

    def start(self) -> SignInBrowser:
        if self._proc is not None:
            return self
        if not Path(CHROMIUM).exists():
            raise SignInBrowserError(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium")
        log = open(self.root / "chromium.log", "ab")  # noqa: SIM115 - handed to the child
        try:
            self._proc = subprocess.Popen(
                [
                    CHROMIUM,
                    "--headless",
                    "--no-sandbox",  # root in a container; Playwright passes the same
                    "--no-first-run",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--remote-debugging-address=127.0.0.1",
                    f"--remote-debugging-port={self.port}",
                    f"--user-data-dir={self.root / 'profile'}",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its zygote and renderers share our child's group
            )
        finally:
            log.close()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise SignInBrowserError(f"chromium exited with {self._proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.cdp_url}/json/version", timeout=1.0).status_code == 200:
                    return self
            time.sleep(0.05)
        self.stop()
        raise SignInBrowserError(f"chromium did not open DevTools within {self.start_timeout} s")

    def stop(self) -> None:
        self.wait_drivers(timeout=30.0)
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # renderers that outlived the browser process

    def cleanup(self) -> None:
        self.stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> SignInBrowser:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()

    # -- drivers --------------------------------------------------------------------

    def _driver_command(
        self, scenario: str, login: str, user_code: str | None, launch: bool = False
    ) -> list[str]:
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}")
        cmd = [sys.executable, "-m", "harness.signin_browser", "--cdp", self.cdp_url, "--scenario", scenario]
        if launch:
            cmd.append("--launch")
        cmd += ["--login", login, "--log", str(self.log_path)]
        if user_code:
            cmd += ["--user-code", user_code]
        return cmd

    def browser_script(self, scenario: str, login: str = "alice", *, launch: bool = False) -> Path:
        """A ``BROWSER`` program: starts the driver for ``scenario`` in the background, exits 0.

        ``launch``: the driver starts a Chromium of its own (a user whose browser was closed)
        instead of using the shared one."""
        self._drivers += 1
        cmd = " ".join(shlex.quote(part) for part in self._driver_command(scenario, login, None, launch))
        script = self.root / f"browser-{scenario}-{self._drivers}.sh"
        script.write_text(
            "#!/bin/sh\n"
            "# webbrowser.open() waits for this script: hand the URL to a background driver.\n"
            f"cd {shlex.quote(str(REPO))} || exit 1\n"
            f'setsid {cmd} "$1" </dev/null >>{shlex.quote(str(self.root / "drivers.out"))} 2>&1 &\n'
            "exit 0\n"
        )
        script.chmod(0o700)
        return script

    def drive(self, scenario: str, url: str, *, login: str = "alice", user_code: str | None = None) -> None:
        """Start a driver directly (the device flow: the user types the code on another device)."""
        self._drivers += 1
        with open(self.root / "drivers.out", "ab") as out:
            subprocess.Popen(
                [*self._driver_command(scenario, login, user_code), url],
                cwd=REPO,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def events(self) -> list[dict[str, object]]:
        try:
            lines = self.log_path.read_text().splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    def wait_drivers(self, timeout: float = 60.0) -> list[dict[str, object]]:
        """Wait until every driver started so far has finished; returns the final events."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.events()
            finished = [e for e in events if e.get("event") in ("done", "error")]
            if len(finished) >= self._drivers or time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        # A driver that did not finish in time is stopped by its PID.
        started = {e["pid"] for e in events if e.get("event") == "start"}
        ended = {e["pid"] for e in finished}
        for pid in started - ended:
            with contextlib.suppress(ProcessLookupError, PermissionError, TypeError):
                os.kill(int(str(pid)), signal.SIGKILL)
        return finished

    def driver_output(self) -> str:
        try:
            return (self.root / "drivers.out").read_text(errors="replace")
        except FileNotFoundError:
            return ""


# -- the driver process --------------------------------------------------------------------


def _log(path: str, event: str, **fields: object) -> None:
    with open(path, "a") as f:
        f.write(json.dumps({"event": event, "pid": os.getpid(), "time": time.time(), **fields}) + "\n")


def _run(cdp: str | None, scenario: str, login: str, url: str, user_code: str | None) -> str:
    from playwright.sync_api import sync_playwright

    if scenario == "ignore":
        return "ignored"
    with sync_playwright() as p:
        if cdp is None:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        else:
            browser = p.chromium.connect_over_cdp(cdp, timeout=30_000)
        context = browser.new_context()
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)
            if scenario == "wrong-state":
                query = parse_qs(urlsplit(url).query)
                redirect = query["redirect_uri"][0]
                page.goto(f"{redirect}?{urlencode({'code': 'forged-code', 'state': 'not-the-one'})}")
                return page.inner_text("body")
            page.goto(url)
            if scenario.startswith("device"):
                if user_code and "user_code=" not in url:
                    page.fill("input[name=user_code]", user_code)
                    page.click("button[type=submit]")
                # oidc-provider asks to confirm the code on the device before the login
                confirm = page.locator("button[name=abort]")
                if confirm.count():
                    if scenario == "device-deny":
                        confirm.click()
                        page.wait_for_load_state()
                        return page.inner_text("body")
                    page.click("button[autofocus]")
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.get_by_text("Authorize").first.wait_for()
            if scenario == "deny":
                page.click("a[href*='/abort']")
            else:
                page.click("button[type=submit]")
            if scenario.startswith("device"):
                page.get_by_text("Sign-in Success").first.wait_for()
            else:
                redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
                page.wait_for_url(redirect + "*")
                page.wait_for_load_state()
            return page.inner_text("body")
        finally:
            context.close()
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cdp", required=True)
    parser.add_argument("--scenario", choices=SCENARIOS, required=True)
    parser.add_argument("--login", default="alice")
    parser.add_argument("--user-code")
    parser.add_argument("--log", required=True)
    parser.add_argument("--launch", action="store_true", help="start a Chromium instead of using --cdp")
    parser.add_argument("url")
    args = parser.parse_args(argv)
    # Never log the URL: it carries the state and code challenge of a live sign-in.
    _log(args.log, "start", scenario=args.scenario)
    try:
        page_text = _run(
            None if args.launch else args.cdp, args.scenario, args.login, args.url, args.user_code
        )
    except Exception as exc:
        _log(args.log, "error", scenario=args.scenario, error=f"{type(exc).__name__}: {exc}"[:2000])
        return 1
    _log(args.log, "done", scenario=args.scenario, page=page_text[:500])
    return 0


if __name__ == "__main__":
    sys.exit(main())
