"""The hosted entry point: `python -m streamlit run serve.py` serves dashboard.py behind the HTTP guard.

Streamlit's public st.App wraps the same app with ui.http_guard: /_stcore/metrics and the agent API answer 404,
downloads are bound to the session that made them (random ids, gone when the session ends) and, in members-only
mode, served only to a request carrying a member's sign-in cookie; Streamlit's JavaScript and CSS bundles are sent
gzip-compressed (ui/compressed_static.py); pages that open with a chart ask for the chart code at once, and pages
below the first tell Streamlit where the app is (ui/page_shell.py). `python3 run.py dashboard` serves it this way
too. Members-only mode refuses to serve when the server was started any other way. `streamlit run dashboard.py`
still works for development (members-only off).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ui.compressed_static import CompressedStatic
from ui.http_guard import HostedGuard, lifespan
from ui.page_shell import PageShell

ROOT = Path(__file__).resolve().parent

# The guard first; Streamlit's bundles go out gzip-compressed (once per file, from memory) to browsers that accept it;
# a page's shell preloads the plotly bundle (charted pages) and names the app's address (pages below the first).
app = st.App(
    ROOT / "dashboard.py",
    middleware=[Middleware(HostedGuard), Middleware(CompressedStatic), Middleware(PageShell)],
    lifespan=lifespan,
)
