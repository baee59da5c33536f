"""Members-only mode (ui/auth.py): with it on, a visitor who is not signed in sees a sign-in button and nothing else.

No identity provider is reachable here, so these tests drive the gate with AppTest (secrets and st.user are set on
the AppTest) and check what renders — content, downloads and navigation must be absent for non-members.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdata import settings

DASHBOARD = settings.PROJECT_ROOT / "dashboard.py"
AUTHLIB = importlib.util.find_spec("authlib") is not None

# A stand-in page behind the gate: content, a download, and the members' marker text.
GATED_APP = f"""
import sys
sys.path.insert(0, {str(settings.PROJECT_ROOT)!r})
import streamlit as st
from ui.auth import require_member
require_member()
st.title("Incident trends")
st.write("MEMBERS CONTENT 12345")
st.download_button("Download CSV", data="a,b\\n1,2\\n", file_name="data.csv")
"""

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "dashboard", "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration"}


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
    return "\n".join(map(str, parts))


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
    if AUTHLIB:
        assert [b.label for b in at.button] == ["Sign in"]
    else:  # st.login cannot work without Authlib: say so instead of offering a button that fails
        assert not at.button
        assert "Authlib" in _text(at)


def test_anonymous_default_user_is_not_a_member():
    at = _run({"auth": AUTH, "dashboard": {"members_only": "true"}}, user={"email": "someone@example.org"})
    assert not _content_shown(at)


def test_signed_in_member_sees_content_and_sign_out():
    user = {"is_logged_in": True, "email": "ana@example.gov.uk", "name": "Ana *bold* <b>x</b>"}
    at = _run({"auth": AUTH, "dashboard": {"members_only": True}}, user=user)
    assert _content_shown(at)
    assert len(_downloads(at)) == 1
    assert "Sign out" in [b.label for b in at.sidebar.button]
    assert any("Signed in as" in c.value and "\\*bold\\*" in c.value for c in at.sidebar.caption)


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
