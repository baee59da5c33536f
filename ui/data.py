"""Cached access to the warehouse for pages: results are cached per warehouse file, query function and arguments.

The cache key includes govdata.warehouse.identity() (path, inode, size, mtime), so a rebuilt warehouse is picked
up on the next run without restarting the app. Connections come from govdata.warehouse.connect, which keeps one
read-only connection per file (reopened on replacement) and hands out a fresh cursor per call.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable

import streamlit as st

from govdata import warehouse
from govdata.queries.base import QueryResult

# Only functions from these packages may be called through the cache (names are resolved by import, not eval).
_ALLOWED_PREFIXES = ("govdata.queries.", "govdata.headlines", "govdata.scenarios.")


def _resolve(module: str, name: str) -> Callable:
    if not module.startswith(_ALLOWED_PREFIXES):
        raise ValueError(f"{module}.{name} is not a govdata query")
    return getattr(importlib.import_module(module), name)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(identity: tuple, module: str, name: str, args: tuple, kwargs: tuple):
    con = warehouse.connect()
    try:
        return _resolve(module, name)(con, *args, **dict(kwargs))
    finally:
        con.close()


def cached_query(fn: Callable, *args, **kwargs):
    """`fn(cursor, *args, **kwargs)` on the current warehouse, cached until the warehouse file changes.

    `fn` must be a module-level function in govdata.queries (or govdata.headlines / govdata.scenarios) taking a
    DuckDB cursor first; args must be hashable-by-value (str, int, tuples, lists). Raises WarehouseUnavailable
    when there is no readable warehouse. Callers must not mutate the returned frame(s).
    """
    identity = warehouse.identity()
    if identity[1] is None:
        warehouse.connect()  # raises WarehouseUnavailable with the build hint
    return _cached(identity, fn.__module__, fn.__name__, tuple(args), tuple(sorted(kwargs.items())))


def meta() -> dict[str, str]:
    """warehouse_meta as a dict (schema_version, built_at, latest_quarter, latest_comparable_year, is_sample).

    Raises govdata.warehouse.WarehouseUnavailable when the warehouse is missing or unreadable.
    """
    from govdata.queries import provenance

    result: QueryResult = cached_query(provenance.warehouse_meta)
    return dict(zip(result.data["key"], result.data["value"]))


def is_sample() -> bool:
    """True when the warehouse holds simulated (sample) data: every page then shows a banner."""
    return meta().get("is_sample", "false").lower() == "true"


def sources(source: str = "ico_rows") -> list:
    """Chart Source objects (publisher, title, licence, release date, sample flag) for a provenance source."""
    from govdata.queries import provenance

    return provenance.to_sources(cached_query(provenance.chart_sources, source))
