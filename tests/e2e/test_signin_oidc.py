"""Members-only mode for real: Chromium signs in through an OpenID Connect provider running on 127.0.0.1.

The provider is `oidc-provider-mock` (a real OIDC server: discovery, authorization form, code exchange with PKCE,
signed ID tokens, end-session endpoint), started here in a thread. The dashboard is started the hosted way
(`streamlit run serve.py`) with a secrets.toml naming that provider. Nothing is mocked inside the app: Streamlit's
own st.login / Authlib / httpx do the flow.

Also here, against the same kind of server: a download URL captured from the signed-in session is refused to a
cookieless client (403) and gone once the session has ended (404); sign-in cookies forged with the example's
secret or a wrong secret get nobody in; /_stcore/metrics answers 404.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import assert_clean_log, running_server
from e2e_helpers import PANEL_DOWNLOAD, app_text, open_chart_downloads, open_page, wait_idle

from deploy.server import SERVE, free_port

MEMBER = "ana@example.gov.uk"
MEMBER_NAME = "Ana Member"
EXAMPLE_SECRET = "CHANGE-ME-to-a-long-random-string"  # the committed .streamlit/secrets.toml.example value


@pytest.fixture(scope="module")
def oidc_provider():
    """A real OpenID Connect provider on 127.0.0.1 with one known member."""
    try:
        import oidc_provider_mock
    except ImportError as exc:  # pinned in the [test] extra: missing means the environment is broken
        pytest.fail(
            f"oidc-provider-mock is not installed ({exc}); python3 run.py test installs it (pip install -e .[test])"
        )
    users = [oidc_provider_mock.User(sub=MEMBER, claims={"email": MEMBER, "email_verified": True, "name": MEMBER_NAME})]
    with oidc_provider_mock.run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://127.0.0.1:{server.server_port}"


def _secrets_file(path: Path, *, app_port: int, provider: str, cookie_secret: str) -> Path:
    path.write_text(
        "[dashboard]\nmembers_only = true\n\n[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "dashboard-e2e"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def members_server(e2e_warehouse, oidc_provider, tmp_path_factory):
    """The dashboard in members-only mode, started with serve.py, signing in through the provider above."""
    log_dir = tmp_path_factory.mktemp("members-server")
    port = free_port()
    cookie_secret = secrets.token_hex(32)
    secrets_path = _secrets_file(
        log_dir / "secrets.toml", app_port=port, provider=oidc_provider, cookie_secret=cookie_secret
    )
    with running_server(
        e2e_warehouse, log_dir, script=SERVE, port=port, args=(f"--secrets.files={secrets_path}",)
    ) as srv:
        srv.extra_env["cookie_secret"] = cookie_secret
        yield srv
    assert_clean_log(srv)


def _fetch(url: str, cookies: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _shows_data(page) -> bool:
    return (
        page.locator('[data-testid="stPlotlyChart"]').count() > 0
        or page.locator('[data-testid="stMetric"]').count() > 0
    )


def _members_only_gate(page) -> None:
    text = app_text(page)
    assert "Members only" in text, text[:2000]
    assert not _shows_data(page), "a visitor who is not signed in saw charts or figures"
    assert page.get_by_role("button", name="Download").count() == 0
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0, "navigation shown before sign-in"


def _sign_in(page, srv) -> None:
    open_page(page, srv.url)
    _members_only_gate(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)  # the provider's authorization form
    page.get_by_placeholder("sub").fill(MEMBER)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{srv.url}/**", timeout=30_000)  # back through /oauth2callback
    wait_idle(page)


def test_sign_in_through_a_real_oidc_provider_then_sign_out(members_server, browser, screenshots_dir):
    srv = members_server
    page = browser.new_page()
    # 1-2. Not signed in: only the gate. Sign in through the provider's form.
    _sign_in(page, srv)
    # 3. Signed in: the Overview with its figures, and who is signed in.
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=60_000)
    assert _shows_data(page)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert f"Signed in as {MEMBER_NAME}" in sidebar, sidebar
    auth_cookies = {c["name"]: c["value"] for c in browser.context.cookies() if c["name"].startswith("_streamlit_user")}
    assert "_streamlit_user" in auth_cookies
    page.screenshot(path=str(screenshots_dir / "signed-in-overview.png"))
    # 4. Sign out: Streamlit sends the browser to the provider's end-session page, which returns to the app.
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/oauth2/end_session**", timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{srv.url}/**", timeout=30_000)
    wait_idle(page)
    # 5. Signed out: the gate again, no data, and the sign-in cookie is gone.
    _members_only_gate(page)
    assert not [c for c in browser.context.cookies() if c["name"] == "_streamlit_user"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wait_idle(page)
    _members_only_gate(page)
    page.screenshot(path=str(screenshots_dir / "members-only-gate-390.png"))


def test_captured_download_url_is_refused_without_the_session(members_server, browser):
    srv = members_server
    page = browser.new_page()
    _sign_in(page, srv)
    open_chart_downloads(page)
    with page.expect_download(timeout=60_000) as info:
        page.locator(PANEL_DOWNLOAD).filter(has_text="CSV").first.click()
    url = info.value.url
    assert "/media/" in url, url
    file_id = url.rsplit("/", 1)[1].split(".")[0]
    assert len(file_id) == 32 and int(file_id, 16) >= 0, f"not a 128-bit random id: {url}"
    cookies = {c["name"]: c["value"] for c in browser.context.cookies()}
    status, body = _fetch(url, cookies)
    assert status == 200 and body, (status, body[:200])  # the member's own browser: served
    # A client without the member's cookie: refused while the session is still open.
    status, _ = _fetch(url)
    assert status == 403, f"a cookieless client got {status} for {url}"
    # A forged cookie (signed with the example's public secret) is no better.
    forged = _forged_cookie(srv, EXAMPLE_SECRET)
    assert _fetch(url, forged)[0] == 403
    # The session ends (the tab closes): the URL is gone even for the member's own cookie.
    page.close()
    status, _ = _wait_for_status(url, cookies, 404)
    assert status == 404, f"the download was still served after its session ended ({status})"


def _wait_for_status(url: str, cookies: dict, wanted: int, timeout_s: float = 15.0) -> tuple[int, bytes]:
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        status, body = _fetch(url, cookies)
        if status == wanted or time.monotonic() > deadline:
            return status, body
        time.sleep(0.5)


def _forged_cookie(srv, secret: str) -> dict[str, str]:
    from ui import streamlit_private

    name = streamlit_private.user_cookie_name()
    payload = json.dumps(
        {"origin": srv.url, "is_logged_in": True, "email": MEMBER, "name": "Forged", "provider": "default"}
    )
    return {name: streamlit_private.sign_cookie(secret, name, payload)}


@pytest.mark.parametrize("secret", [EXAMPLE_SECRET, "a-wrong-secret-that-is-long-enough-1234567890"])
def test_forged_sign_in_cookie_is_refused(members_server, browser, secret):
    srv = members_server
    cookie = _forged_cookie(srv, secret)
    browser.context.add_cookies([{"name": k, "value": v, "url": srv.url} for k, v in cookie.items()])
    page = browser.new_page()
    open_page(page, srv.url)
    _members_only_gate(page)
    assert "Forged" not in app_text(page)


def test_example_secrets_refuse_to_serve_even_a_validly_signed_cookie(e2e_warehouse, oidc_provider, tmp_path, browser):
    """Secrets copied from the example with only the URLs changed: the server serves nobody, the log says why."""
    port = free_port()
    secrets_path = _secrets_file(
        tmp_path / "secrets.toml", app_port=port, provider=oidc_provider, cookie_secret=EXAMPLE_SECRET
    )
    with running_server(
        e2e_warehouse, tmp_path, script=SERVE, port=port, args=(f"--secrets.files={secrets_path}",)
    ) as srv:
        cookie = _forged_cookie(srv, EXAMPLE_SECRET)  # "valid" for this server's own (placeholder) secret
        browser.context.add_cookies([{"name": k, "value": v, "url": srv.url} for k, v in cookie.items()])
        page = browser.new_page()
        open_page(page, srv.url)
        text = app_text(page)
        assert "sign-in is not set up correctly" in text and "cookie_secret" in text, text[:2000]
        assert not _shows_data(page) and "Forged" not in text
        assert page.get_by_role("button").filter(has_text="Sign in").count() == 0
        assert "MEMBERS-ONLY MODE REFUSES TO SERVE" in srv.log() and "cookie_secret" in srv.log()
        assert EXAMPLE_SECRET not in text


def test_server_internals_are_not_served(members_server):
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json"):
        status, _ = _fetch(members_server.url + path)
        assert status == 404, f"{path} answered {status}"
    assert _fetch(members_server.url + "/_stcore/health")[0] == 200
