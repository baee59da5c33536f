"""Sources and methods: what was loaded and how, what changed between ICO releases, the ICO's stated limitations,
definitions, schema and every query."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govdata import methods, quarters, spreadsheet_cells
from govdata import tables as govtables
from govdata.charts import releases as release_views
from govdata.queries import provenance, registry, releases
from govdata.views import sources as view
from ui import data, panel, state, tables
from ui import view as frame

form = frame.start(view)
meta = data.meta()

# ------------------------------------------------------------------------------------------ sources loaded
st.header("Sources loaded")
st.caption(
    f"Warehouse built {meta.get('built_at', 'at an unknown time')}; data to "
    f"{quarters.text(meta.get('latest_quarter', 'an unknown quarter'))}; "
    f"schema version {meta.get('schema_version', '?')}."
)
loaded = data.cached_query(provenance.provenance)
table = loaded.data
tables.show_table(table, key="provenance-table", hide=("source",), caption="Sources loaded into the warehouse")
provenance_csv = spreadsheet_cells.csv_bytes(table)
panel.download(
    st,
    "Provenance table (CSV)",
    provenance_csv,
    file_name="provenance.csv",
    mime="text/csv",
    key="provenance-csv",
    icon=panel.DATA_ICON,
    help="Every column of the provenance table, including each load report as JSON",
)

FIELDS = [
    "publisher",
    "licence",
    "release_date",
    "source_url",
    "file",
    "sha256",
    "rows_read",
    "rows_kept",
    "rows_rejected",
    "loaded_at",
    "is_sample",
]

for i, row in enumerate(table.to_dict("records")):
    sample = " (SAMPLE DATA)" if row["is_sample"] else ""
    with st.expander(f"{row['source']}: {row['title']}{sample}", expanded=bool(row["is_sample"])):
        if row["is_sample"]:
            st.warning("Simulated rows shaped like the ICO release; not real incidents.", icon="⚠️")
            st.markdown(
                "To show the real data, the operator of this site runs these from the project folder "
                "(the README's 'Loading the ICO's latest release' explains them):"
            )
            st.code(".venv/bin/python -m etl fetch\n.venv/bin/python -m etl build", language="bash")
        tables.show_facts(
            [(govtables.label_for(name).label, row[name]) for name in FIELDS],
            kinds={govtables.label_for(name).label: govtables.label_for(name).kind for name in FIELDS},
            caption=f"Provenance of {row['title']}",
        )
        st.markdown("**Load report**")
        sections = provenance.load_report_sections(row["load_report"])
        facts = [(heading, value) for heading, value in sections if not isinstance(value, pd.DataFrame)]
        if facts:  # the short facts in one table, then one table per list or mapping
            tables.show_facts(facts, caption=f"Load report of {row['title']}")
        for heading, value in sections:
            if isinstance(value, pd.DataFrame):
                st.markdown(f"*{state.escape(heading)}*")
                tables.show_table(value, key=f"report-{i}-{heading}", caption=f"{heading} ({row['title']})")

# ------------------------------------------------------------------------------------------ releases
st.header("What changed between ICO releases", anchor="releases")
st.caption(
    "Every ICO release this warehouse has loaded is kept with its quarterly counts by sector, category "
    "and type, so a new release never hides what an earlier one said."
)
kept = st.container()
if len(form.params["from_release"].choices(form.runner, form.values)) >= 2:
    left, right = st.columns(2)
    form.widget("from_release", where=left)
    form.widget("to_release", where=right)
    form.widget("revised_by")
form.commit()
shown = frame.build(view, form)
with kept:
    tables.show_table(
        release_views.releases_table(shown.extra["releases"]),
        key="releases-table",
        labels={"label": "Release"},
        caption="ICO releases loaded",
    )
comparison = shown.extra.get("comparison")
if comparison is None:
    st.info(
        "Only one release is loaded so far. After the next refresh brings a new ICO release, this section "
        "shows the quarters it added and revised.",
        icon="ℹ️",
    )
else:
    st.markdown(state.escape(comparison.summary, 3000))
    if "revisions" in shown.figures:
        panel.show_figure(shown.figures["revisions"])
    by = releases.DIMENSIONS[form.values["revised_by"]].lower()
    for title, frame_, key in [
        ("Quarters revised", comparison.revised, "revised"),
        (f"Revisions by {by}", comparison.breakdown, "by"),
        ("Quarters added", comparison.added, "added"),
        ("Quarters removed", comparison.removed, "removed"),
        ("Sectors, categories and types that appeared or disappeared", comparison.vocabulary, "vocabulary"),
    ]:
        if len(frame_):
            st.subheader(title)
            tables.show_table(frame_, key=f"release-{key}", caption=title)

# ------------------------------------------------------------------------------------------ limitations
st.header("Limitations the ICO states")
for note in methods.ICO_LIMITATIONS:
    cite = f" — {note.citation}" if note.citation else ""
    link = f" ([source]({note.url}))" if note.url else ""
    st.markdown(f"- **{note.topic}.** {note.text}{cite}{link}")

st.header("Definitions used")
for note in methods.DEFINITIONS:
    st.markdown(f"- **{note.topic}.** {note.text}")

# ------------------------------------------------------------------------------------------ schema and queries
st.header("Warehouse schema")
st.caption(
    "The tables and views of the warehouse file (etl/schema.sql is the full definition; the views are the "
    "stable interface for your own queries)."
)
schema = data.cached_query(provenance.schema_summary)
tables.show_table(methods.describe_schema(schema.data), key="schema-table", caption="Warehouse schema")

st.header("The SQL behind each chart")
st.caption(
    "Every named query the dashboard runs, exactly as executed; values are bound as parameters "
    "($1, $2, ...) and never pasted into the SQL. Each chart's 'Show query' adds the values it used."
)
catalogue = registry.catalogue()
failures = registry.discover()
if failures:
    st.warning(
        "Some query modules could not be loaded, so their queries are missing from this list: "
        + state.escape(", ".join(failures), 300),
        icon="⚠️",
    )
for module in dict.fromkeys(q.module for q in catalogue):
    st.subheader(module.rsplit(".", 1)[-1].replace("_", " ").capitalize())
    for query in [q for q in catalogue if q.module == module]:
        with st.expander(f"{query.name}: {query.description}"):
            st.code(query.sql, language="sql")
