"""Read side of the UK public-sector data-governance dashboard: queries, charts, exports and the what-if model.

Importable without Streamlit; pages call into it, nothing here calls Streamlit.
"""
