"""Members-only mode (ui/auth.py): with it on, a visitor who is not signed in sees a sign-in button and nothing else.

These tests drive the gate with AppTest (secrets and st.user are set on the AppTest) and check what renders:
content, downloads and navigation must be absent for non-members, and a configuration that is not safe (placeholder
or short cookie_secret, placeholder client settings, missing sign-in modules, not started through serve.py) shows
only the operator's message. The real sign-in through an OpenID Connect provider in Chromium is
tests/e2e/test_signin_oidc.py.
"""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from govdata import settings
from ui import auth, http_guard

DASHBOARD = settings.PROJECT_ROOT / "dashboard.py"


@pytest.fixture(autouse=True)
def hosted(monkeypatch):
    """As in a replica started through serve.py (AppTest runs the script in this process)."""
    monkeypatch.setitem(http_guard._state, "active", True)


# A stand-in page behind the gate: content, a download, and the members' marker text.
GATED_APP = """
import streamlit as st
from ui.auth import require_member
require_member()
st.title("Incident trends")
st.write("MEMBERS CONTENT 12345")
st.download_button("Download CSV", data="a,b\\n1,2\\n", file_name="data.csv")
"""

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "dashboard",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration",
}


def _run(secrets: dict, user: dict | None = None) -> AppTest:
    at = AppTest.from_string(GATED_APP, default_timeout=30)
    for key, value in secrets.items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [e.value for e in at.error]
    parts += [c.value for c in at.caption]
    return "\n".join(map(str, parts)).replace("\\", "")  # as read on the page (Markdown escapes removed)


def _downloads(at: AppTest) -> list:
    return list(at.get("download_button"))


def _content_shown(at: AppTest) -> bool:
    return "MEMBERS CONTENT 12345" in _text(at)


def test_off_by_default_everyone_sees_content():
    at = _run({"unrelated": "value"})
    assert _content_shown(at)
    assert len(_downloads(at)) == 1
    assert not [b for b in at.button if b.label == "Sign in"]


def test_auth_section_alone_does_not_switch_it_on():
    at = _run({"auth": AUTH}, user={"is_logged_in": False})
    assert _content_shown(at)


def test_flag_without_auth_section_fails_closed():
    at = _run({"dashboard": {"members_only": True}}, user={"is_logged_in": False})
    assert not _content_shown(at)
    assert not _downloads(at)
    assert "[auth] section is missing" in _text(at)


def test_incomplete_auth_section_fails_closed_naming_the_missing_keys():
    auth = {k: v for k, v in AUTH.items() if k != "cookie_secret"}
    at = _run({"auth": auth, "dashboard": {"members_only": True}}, user={"is_logged_in": True, "email": "a@b.c"})
    assert not _content_shown(at)
    assert "cookie_secret" in _text(at)


def test_visitor_not_signed_in_sees_only_sign_in():
    at = _run({"auth": AUTH, "dashboard": {"members_only": True}}, user={"is_logged_in": False})
    assert not _content_shown(at)
    assert not _downloads(at)
    assert [t.value for t in at.title] == ["Members only"]
    assert [b.label for b in at.button] == ["Sign in"]


def test_anonymous_default_user_is_not_a_member():
    at = _run({"auth": AUTH, "dashboard": {"members_only": "true"}}, user={"email": "someone@example.org"})
    assert not _content_shown(at)


def test_signed_in_member_sees_content_and_sign_out():
    user = {"is_logged_in": True, "email": "ana@example.gov.uk", "name": "Ana *bold* <b>x</b>"}
    at = _run({"auth": AUTH, "dashboard": {"members_only": True}}, user=user)
    assert _content_shown(at)
    assert len(_downloads(at)) == 1
    assert "Sign out" in [b.label for b in at.sidebar.button]
    assert any("Signed in as" in c.value and "\\*bold\\*" in c.value for c in at.sidebar.caption)  # inert


