"""OAuthClient logic against a scripted token endpoint (httpx.MockTransport): refresh timing,
rotation, one refresh at a time, device-flow polling. The real provider is in
tests/integration/test_oauth_sign_in.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from desktop.sources.oauth import (
    OAuthClient,
    OAuthSetupError,
    ProviderUnavailable,
    SignInRequired,
    classify,
    custom,
)
from desktop.sources.oauth.client import DeviceSignIn

ISSUER = "https://id.corp.example"
PROVIDER = custom(
    "corp",
    issuer=ISSUER,
    client_id="tidings",
    scopes=["openid", "offline_access", "mail"],
    resource="urn:mail",
)
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/auth",
    "token_endpoint": f"{ISSUER}/token",
    "device_authorization_endpoint": f"{ISSUER}/device/auth",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Provider:
    """A scripted provider: ``token`` answers the token endpoint, every request is recorded."""

    def __init__(self, token: Callable[[dict[str, str]], httpx.Response]) -> None:
        self.token = token
        self.requests: list[dict[str, str]] = []
        self.device_answer: dict[str, Any] = {
            "device_code": "dc-1",
            "user_code": "ABCD-EFGH",
            "verification_uri": f"{ISSUER}/device",
            "expires_in": 600,
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=DISCOVERY)
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.requests.append({"path": request.url.path, **form})
        if request.url.path == "/device/auth":
            return httpx.Response(200, json=self.device_answer)
        return self.token(form)


def client(
    provider: Provider, saved: list[str], clock: Clock, refresh_token: str | None = "rt-0", **kw: Any
) -> OAuthClient:
    return OAuthClient(
        PROVIDER,
        save_refresh_token=saved.append,
        refresh_token=refresh_token,
        clock=clock,
        transport=httpx.MockTransport(provider),
        **kw,
    )


def rotating() -> Callable[[dict[str, str]], httpx.Response]:
    count = 0

    def answer(form: dict[str, str]) -> httpx.Response:
        nonlocal count
        count += 1
        return httpx.Response(
            200,
            json={
                "access_token": f"at-{count}",
                "refresh_token": f"rt-{count}",
                "expires_in": 600,
                "token_type": "Bearer",
            },
        )

    return answer


def test_refreshes_only_when_the_token_is_about_to_expire_and_saves_the_rotated_one() -> None:
    clock, saved = Clock(), []
    idp = Provider(rotating())
    c = client(idp, saved, clock, refresh_margin=120)
    assert c.access_token() == "at-1"  # none yet: refresh with the stored token
    assert idp.requests[-1]["refresh_token"] == "rt-0"
    assert idp.requests[-1]["grant_type"] == "refresh_token"
    assert idp.requests[-1]["resource"] == "urn:mail"
    assert saved == ["rt-1"]
    clock.now += 600 - 121
    assert c.access_token() == "at-1"  # still outside the margin
    clock.now += 2
    assert c.access_token() == "at-2"  # inside it: refreshed before it expires
    assert idp.requests[-1]["refresh_token"] == "rt-1"  # the rotated one
    assert saved == ["rt-1", "rt-2"]
    assert "at-2" not in repr(c) and "rt-2" not in repr(c)


def test_a_refresh_without_a_new_refresh_token_keeps_the_old_one() -> None:
    clock, saved = Clock(), []
    idp = Provider(lambda form: httpx.Response(200, json={"access_token": "at", "expires_in": 60}))
    c = client(idp, saved, clock)
    assert c.access_token() == "at"
    c.access_token(force_refresh=True)
    assert [r["refresh_token"] for r in idp.requests] == ["rt-0", "rt-0"]
    assert saved == []


def test_threads_asking_at_once_cause_one_refresh() -> None:
    # Refresh tokens rotate: a second refresh with the consumed token would be refused.
    release = threading.Event()
    answer = rotating()

    def slow(form: dict[str, str]) -> httpx.Response:
        release.wait(5)
        return answer(form)

    clock, saved = Clock(), []
    idp = Provider(slow)
    c = client(idp, saved, clock)
    tokens: list[str] = []
    threads = [threading.Thread(target=lambda: tokens.append(c.access_token())) for _ in range(5)]
    for t in threads:
        t.start()
    release.set()
    for t in threads:
        t.join(10)
    assert tokens == ["at-1"] * 5
    assert len(idp.requests) == 1 and saved == ["rt-1"]


def test_a_revoked_refresh_token_means_sign_in_again_and_saves_nothing() -> None:
    clock, saved = Clock(), []
    idp = Provider(
        lambda form: httpx.Response(
            400, json={"error": "invalid_grant", "error_description": "grant request is invalid"}
        )
    )
    c = client(idp, saved, clock)
    with pytest.raises(SignInRequired) as info:
        c.access_token()
    assert info.value.reason == "invalid_grant" and classify(info.value) == "sign_in_again"
    assert "sign in to corp again" in info.value.message
    assert saved == []


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(503, text="<html>maintenance</html>"),
        httpx.Response(502, json={"error": "bad gateway"}),
        httpx.Response(400, json={"error": "temporarily_unavailable"}),
        httpx.Response(200, text="<html>captive portal</html>"),
    ],
)
def test_provider_trouble_is_an_outage(response: httpx.Response) -> None:
    clock, saved = Clock(), []
    c = client(Provider(lambda form: response), saved, clock)
    with pytest.raises(ProviderUnavailable) as info:
        c.access_token()
    assert classify(info.value) == "outage"
    assert saved == []


def test_unreachable_provider_is_an_outage() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    c = OAuthClient(
        PROVIDER, save_refresh_token=list().append, refresh_token="rt", transport=httpx.MockTransport(refuse)
    )
    with pytest.raises(ProviderUnavailable) as info:
        c.access_token()
    assert info.value.reason == "unreachable"


def test_no_refresh_token_means_sign_in_again_without_asking_the_provider() -> None:
    idp = Provider(rotating())
    c = client(idp, [], Clock(), refresh_token=None)
    assert not c.signed_in
    with pytest.raises(SignInRequired) as info:
        c.access_token()
    assert info.value.reason == "no_refresh_token"
    assert idp.requests == []


# -- device flow (RFC 8628) --------------------------------------------------------------


def device_flow(
    answers: list[httpx.Response], **device: Any
) -> tuple[OAuthClient, Provider, list[float], list[str]]:
    queue = list(answers)
    idp = Provider(lambda form: queue.pop(0))
    idp.device_answer.update(device)
    clock, saved, sleeps = Clock(), [], []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.now += seconds

    c = client(idp, saved, clock, refresh_token=None, sleep=sleep)
    return c, idp, sleeps, saved


def error(code: str) -> httpx.Response:
    return httpx.Response(400, json={"error": code})


def test_device_flow_polls_at_the_interval_and_slows_down_when_told() -> None:
    ok = httpx.Response(200, json={"access_token": "at", "refresh_token": "rt", "expires_in": 300})
    c, idp, sleeps, saved = device_flow(
        [error("authorization_pending"), error("slow_down"), error("authorization_pending"), ok], interval=2
    )
    device = c.start_device_sign_in()
    assert (device.user_code, device.verification_uri, device.interval) == (
        "ABCD-EFGH",
        f"{ISSUER}/device",
        2,
    )
    assert "dc-1" not in repr(device)
    c.finish_device_sign_in(device)
    assert sleeps == [2, 2, 7, 7]  # +5 s after slow_down, for good
    polls = [r for r in idp.requests if r["path"] == "/token"]
    assert {r["grant_type"] for r in polls} == {"urn:ietf:params:oauth:grant-type:device_code"}
    assert {r["device_code"] for r in polls} == {"dc-1"}
    assert saved == ["rt"] and c.access_token() == "at"


def test_device_flow_without_interval_polls_every_five_seconds() -> None:
    ok = httpx.Response(200, json={"access_token": "at", "expires_in": 300})
    c, _, sleeps, _ = device_flow([ok])
    c.finish_device_sign_in(c.start_device_sign_in())
    assert sleeps == [5]


@pytest.mark.parametrize("code", ["access_denied", "expired_token"])
def test_device_flow_declined_or_expired_means_sign_in_again(code: str) -> None:
    c, _, _, saved = device_flow([error("authorization_pending"), error(code)], interval=1)
    with pytest.raises(SignInRequired) as info:
        c.finish_device_sign_in(c.start_device_sign_in())
    assert info.value.reason == code
    assert saved == []


def test_device_flow_stops_at_its_own_deadline() -> None:
    c, idp, _, saved = device_flow([error("authorization_pending")] * 10, interval=4, expires_in=10)
    with pytest.raises(SignInRequired) as info:
        c.finish_device_sign_in(c.start_device_sign_in())
    assert info.value.reason == "expired_token"
    assert len([r for r in idp.requests if r["path"] == "/token"]) == 2  # at 4 s and 8 s; 12 s is past
    assert saved == []


def test_device_flow_keeps_polling_through_a_short_outage() -> None:
    ok = httpx.Response(200, json={"access_token": "at", "refresh_token": "rt", "expires_in": 300})
    c, _, _, saved = device_flow([httpx.Response(503), error("authorization_pending"), ok], interval=1)
    c.finish_device_sign_in(c.start_device_sign_in())
    assert saved == ["rt"]


def test_device_flow_can_be_cancelled() -> None:
    c, _, _, saved = device_flow([error("authorization_pending")] * 3, interval=1)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SignInRequired) as info:
        c.finish_device_sign_in(c.start_device_sign_in(), cancel=cancel)
    assert info.value.reason == "cancelled" and saved == []


def test_a_provider_without_device_flow_says_so() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={k: v for k, v in DISCOVERY.items() if k != "device_authorization_endpoint"}
        )

    c = OAuthClient(PROVIDER, save_refresh_token=list().append, transport=httpx.MockTransport(answer))
    with pytest.raises(OAuthSetupError) as info:
        c.start_device_sign_in()
    assert info.value.reason == "no_device_flow"


def test_device_answer_pointing_at_plain_http_is_refused() -> None:
    c, _, _, _ = device_flow([], verification_uri="http://phish.example/device")
    with pytest.raises(OAuthSetupError):
        c.start_device_sign_in()


def test_device_sign_in_keeps_its_code_out_of_its_repr() -> None:
    device = DeviceSignIn("U", "https://x/device", None, 600, 5, device_code="secret-device-code")
    assert "secret-device-code" not in repr(device)
    assert json.dumps({"code": device.user_code})  # what a UI shows is plain data


def test_tokens_are_registered_for_redaction_in_tidings_logs() -> None:
    from desktop.config.logs import redact

    access, refresh = "AccessTok-" + "x" * 30, "RefreshTok-" + "y" * 30
    idp = Provider(lambda form: httpx.Response(200, json={"access_token": access, "refresh_token": refresh}))
    c = client(idp, [], Clock(), refresh_token="StoredRefreshTok-" + "z" * 30)
    assert "StoredRefreshTok" not in redact("a library logged StoredRefreshTok-" + "z" * 30)
    c.access_token()
    line = redact(f"qasync: Setting Future result? no, a plain line: {access} {refresh}")
    assert access not in line and refresh not in line


# -- the asyncio wrapper -----------------------------------------------------------------------


def test_async_wrapper_refreshes_in_a_thread() -> None:
    import asyncio

    from desktop.sources.oauth.aio import AsyncOAuthClient

    saved: list[str] = []
    c = client(Provider(rotating()), saved, Clock())
    assert asyncio.run(AsyncOAuthClient(c).access_token()) == "at-1"
    assert saved == ["rt-1"]


def test_cancelling_the_awaiting_task_stops_the_device_polling() -> None:
    import asyncio

    from desktop.sources.oauth.aio import AsyncOAuthClient

    polled, finished = threading.Event(), threading.Event()
    outcome: list[BaseException] = []

    def pending(form: dict[str, str]) -> httpx.Response:
        polled.set()
        return error("authorization_pending")

    class Watched(OAuthClient):
        def finish_device_sign_in(
            self, device: DeviceSignIn, *, cancel: threading.Event | None = None
        ) -> None:
            try:
                super().finish_device_sign_in(device, cancel=cancel)
            except BaseException as exc:
                outcome.append(exc)
                raise
            finally:
                finished.set()

    idp = Provider(pending)
    idp.device_answer["interval"] = 1
    c = Watched(PROVIDER, save_refresh_token=list().append, transport=httpx.MockTransport(idp))

    async def run() -> None:
        wrapper = AsyncOAuthClient(c)
        device = await wrapper.start_device_sign_in()
        task = asyncio.create_task(wrapper.finish_device_sign_in(device))
        await asyncio.to_thread(polled.wait, 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
    assert finished.wait(10)
    assert isinstance(outcome[0], SignInRequired) and outcome[0].reason == "cancelled"


def test_sign_out_forgets_locally_even_when_the_provider_is_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    c = OAuthClient(
        PROVIDER, save_refresh_token=list().append, refresh_token="rt", transport=httpx.MockTransport(refuse)
    )
    assert c.signed_in
    assert c.sign_out() is False
    assert not c.signed_in
    with pytest.raises(SignInRequired):
        c.access_token()
