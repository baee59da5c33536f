"""The layering rules of docs/ARCHITECTURE.md ("Layers and rules"), checked on EVERY module of pages, ui, govdata
and etl: one test per module, found by walking the folders, so a new module is covered without editing this file.

- pages (app_pages/) run no SQL: no duckdb, no SQL text, no cursor calls;
- govdata (charts included) never imports streamlit, etl or ui;
- etl never imports ui or streamlit;
- streamlit is imported only by the pages, ui and the two entry points (dashboard.py, serve.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from govdata import settings

ROOT = settings.PROJECT_ROOT
LAYERS = ("app_pages", "ui", "govdata", "etl")
FORBIDDEN = {  # layer -> top-level packages it must never import
    "app_pages": ("duckdb",),
    "ui": (),
    "govdata": ("streamlit", "etl", "ui"),
    "etl": ("ui", "streamlit"),
}
STREAMLIT_ALLOWED = ("app_pages", "ui", "dashboard.py", "serve.py")
SQL_TEXT = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|ATTACH|COPY)\b[\s\S]*\b(FROM|INTO|TABLE|SET|AS)\b")
CURSOR_CALLS = {"execute", "executemany", "sql", "fetchall", "fetchone", "fetchdf", "fetch_df"}


def modules() -> list[Path]:
    found = [p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py")) if "__pycache__" not in p.parts]
    return found + [ROOT / "dashboard.py", ROOT / "serve.py"]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported(tree: ast.AST) -> set[str]:
    """Every module name an import statement anywhere in the file names (inside functions too)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def top_level(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


MODULES = modules()


def test_every_layer_has_modules():
    """The walk finds each layer (a renamed folder would otherwise leave its modules unchecked)."""
    for layer in LAYERS:
        assert any(rel(p).startswith(layer + "/") for p in MODULES), layer


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_module_keeps_its_layer_rules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    tops = top_level(imported(tree))
    layer = rel(path).split("/")[0]
    broken = sorted(tops & set(FORBIDDEN.get(layer, ())))
    assert not broken, f"{rel(path)} imports {broken}, which docs/ARCHITECTURE.md forbids in {layer}/"
    if "streamlit" in tops:
        assert layer in STREAMLIT_ALLOWED, f"{rel(path)} imports streamlit: only pages and ui/ may"
    if layer == "app_pages":
        sql = [
            node.value[:60]
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value)
        ]
        calls = [
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CURSOR_CALLS
        ]
        assert not sql and not calls, f"{rel(path)} runs SQL ({sql or calls}): pages show what govdata.views built"


@pytest.mark.parametrize(
    "source, layer, ok",
    [
        ("import streamlit as st", "govdata", False),
        ("from etl import build", "govdata", False),
        ("def f():\n    from ui import state", "govdata", False),
        ("from ui.panel import show", "etl", False),
        ("import duckdb", "app_pages", False),
        ("from govdata import numbers", "etl", True),
        ("import pandas as pd", "govdata", True),
    ],
)
def test_the_checker_itself(source, layer, ok):
    """The import walk sees imports at any depth and tells a forbidden one from an allowed one."""
    tops = top_level(imported(ast.parse(source)))
    assert (not (tops & set(FORBIDDEN[layer]))) is ok


def test_the_sql_check_finds_sql_text():
    assert SQL_TEXT.search("SELECT sector FROM incidents WHERE x = ?")
    assert not SQL_TEXT.search("Select a sector from the list")


def test_schema_version_has_one_home():
    """The warehouse schema version is defined once (govdata/settings.py); every other module reads it there."""
    defined = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            defined += [rel(path) for t in targets if isinstance(t, ast.Name) and t.id == "SCHEMA_VERSION"]
    assert defined == ["govdata/settings.py"], defined
