"""Entry point: `streamlit run dashboard.py`. Navigation over app_pages/, a shared data-status sidebar, no traceback."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from govdata.queries import coverage
from govdata.warehouse import WarehouseUnavailable
from ui import auth, data, layout, streamlit_private, style

ROOT = Path(__file__).resolve().parent

# The page files live in app_pages/, not pages/: a folder named pages/ beside this script makes Streamlit 1.67
# serve a fresh server's first deep link (e.g. /trends) as an old-style multipage app, running the page without
# this script (no navigation, no error guard, no members-only gate).
PAGES_DIR = ROOT / "app_pages"

# (file, title, icon); a page whose file does not exist yet is left out so the app runs meanwhile.
PAGES = [
    ("overview.py", "Overview", ":material/home:"),
    ("trends.py", "Trends", ":material/show_chart:"),
    ("sectors.py", "Sectors", ":material/domain:"),
    ("surveys.py", "Surveys", ":material/fact_check:"),
    ("scenarios.py", "Scenarios", ":material/tune:"),
    ("sources.py", "Sources", ":material/menu_book:"),
    ("accessibility.py", "Accessibility", ":material/accessibility:"),
]

# An emoji favicon is drawn locally (a data: URL); a :material/...: one is fetched from a Google server by every
# visitor's browser, which the hosted Content-Security-Policy (deploy/) blocks.
st.set_page_config(page_title="UK data-governance statistics", page_icon="🛡️", layout="wide")
style.apply()  # visible keyboard focus, wrapping tables, a labelled sidebar button (ui/style.py)
streamlit_private.install_session_media()  # downloads bound to their session (serve.py does it at start-up)
auth.require_member()  # members-only mode (off by default): stops here for visitors who are not signed in

pages = [
    st.Page(PAGES_DIR / name, title=title, icon=icon, default=(i == 0))
    for i, (name, title, icon) in enumerate(PAGES)
    if (PAGES_DIR / name).exists()
]
current = st.navigation(pages)

try:
    meta = data.meta()
except WarehouseUnavailable:
    meta = None
with st.sidebar:
    if meta and coverage.is_sample(meta):
        st.warning("Sample data: simulated, not real incidents.", icon="⚠️")
    st.caption(layout.data_status(meta))

try:
    with layout.guarded(f"the {current.title} page"):
        current.run()
finally:  # also after a page's st.stop(): every page ends with the site's pages and the data status
    layout.site_footer(pages, layout.data_status(meta))
