"""Benchmarks: this dashboard (DuckDB warehouse) against a pandas-in-memory dashboard of the same data.

Run `python -m bench --help`. Generated files live under /tmp (never in the repository).
"""
