"""bench/minimal_app.py served as serve.py serves the dashboard (st.App with the same compressed bundles), for the
browser benchmark's yardstick behind the same proxy."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from ui.compressed_static import CompressedStatic  # noqa: E402

app = st.App(Path(__file__).resolve().parent / "minimal_app.py", middleware=[Middleware(CompressedStatic)])
