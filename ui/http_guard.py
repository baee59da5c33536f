"""The HTTP side of the hosted configuration: what serve.py (Streamlit's public st.App) adds around the app.

- `/_stcore/metrics` and the agent API (`/_stcore/agent/...`) answer 404: they describe the server and its
  sessions to whoever asks. The reverse proxy (deploy/nginx) blocks them too.
- In members-only mode a download (`/media/<id>`) is served only to a request carrying a valid sign-in cookie of
  a member (the same check st.user makes); anyone else gets 403. Together with session-bound random ids
  (ui/streamlit_private.py) a captured download URL is useless to a cookieless client, after its session has
  ended, and on another replica.
- At start-up (the lifespan) downloads are bound to sessions and a misconfigured members-only mode is reported in
  the server log straight away.
"""

from __future__ import annotations

import contextlib
import logging

from ui import streamlit_private

log = logging.getLogger("dashboard.hosting")

BLOCKED_PREFIXES = ("/_stcore/metrics", "/_stcore/agent")
MEDIA_PREFIX = "/media/"

_state = {"active": False}


def active() -> bool:
    """True inside a server started through serve.py (the guard and session-bound downloads are in place)."""
    return _state["active"]


def base_path() -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


async def _plain(send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _cookies(scope) -> dict[str, str]:
    from starlette.requests import HTTPConnection

    return dict(HTTPConnection(scope).cookies)


def media_allowed(cookies: dict[str, str]) -> bool:
    """May a request with these cookies fetch a download? Always when members-only mode is off."""
    from ui import auth

    if not auth.members_only():
        return True
    if auth.setup_problem() or auth.signin_modules_missing():
        return False
    user = streamlit_private.signed_in_user(cookies)
    return user is not None and auth.email_allowed(user.get("email"))


class HostedGuard:
    """ASGI middleware (see the module docstring)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            path = scope.get("path", "")
            base = base_path()
            if base and path.startswith(base):
                path = path[len(base) :]
            if path.startswith(BLOCKED_PREFIXES):
                await _plain(send, 404, "Not found")
                return
            if path.startswith(MEDIA_PREFIX) and not media_allowed(_cookies(scope)):
                log.info("refused a download without a member's sign-in cookie")
                await _plain(send, 403, "Sign in to download this file.")
                return
        await self.app(scope, receive, send)


@contextlib.asynccontextmanager
async def lifespan(_app):
    """Start-up of a hosted replica: session-bound downloads, and the members-only configuration checked."""
    from ui import auth

    if not streamlit_private.install_session_media():
        raise RuntimeError("the Streamlit runtime is not running: cannot bind downloads to sessions")
    _state["active"] = True
    auth.log_setup_problem()
    try:
        yield None
    finally:
        _state["active"] = False
