"""Named queries: every query module records its SQL here, so "the SQL behind each chart" can be listed.

Like Datasette's canned queries: a name, a one-line description and the exact parameterised SQL. Register with
the decorator on the function that runs the SQL:

    @named_query("sector_volume", "Incidents per sector in a period", SECTOR_VOLUME_SQL)
    def sector_volume(con, ...): return run(con, SECTOR_VOLUME_SQL, params)

`catalogue()` imports every module of govdata.queries first, so the list is complete without the caller
having to know the modules.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str
    module: str


_REGISTRY: dict[str, NamedQuery] = {}


def register(name: str, description: str, sql: str, module: str) -> NamedQuery:
    """Record one query. The same name registered twice with different SQL is a programming error."""
    entry = NamedQuery(name, description, sql.strip(), module)
    existing = _REGISTRY.get(name)
    if existing is not None and existing != entry:
        raise ValueError(f"query name {name!r} is registered twice ({existing.module} and {module})")
    _REGISTRY[name] = entry
    return entry


def named_query(name: str, description: str, sql: str) -> Callable[[F], F]:
    """Decorator: register `sql` under `name`; the function is returned unchanged (with `.named_query` set)."""

    def wrap(fn: F) -> F:
        fn.named_query = register(name, description, sql, fn.__module__)
        return fn

    return wrap


def discover() -> dict[str, str]:
    """Import every govdata.queries module so its registrations run. Returns {module: error} for failures."""
    import govdata.queries as package

    failures: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # a module still being written must not hide the rest of the catalogue
            failures[info.name] = f"{type(exc).__name__}: {exc}"
    return failures


def catalogue() -> list[NamedQuery]:
    """Every registered query, ordered by module then name."""
    discover()
    return sorted(_REGISTRY.values(), key=lambda q: (q.module, q.name))
