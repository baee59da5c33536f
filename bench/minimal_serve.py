"""bench/minimal_app.py served as serve.py serves the dashboard (st.App with the same compressed bundles), for the
browser benchmark's yardstick behind the same proxy."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ui.compressed_static import CompressedStatic

app = st.App(Path(__file__).resolve().parent / "minimal_app.py", middleware=[Middleware(CompressedStatic)])
