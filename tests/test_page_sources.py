"""The Sources and methods page, run by Streamlit's AppTest against warehouses built by the real ETL."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from apptest_helpers import MediaCapture, open_page_capturing, page
from streamlit.testing.v1 import AppTest

from govdata import methods, spreadsheet_cells
from govdata.queries import provenance, registry
from govdata.queries import sectors as sector_queries

PAGE = page("sources.py")
CAPTURE = MediaCapture()


def _run(monkeypatch, warehouse: Path, params: dict | None = None) -> AppTest:
    return open_page_capturing(CAPTURE, PAGE, warehouse, monkeypatch, params)


def _download(button) -> bytes:
    return CAPTURE.download_bytes(button)


def _provenance(warehouse: Path) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return provenance.provenance(con).data
    finally:
        con.close()


def test_default_render(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    assert [h.value for h in at.header] == [
        "Sources loaded",
        "What changed between ICO releases",
        "Limitations the ICO states",
        "Definitions used",
        "Warehouse schema",
        "The SQL behind each chart",
    ]
    table = _provenance(tiny_warehouse)
    labels = [e.label for e in at.expander]
    for row in table.itertuples(index=False):
        assert f"{row.source}: {row.title}" in labels
    text = " ".join(m.value for m in at.markdown)
    for note in methods.ICO_LIMITATIONS:
        assert note.text in text and note.citation in text
    for note in methods.DEFINITIONS:
        assert note.text in text
    assert not at.warning  # fixture data is real-format, not a sample


def test_load_report_is_rendered_readably(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    facts = next(t.value for t in at.table if "Conflict rule" in t.value["Item"].tolist()).set_index("Item")
    assert facts.loc["Incidents", "Value"] == "36"
    assert facts.loc["Conflict rule", "Value"].startswith("most frequent value")
    frames = [d.value for d in at.dataframe]
    assert any("Supply chain compromise" in f.to_string() for f in frames)  # unknown values table
    sha = _provenance(tiny_warehouse).set_index("source").loc["ico_rows", "sha256"]
    assert any(sha in t.value.to_string() for t in at.table)


def test_provenance_csv_equals_the_query_result(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("provenance-csv"))
    content = _download(button)
    expected = _provenance(tiny_warehouse)
    assert content == spreadsheet_cells.csv_bytes(expected)  # formula-safe text, RFC 4180 line ends
    shown = pd.read_csv(io.BytesIO(content))
    assert shown["rows_read"].tolist() == expected["rows_read"].tolist() and len(shown) == len(expected) >= 5


def test_sql_catalogue_lists_every_registered_query(monkeypatch, tiny_warehouse):
    at = _run(monkeypatch, tiny_warehouse)
    labels = [e.label for e in at.expander]
    for entry in registry.catalogue():
        assert f"{entry.name}: {entry.description}" in labels
    code = [c.value for c in at.code]
    assert sector_queries.VOLUME_SQL.strip() in code
    schema = next(d.value for d in at.dataframe if "Description" in d.value.columns)
    assert schema.set_index("Table or view").loc["incidents", "Description"] == methods.SCHEMA_DESCRIPTIONS["incidents"]


def test_sample_source_is_labelled(monkeypatch, sample_warehouse):
    at = _run(monkeypatch, sample_warehouse)
    assert any("(SAMPLE DATA)" in e.label for e in at.expander)


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "'; DROP TABLE provenance; --", "x" * 5000])
def test_unexpected_url_values_do_not_break_the_page(monkeypatch, tiny_warehouse, bad):
    at = _run(monkeypatch, tiny_warehouse, {"source": bad, "sectors": bad})
    assert at.header[0].value == "Sources loaded"
    assert len(_provenance(tiny_warehouse)) >= 5
