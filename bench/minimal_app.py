"""The yardstick of `python -m bench --browser`: the smallest Streamlit page with one plotly chart.

Every dashboard page is compared with this page served the same way (same Streamlit, same server entry, same proxy),
so the ratios show what the dashboard's own content costs on top of Streamlit and plotly themselves.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="One chart", layout="wide")
st.title("One chart")
figure = go.Figure(go.Scatter(x=list(range(2019, 2025)), y=[3, 5, 4, 6, 7, 6], mode="lines"))
st.plotly_chart(figure, theme=None, config={"displayModeBar": False})
