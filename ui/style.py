"""Page styling Streamlit's theme (.streamlit/config.toml) cannot express: a strong visible keyboard focus on every
control (WCAG 2.4.7 / 2.4.13), static tables that wrap instead of scrolling sideways (a scrolling region would need
to be focusable), a visible label on the phone-width "open the sidebar" button, card labels that wrap instead of
being cut, compact headline cards on phones."""

from __future__ import annotations

import streamlit as st

FOCUS = (
    "outline: 3px solid #0b0c0c !important; outline-offset: 2px !important; box-shadow: 0 0 0 6px #ffdd00 !important;"
)
# Controls whose focusable element is visually hidden (radios, checkboxes, toggles, sliders' range input) or
# inside a styled box (select boxes) show the outline on the visible box that holds it.
PHONE_MAX_PX = 640  # at this width and below, Streamlit stacks columns: the phone rules apply
CSS = f"""
<style>
a:focus-visible, button:focus-visible, summary:focus-visible, [role="button"]:focus-visible,
[role="tab"]:focus-visible, [role="slider"]:focus-visible, [tabindex]:focus-visible, textarea:focus-visible,
input:not([type="radio"]):not([type="checkbox"]):not([type="range"]):not([role="combobox"]):focus-visible {{ {FOCUS} }}
label:has(input[type="radio"]:focus-visible), label:has(input[type="checkbox"]:focus-visible),
[data-testid="stSlider"] div:has(> input[type="range"]:focus-visible),
[data-baseweb="select"]:has(input:focus-visible) {{ {FOCUS} }}
[data-testid="stTable"] th, [data-testid="stTable"] td {{ overflow-wrap: anywhere !important; min-width: 0; }}
/* a cell's text wraps as its cell says (ui/tables.py keeps short-worded columns' words whole) */
[data-testid="stTable"] [data-testid="stMarkdownContainer"], [data-testid="stTable"] p {{
  overflow-wrap: inherit !important; word-break: inherit !important; min-width: 0; }}
/* a card's label wraps instead of being cut with "…" (four cards to a row leave ~250 px each on a desktop) */
[data-testid="stMetricLabel"] * {{ white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }}
[data-testid="stMetricLabel"] {{ height: auto !important; min-height: 1.5rem; }}
/* Scenarios' result cards, four to a row above phone width: every label has room for two lines, so the values and
   the intervals below them line up whether or not a label wraps */
@media (min-width: {PHONE_MAX_PX + 1}px) {{
  .st-key-result-cards [data-testid="stMetricLabel"] {{ min-height: 2lh !important; align-items: flex-start; }}
}}
@media (max-width: {PHONE_MAX_PX}px) {{
  /* phones: static tables a size smaller, so more of a row's words fit a line */
  [data-testid="stTable"] table {{ font-size: 0.8125rem !important; }}
  [data-testid="stTable"] th, [data-testid="stTable"] td {{ padding: 0.25rem 0.375rem !important; }}
  /* headline cards three to a row (not one per line), so the chart comes sooner */
  .st-key-cards [data-testid="stHorizontalBlock"] {{ flex-wrap: nowrap !important; gap: 0.375rem !important; }}
  .st-key-cards [data-testid="stColumn"] {{ min-width: 0 !important; flex: 1 1 0 !important; width: auto !important; }}
  .st-key-cards [data-testid="stMetric"] {{ padding: 0.375rem 0.5rem !important; }}
  .st-key-cards [data-testid="stMetricValue"] {{ font-size: 1.25rem !important; }}
  .st-key-cards [data-testid="stMetricLabel"] p {{ font-size: 0.75rem !important; }}
  .st-key-cards [data-testid="stMetricDelta"] * {{
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
  .st-key-cards [data-testid="stMetricDelta"] {{ font-size: 0.75rem !important; height: auto !important; }}
}}
[data-testid="stExpandSidebarButton"]::after {{ content: "Menu"; margin-left: 0.25rem; font-size: 0.875rem;
  font-weight: 600; color: #0b0c0c; }}
</style>
"""


def apply() -> None:
    st.html(CSS)
