"""Members-only mode: Streamlit's built-in OpenID Connect sign-in (st.login / st.user / st.logout) in front of
every page.

Off by default. It is on when .streamlit/secrets.toml has an [auth] section AND

    [dashboard]
    members_only = true

(see .streamlit/secrets.toml.example and docs/HOSTING.md). When on, `require_member()` must run before
st.navigation: a visitor who is not signed in sees only a sign-in button, and the script stops there, so no page,
figure or download is ever built for them. It fails closed: if the mode is on but sign-in is not safely set up
(missing [auth] keys; cookie_secret or client settings still the example's placeholders, or a cookie_secret under
32 characters; a module sign-in needs is not installed; the server not started through serve.py, which checks
downloads against the sign-in cookie), nobody sees content: the page and the server log say what is wrong.
"""

from __future__ import annotations

import functools
import importlib
import logging
import tomllib
from collections.abc import Mapping

import streamlit as st

from govdata import settings
from ui import http_guard
from ui.state import escape

log = logging.getLogger("dashboard.hosting")

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


EXAMPLE_SECRETS = settings.PROJECT_ROOT / ".streamlit" / "secrets.toml.example"
PLACEHOLDER_MARKERS = ("CHANGE-ME", "YOUR-TENANT-ID")
MIN_COOKIE_SECRET = 32  # characters; the example command prints 64 hex characters
# st.login needs Authlib's Starlette client, which needs httpx (Streamlit's `auth` extra installs both).
SIGNIN_MODULES = ("authlib", "httpx", "itsdangerous", "authlib.integrations.starlette_client")
SERVE_COMMAND = ".venv/bin/python -m streamlit run serve.py"


@functools.cache
def _example_values() -> dict[str, str]:
    """Every string value of the committed secrets.toml.example, by key (a copied example is a placeholder)."""
    try:
        data = tomllib.loads(EXAMPLE_SECRETS.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    values: dict[str, str] = {}

    def walk(node):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value)
            elif isinstance(value, str):
                values.setdefault(key, value)

    walk(data)
    return values


def _placeholder(key: str, value: object) -> bool:
    text = str(value)
    return any(marker.lower() in text.lower() for marker in PLACEHOLDER_MARKERS) or text == _example_values().get(key)


def setup_problem() -> str | None:
    """Why sign-in cannot work safely as configured (None when it can). Only meaningful when members_only() is on.

    Never echoes a secret: the message names the key and what is wrong with it.
    """
    auth = _secrets().get("auth")
    if not isinstance(auth, Mapping) or not auth:
        return "the [auth] section is missing from .streamlit/secrets.toml"
    missing = [key for key in SHARED_AUTH_KEYS if not auth.get(key)]
    if missing:
        return f"[auth] is missing {', '.join(missing)}"
    secret = str(auth.get("cookie_secret"))
    if _placeholder("cookie_secret", secret):
        return (
            "[auth] cookie_secret is still the example's placeholder: anyone could sign a sign-in cookie "
            'with it. Set a long random value (python3 -c "import secrets; print(secrets.token_hex(32))")'
        )
    if len(secret) < MIN_COOKIE_SECRET:
        return (
            f"[auth] cookie_secret is {len(secret)} characters long; use at least {MIN_COOKIE_SECRET} random "
            'characters (python3 -c "import secrets; print(secrets.token_hex(32))")'
        )
    provider = login_provider()
    client = auth.get(provider) if provider else auth
    if not isinstance(client, Mapping):
        return f"there is no [auth.{provider}] section for login_provider = {provider!r}"
    where = f"[auth.{provider}]" if provider else "[auth]"
    missing = [key for key in CLIENT_KEYS if not client.get(key)]
    if missing:
        return f"{where} is missing {', '.join(missing)}"
    placeholders = [key for key in CLIENT_KEYS if _placeholder(key, client.get(key))]
    if placeholders:
        return (
            f"{where} {', '.join(placeholders)} still hold the example's placeholder values; use the values "
            "your identity provider issued for this app"
        )
    if not http_guard.active():
        return (
            f"members-only mode needs the hosted entry point ({SERVE_COMMAND}), which checks every download "
            "against the sign-in cookie; this server was started another way"
        )
    return None


def signin_modules_missing() -> list[str]:
    """Python modules st.login needs that cannot be imported here (empty when sign-in can work).

    Imports rather than only looks up, so a module that is present but lacks one of its own dependencies (Authlib's
    Starlette client without httpx) is reported too, by the name of what is missing.
    """
    missing = []
    for name in SIGNIN_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            missing.append(exc.name or name)
        except ImportError:
            missing.append(name)
    return list(dict.fromkeys(missing))


_logged: set[str] = set()


def operator_problem() -> str | None:
    """The configuration problem that stops members-only mode (None when it is off or sound)."""
    if not members_only():
        return None
    problem = setup_problem()
    if problem is None:
        missing = signin_modules_missing()
        if missing:
            problem = (
                f"the server lacks the Python module(s) {', '.join(missing)} that sign-in needs; install "
                "the project with its pinned packages (pip install -e ., which brings streamlit[auth])"
            )
    return problem


def log_setup_problem() -> str | None:
    """Write the members-only configuration problem to the server log (once per problem); returns it."""
    problem = operator_problem()
    if problem and problem not in _logged:
        _logged.add(problem)
        log.error("MEMBERS-ONLY MODE REFUSES TO SERVE: %s (see docs/HOSTING.md)", problem)
    return problem


def email_allowed(email: object) -> bool:
    """Optional [dashboard] allowed_email_domains = ["example.gov.uk"]: only those addresses are members."""
    section = _secrets().get(SECTION) or {}
    domains = [str(d).lower().lstrip("@") for d in (section.get("allowed_email_domains") or [])]
    if not domains:
        return True
    address = str(email or "").lower()
    return "@" in address and address.rsplit("@", 1)[1] in domains


def require_member() -> None:
    """Stop the run unless the visitor may see the dashboard. Call it before st.navigation.

    Does nothing when members-only mode is off. When on: shows a sign-in button (or why sign-in is unavailable)
    and calls st.stop() for anyone who is not a member; for members, puts a sign-out button in the sidebar.
    """
    if not members_only():
        return
    problem = log_setup_problem()
    if problem:
        st.error(
            "This dashboard is for members only, and sign-in is not set up correctly on the server, "
            f"so nothing can be shown. For the administrator: {escape(problem, 600)} (see docs/HOSTING.md).",
            icon="🔒",
        )
        st.stop()
    if st.user.get("is_logged_in", False) is not True:
        st.title("Members only")
        st.markdown("This dashboard is available to members. Sign in to continue.")
        provider = login_provider()
        st.button(
            "Sign in", type="primary", key="auth_sign_in", on_click=st.login, args=(provider,) if provider else ()
        )
        st.stop()
    if not email_allowed(st.user.get("email")):
        st.error("You are signed in, but this account is not on the members list for this dashboard.", icon="🔒")
        st.button("Sign out", key="auth_sign_out", on_click=st.logout)
        st.stop()
    with st.sidebar:
        name = st.user.get("name") or st.user.get("email") or "member"
        st.caption(f"Signed in as {escape(name)}")
        st.button("Sign out", key="auth_sign_out", on_click=st.logout)
