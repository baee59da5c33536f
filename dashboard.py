"""Entry point: `streamlit run dashboard.py`. Navigation over app_pages/, a shared data-status sidebar, no tracebacks."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `streamlit run` puts the script's folder first; AppTest and others may not
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from govdata import quarters  # noqa: E402
from govdata.queries import coverage  # noqa: E402
from govdata.warehouse import WarehouseUnavailable  # noqa: E402
from ui import auth, data, layout, streamlit_private  # noqa: E402

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
]

# An emoji favicon is drawn locally (a data: URL); a :material/...: one is fetched from a Google server by every
# visitor's browser, which the hosted Content-Security-Policy (deploy/) blocks.
st.set_page_config(page_title="UK data-governance statistics", page_icon="🛡️", layout="wide")
streamlit_private.install_session_media()  # downloads bound to their session (serve.py does it at start-up)
auth.require_member()  # members-only mode (off by default): stops here for visitors who are not signed in

pages = [st.Page(PAGES_DIR / name, title=title, icon=icon, default=(i == 0))
         for i, (name, title, icon) in enumerate(PAGES) if (PAGES_DIR / name).exists()]
current = st.navigation(pages)

with st.sidebar:
    try:
        meta = data.meta()
    except WarehouseUnavailable:
        st.caption("No warehouse built yet.")
    else:
        if coverage.is_sample(meta):
            st.warning("Sample data: simulated, not real incidents.", icon="⚠️")
        st.caption(f"Data to {quarters.text(meta.get('latest_quarter', '?'))} · warehouse built {meta.get('built_at', '?')[:16]}")

with layout.guarded(f"the {current.title} page"):
    current.run()
