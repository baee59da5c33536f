"""Test files in order of their last measured duration, longest first, so parallel workers finish together.

`run.py test` hands whole files to its workers in collection order, each worker taking the next file when it is
free (pytest-xdist --dist=loadfile --no-loadscope-reorder; xdist's own order, by number of tests, puts a file of
200 quick tests before a file of 10 browser tests). A long file handed out late leaves the other worker idle at
the end. Every run records each file's seconds (setup, call and teardown of its tests) in pytest's cache; the next
run starts with the longest. Files without a recorded time (a new file, a clean clone) come first, in collection
order. Items keep their order within a file.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

CACHE_KEY = "govdata/file-seconds"


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cache = getattr(config, "cache", None)
    seconds: dict = cache.get(CACHE_KEY, {}) if cache else {}
    if not seconds:
        return
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(_file(item.nodeid), index)

    def rank(item: pytest.Item) -> tuple[float, int]:
        name = _file(item.nodeid)
        return (-seconds.get(name, float("inf")), first_seen[name])

    items.sort(key=rank)  # stable: a file's items keep their order


class _Recorder:
    """Adds up each file's seconds from the test reports (on the controller when workers run the tests)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[_file(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        cache = getattr(session.config, "cache", None)
        if cache is None or not self.seconds:
            return
        merged = dict(cache.get(CACHE_KEY, {}))
        merged.update({name: round(value, 2) for name, value in self.seconds.items()})
        cache.set(CACHE_KEY, merged)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without workers) records
        config.pluginmanager.register(_Recorder(), "longest-first-recorder")
