"""Members-only mode: Streamlit's built-in OpenID Connect sign-in (st.login / st.user / st.logout) in front of
every page.

Off by default. It is on when .streamlit/secrets.toml has an [auth] section AND

    [dashboard]
    members_only = true

(see .streamlit/secrets.toml.example and docs/HOSTING.md). When on, `require_member()` must run before
st.navigation: a visitor who is not signed in sees only a sign-in button, and the script stops there, so no page,
figure or download is ever built for them. It fails closed: if the mode is on but sign-in is not fully set up
(missing [auth] keys; no Authlib to sign in with), nobody sees content and the message says what is missing.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Mapping

import streamlit as st

from ui.state import escape

SECTION = "dashboard"
FLAG = "members_only"
# Keys Streamlit needs in [auth] for every provider; client settings may sit in [auth] or [auth.<provider>].
SHARED_AUTH_KEYS = ("redirect_uri", "cookie_secret")
CLIENT_KEYS = ("client_id", "client_secret", "server_metadata_url")


def _secrets() -> Mapping:
    """The app's secrets, or {} when there is no secrets.toml (never raises, never prints into the page)."""
    try:
        return st.secrets if st.secrets.load_if_toml_exists() else {}
    except Exception:  # noqa: BLE001 - an unreadable secrets file means "not configured", reported by setup_problem
        return {}


def _flag_on(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "on")


def members_only() -> bool:
    """True when the secrets switch members-only mode on ([dashboard] members_only = true)."""
    section = _secrets().get(SECTION) or {}
    return isinstance(section, Mapping) and _flag_on(section.get(FLAG, False))


def login_provider() -> str | None:
    """The [auth.<name>] provider to sign in with ([dashboard] login_provider), or None for the flat [auth] one."""
    section = _secrets().get(SECTION) or {}
    name = section.get("login_provider") if isinstance(section, Mapping) else None
    return str(name) if name else None


def setup_problem() -> str | None:
    """Why sign-in cannot work as configured (None when it can). Only meaningful when members_only() is on."""
    auth = _secrets().get("auth")
    if not isinstance(auth, Mapping) or not auth:
        return "the [auth] section is missing from .streamlit/secrets.toml"
    missing = [key for key in SHARED_AUTH_KEYS if not auth.get(key)]
    if missing:
        return f"[auth] is missing {', '.join(missing)}"
    provider = login_provider()
    client = auth.get(provider) if provider else auth
    if not isinstance(client, Mapping):
        return f"there is no [auth.{provider}] section for login_provider = {provider!r}"
    missing = [key for key in CLIENT_KEYS if not client.get(key)]
    if missing:
        where = f"[auth.{provider}]" if provider else "[auth]"
        return f"{where} is missing {', '.join(missing)}"
    return None


def authlib_missing() -> bool:
    """st.login needs the Authlib package; without it nobody can sign in (members already signed in are unaffected)."""
    return importlib.util.find_spec("authlib") is None


def _allowed(email: object) -> bool:
    """Optional [dashboard] allowed_email_domains = ["example.gov.uk"]: only those addresses are members."""
    section = _secrets().get(SECTION) or {}
    domains = [str(d).lower().lstrip("@") for d in (section.get("allowed_email_domains") or [])]
    if not domains:
        return True
    address = str(email or "").lower()
    return "@" in address and address.rsplit("@", 1)[1] in domains


def is_member() -> bool:
    """Signed in (and, when a domain list is set, with an address in it)."""
    if st.user.get("is_logged_in", False) is not True:
        return False
    return _allowed(st.user.get("email"))


def require_member() -> None:
    """Stop the run unless the visitor may see the dashboard. Call it before st.navigation.

    Does nothing when members-only mode is off. When on: shows a sign-in button (or why sign-in is unavailable)
    and calls st.stop() for anyone who is not a member; for members, puts a sign-out button in the sidebar.
    """
    if not members_only():
        return
    problem = setup_problem()
    if problem:
        st.error("This dashboard is for members only, and sign-in is not set up correctly on the server, "
                 f"so nothing can be shown. For the administrator: {problem} (see docs/HOSTING.md).", icon="🔒")
        st.stop()
    if st.user.get("is_logged_in", False) is not True:
        st.title("Members only")
        st.markdown("This dashboard is available to members. Sign in to continue.")
        if authlib_missing():
            st.error("Sign-in is unavailable: the server lacks the Authlib package that Streamlit's sign-in needs. "
                     "For the administrator: pip install Authlib (see docs/HOSTING.md).", icon="🔒")
        else:
            provider = login_provider()
            st.button("Sign in", type="primary", key="auth_sign_in",
                      on_click=st.login, args=(provider,) if provider else ())
        st.stop()
    if not _allowed(st.user.get("email")):
        st.error("You are signed in, but this account is not on the members list for this dashboard.", icon="🔒")
        st.button("Sign out", key="auth_sign_out", on_click=st.logout)
        st.stop()
    with st.sidebar:
        name = st.user.get("name") or st.user.get("email") or "member"
        st.caption(f"Signed in as {escape(name)}")
        st.button("Sign out", key="auth_sign_out", on_click=st.logout)