def test_email_domain_allow_list():
    secrets = {"auth": AUTH, "dashboard": {"members_only": True, "allowed_email_domains": ["example.gov.uk"]}}
    outsider = _run(secrets, user={"is_logged_in": True, "email": "eve@example.com"})
    assert not _content_shown(outsider)
    assert not _downloads(outsider)
    assert "not on the members list" in _text(outsider)
    member = _run(secrets, user={"is_logged_in": True, "email": "Ana@Example.gov.uk"})
    assert _content_shown(member)


def test_dashboard_calls_the_gate_before_navigation():
    """The real app: with members-only on and nobody signed in, no page of the dashboard renders."""
    if not DASHBOARD.exists():
        pytest.fail(f"{DASHBOARD} does not exist")
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.secrets["dashboard"] = {"members_only": True}
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Members only"]
    assert not _downloads(at)
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric


# ---------------------------------------------------------------- configurations that must not serve anybody


def _refused(secrets: dict, caplog, *, expect: str, user: dict | None = None) -> AppTest:
    auth._logged.clear()
    with caplog.at_level(logging.ERROR, logger="dashboard.hosting"):
        at = _run(secrets, user=user or {"is_logged_in": True, "email": "ana@example.gov.uk"})
    assert not _content_shown(at) and not _downloads(at), "a refused configuration showed content"
    assert not at.button, "no sign-in (or any) button while the configuration is unsafe"
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and expect in errors[0].replace("\\", ""), errors
    logged = [r.getMessage() for r in caplog.records if r.name == "dashboard.hosting"]
    assert any("REFUSES TO SERVE" in m and expect in m for m in logged), logged
    return at


def _example_auth() -> dict:
    return dict(auth._example_values(), redirect_uri=AUTH["redirect_uri"])


@pytest.mark.parametrize(
    "secret, expect",
    [
        ("CHANGE-ME-to-a-long-random-string", "placeholder"),
        ("change-me-but-it-is-long-enough-really-yes-it-is", "placeholder"),
        ("short-but-random-3f9a", f"{len('short-but-random-3f9a')} characters long"),
    ],
)
def test_placeholder_or_short_cookie_secret_is_refused(secret, expect, caplog):
    _refused({"auth": dict(AUTH, cookie_secret=secret), "dashboard": {"members_only": True}}, caplog, expect=expect)


def test_secrets_copied_from_the_example_with_only_the_urls_changed_are_refused(caplog):
    copied = dict(_example_auth(), server_metadata_url="https://idp.example.org/.well-known/openid-configuration")
    assert copied["cookie_secret"] == "CHANGE-ME-to-a-long-random-string"  # the committed example's value
    at = _refused({"auth": copied, "dashboard": {"members_only": True}}, caplog, expect="cookie_secret")
    assert "CHANGE-ME-to-a-long-random-string" not in _text(at), "the message must not echo the secret"


def test_placeholder_client_id_is_refused(caplog):
    secrets = {"auth": dict(AUTH, client_id="CHANGE-ME"), "dashboard": {"members_only": True}}
    _refused(secrets, caplog, expect="client_id")


def test_missing_signin_module_is_named(monkeypatch, caplog):
    monkeypatch.setattr(auth, "SIGNIN_MODULES", auth.SIGNIN_MODULES + ("no_such_module_for_signin",))
    _refused(
        {"auth": AUTH, "dashboard": {"members_only": True}},
        caplog,
        expect="no_such_module_for_signin",
        user={"is_logged_in": False},
    )


def test_every_signin_module_is_installed():
    """pyproject.toml pins streamlit[auth] (Authlib + httpx): Authlib's Starlette client imports here."""
    assert auth.signin_modules_missing() == []


def test_not_started_through_serve_py_is_refused(monkeypatch, caplog):
    monkeypatch.setitem(http_guard._state, "active", False)
    _refused({"auth": AUTH, "dashboard": {"members_only": True}}, caplog, expect="serve.py")
