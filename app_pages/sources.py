"""Sources and methods: what was loaded and how, the ICO's stated limitations, definitions, schema and every query."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from govdata import methods
from govdata import tables as govtables
from govdata.charts import releases as release_views
from govdata.queries import provenance, registry, releases
from ui import data, layout, panel, state, tables

meta = layout.page_setup(
    "Sources and methods",
    "Every source the warehouse was built from, what each load kept and rejected, the limitations the ICO states "
    "for its data, the definitions this dashboard uses, and the SQL behind each chart.")

# ------------------------------------------------------------------------------------------ sources loaded
st.header("Sources loaded")
st.caption(f"Warehouse built {meta.get('built_at', 'at an unknown time')}; data to "
           f"{meta.get('latest_quarter', 'an unknown quarter')}; schema version {meta.get('schema_version', '?')}.")
loaded = data.cached_query(provenance.provenance)
table = loaded.data
tables.show_table(table, key="provenance-table", hide=("source",), caption="Sources loaded into the warehouse")
st.download_button("Provenance table (CSV)", table.to_csv(index=False).encode("utf-8"), file_name="provenance.csv",
                   mime="text/csv", key="provenance-csv", on_click="ignore", icon=":material/download:",
                   help="Every column of the provenance table, including each load report as JSON")

FIELDS = ["publisher", "licence", "release_date", "source_url", "file", "sha256", "rows_read", "rows_kept",
          "rows_rejected", "loaded_at", "is_sample"]

for i, row in enumerate(table.to_dict("records")):
    sample = " (SAMPLE DATA)" if row["is_sample"] else ""
    with st.expander(f"{row['source']}: {row['title']}{sample}", expanded=bool(row["is_sample"])):
        if row["is_sample"]:
            st.warning("Simulated rows shaped like the ICO release; not real incidents.", icon="⚠️")
        tables.show_facts([(govtables.label_for(name).label, row[name]) for name in FIELDS],
                          kinds={govtables.label_for(name).label: govtables.label_for(name).kind for name in FIELDS},
                          caption=f"Provenance of {row['title']}")
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
kept = data.cached_query(releases.releases)
history = kept.data
st.caption("Every ICO release this warehouse has loaded is kept with its quarterly counts by sector, category "
           "and type, so a new release never hides what an earlier one said.")
tables.show_table(release_views.releases_table(kept), key="releases-table", labels={"label": "Release"},
                  caption="ICO releases loaded")
if len(history) < 2:
    st.info("Only one release is loaded so far. After the next refresh brings a new ICO release, this section "
            "shows the quarters it added and revised.", icon="ℹ️")
else:
    ids = dict(zip(history["release_id"], history["sha256"]))
    labels = dict(zip(history["release_id"], history["label"]))
    position = int(history.index[history["is_current"]][0]) if history["is_current"].any() else len(ids) - 1
    left, right = st.columns(2)
    old_id = state.choice("from_release", list(ids), list(ids)[position - 1 if position else 1],
                          label="From release", format_func=labels.get, where=left)
    new_id = state.choice("to_release", list(ids), list(ids)[position], label="To release",
                          format_func=labels.get, where=right)
    dimension = state.choice("revised_by", list(releases.DIMENSIONS), "sector", label="Break revisions down by",
                             format_func=releases.DIMENSIONS.get, horizontal=True)
    old, new = ids[old_id], ids[new_id]
    view = data.cached_chart(release_views.comparison, kept, data.cached_query(releases.quarter_changes, old, new),
                             data.cached_query(releases.revisions, old, new, dimension),
                             data.cached_query(releases.vocabulary_changes, old, new),
                             old=old, new=new, dimension=dimension, sources=data.sources())
    st.markdown(state.escape(view.summary, 3000))
    if view.chart is not None:
        panel.show_figure(view.chart)
    shown = {"old_incidents": "Incidents, from release", "new_incidents": "Incidents, to release"}
    for title, frame, key in [("Quarters revised", view.revised, "revised"),
                              (f"Revisions by {releases.DIMENSIONS[dimension].lower()}", view.breakdown, "by"),
                              ("Quarters added", view.added, "added"), ("Quarters removed", view.removed, "removed"),
                              ("Sectors, categories and types that appeared or disappeared", view.vocabulary,
                               "vocabulary")]:
        if len(frame):
            st.subheader(title)
            tables.show_table(frame, key=f"release-{key}", labels=shown, caption=title)

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
st.caption("The tables and views of the warehouse file (etl/schema.sql is the full definition; the views are the "
           "stable interface for your own queries).")
schema = data.cached_query(provenance.schema_summary)
tables.show_table(methods.describe_schema(schema.data), key="schema-table", caption="Warehouse schema")

st.header("The SQL behind each chart")
st.caption("Every named query the dashboard runs, exactly as executed; values are bound as parameters "
           "($1, $2, ...) and never pasted into the SQL. Each chart's 'Show query' adds the values it used.")
catalogue = registry.catalogue()
failures = registry.discover()
if failures:
    st.warning("Some query modules could not be loaded, so their queries are missing from this list: "
               + state.escape(", ".join(failures), 300), icon="⚠️")
for module in dict.fromkeys(q.module for q in catalogue):
    st.subheader(module.rsplit(".", 1)[-1].replace("_", " ").capitalize())
    for query in [q for q in catalogue if q.module == module]:
        with st.expander(f"{query.name}: {query.description}"):
            st.code(query.sql, language="sql")
