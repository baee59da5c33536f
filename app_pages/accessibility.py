"""Accessibility statement (GOV.UK model format), from govdata.accessibility; shown even without a warehouse."""

from __future__ import annotations

import streamlit as st

from govdata import accessibility
from govdata.views.base import SITE_TITLE

st.set_page_config(page_title=f"Accessibility statement · {SITE_TITLE}")
st.title(f"Accessibility statement for {SITE_TITLE}")
for section in accessibility.statement():
    st.header(section.heading)
    for paragraph in section.paragraphs:
        st.markdown(paragraph.replace("<", "&lt;"))
