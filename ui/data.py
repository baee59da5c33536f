"""Cached access to the warehouse for pages: results are cached per warehouse file, query function and arguments.

The cache key includes govdata.warehouse.identity() (path, inode, size, mtime), so a rebuilt warehouse is picked
up on the next run without restarting the app. Connections come from govdata.warehouse.connect, which keeps one
read-only connection per file (reopened on replacement) and hands out a fresh cursor per call.

Every cache is bounded in entries and time, so no sequence of URLs can grow the server's memory without limit
(figures: `python -m bench --worst-urls`):
- query results: QUERY_CACHE entries (aggregates of a few KB to a few hundred KB each), an hour each;
- scenario evaluations (govdata.scenarios.*, ~1.3 MB each with their Monte Carlo draws): SCENARIO_CACHE entries,
  half an hour each, in a cache of their own so they cannot push out the cheap query results;
- chart specs (plotly figures): CHART_CACHE entries, an hour each.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import pickle
from collections.abc import Callable

import pandas as pd
import streamlit as st

from govdata import warehouse
from govdata.queries.base import QueryResult

# Only functions from these packages (or their modules) may be called through the cache (names are resolved by
# import, not eval).
_ALLOWED_PACKAGES = ("govdata.queries", "govdata.headlines", "govdata.scenarios")
_SCENARIO_PACKAGE = "govdata.scenarios"


def _inside(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


QUERY_CACHE = {"max_entries": 256, "ttl": 3600}
SCENARIO_CACHE = {"max_entries": 24, "ttl": 1800}
CHART_CACHE = {"max_entries": 128, "ttl": 3600}


def _resolve(module: str, name: str) -> Callable:
    if not _inside(module, *_ALLOWED_PACKAGES):
        raise ValueError(f"{module}.{name} is not a govdata query")
    return getattr(importlib.import_module(module), name)


def _run(module: str, name: str, args: tuple, kwargs: tuple):
    con = warehouse.connect()
    try:
        return _resolve(module, name)(con, *args, **dict(kwargs))
    finally:
        con.close()


@st.cache_data(show_spinner=False, **QUERY_CACHE)
def _cached(identity: tuple, module: str, name: str, args: tuple, kwargs: tuple):  # noqa: ARG001 - cache key
    return _run(module, name, args, kwargs)


@st.cache_data(show_spinner=False, **SCENARIO_CACHE)
def _cached_scenario(identity: tuple, module: str, name: str, args: tuple, kwargs: tuple):  # noqa: ARG001 - cache key
    return _run(module, name, args, kwargs)


def cached_query(fn: Callable, *args, **kwargs):
    """`fn(cursor, *args, **kwargs)` on the current warehouse, cached until the warehouse file changes.

    `fn` must be a module-level function in govdata.queries (or govdata.headlines / govdata.scenarios) taking a
    DuckDB cursor first; args must be hashable-by-value (str, int, tuples, lists). Raises WarehouseUnavailable
    when there is no readable warehouse. Callers must not mutate the returned frame(s).
    """
    identity = warehouse.identity()
    if identity[1] is None:
        warehouse.connect()  # raises WarehouseUnavailable with the build hint
    cache = _cached_scenario if _inside(fn.__module__, _SCENARIO_PACKAGE) else _cached
    return cache(identity, fn.__module__, fn.__name__, tuple(args), tuple(sorted(kwargs.items())))


def _key(value) -> object:
    """A hashable, deterministic stand-in for a chart argument: what the chart is built from, not the object.

    A QueryResult stands for its SQL and bound parameters (with the warehouse identity that fixes its rows, and
    no hashing of the frame); other frames stand for a digest of their contents; frozen dataclasses (Period,
    Source) for their fields. Anything else must be a plain value, so a key never depends on object identity.
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, QueryResult):
        return ("QueryResult", value.sql, _key(value.params))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, *(_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", *sorted((str(k), _key(v)) for k, v in value.items()))
    if isinstance(value, pd.DataFrame):
        try:
            digest = int(pd.util.hash_pandas_object(value, index=True).sum())
        except TypeError:  # unhashable cells (lists): fall back to the pickled bytes
            digest = hashlib.sha256(pickle.dumps(value)).hexdigest()
        return ("DataFrame", tuple(map(str, value.columns)), tuple(map(str, value.dtypes)), value.shape, digest)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__, *((f.name, _key(getattr(value, f.name))) for f in dataclasses.fields(value)))
    raise TypeError(f"cached_chart cannot key an argument of type {type(value).__name__}")


@st.cache_resource(show_spinner=False, **CHART_CACHE)
def _chart(key: tuple, _builder: Callable, _args: tuple, _kwargs: dict):  # noqa: ARG001 - the cache key
    # Only `key` is hashed (Streamlit skips parameters starting with "_"); the spec is shared, never copied,
    # so it must not be mutated by callers (show_figure and the briefing pack only read it).
    return _builder(*_args, **_kwargs)


def cached_chart(builder: Callable, *args, **kwargs):
    """`builder(*args, **kwargs)` (a govdata.charts function returning a FigureSpec), built once per view.

    A rerun that shows the same chart (same warehouse file, builder, query SQL and parameters, options) reuses the
    FigureSpec instead of rebuilding and re-styling the plotly figure, which is most of a warm rerun's cost.
    Arguments: QueryResults from cached_query, DataFrames, frozen dataclasses and plain values.
    """
    if not builder.__module__.startswith("govdata.charts."):
        raise ValueError(f"{builder.__module__}.{builder.__name__} is not a govdata chart builder")
    key = (warehouse.identity(), builder.__module__, builder.__qualname__, _key(args), _key(kwargs))
    return _chart(key, builder, args, kwargs)


def meta() -> dict[str, str]:
    """warehouse_meta as a dict (schema_version, built_at, latest_quarter, latest_comparable_year, is_sample).

    Raises govdata.warehouse.WarehouseUnavailable when the warehouse is missing or unreadable.
    """
    from govdata.queries import coverage

    return coverage.meta_values(cached_query(coverage.warehouse_meta))


def sources(source: str = "ico_rows") -> list:
    """Chart Source objects (publisher, title, licence, release date, sample flag) for a provenance source."""
    from govdata.queries import provenance

    return provenance.to_sources(cached_query(provenance.chart_sources, source))


class CachedRunner:
    """The govdata.views runner for pages: query results cached per warehouse file and arguments (cached_query),
    charts built once per view (cached_chart)."""

    def query(self, fn: Callable, *args, **kwargs):
        return cached_query(fn, *args, **kwargs)

    def chart(self, builder: Callable, *args, **kwargs):
        return cached_chart(builder, *args, **kwargs)


runner = CachedRunner()
