"""The baseline: how typical Streamlit dashboards of the ICO release work — the whole CSV read into one pandas
DataFrame (cached with st.cache_data, as Streamlit's docs suggest), then filtered and grouped on every rerun.

Benchmark-only (run by bench.pages_worker with BENCH_CSV set; ?page= picks the page). Each page computes what the
matching page of this dashboard shows, from the raw rows: distinct incidents (BI Reference + Year + Quarter).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

KEY = ["BI Reference", "Year", "Quarter"]
CLASSES = {
    "Phishing": "Phishing / social engineering",
    "Data emailed to incorrect recipient": "Human-error disclosure",
    "Data posted or faxed to incorrect recipient": "Human-error disclosure",
    "Failure to use bcc": "Human-error disclosure",
    "Failure to redact": "Human-error disclosure",
    "Verbal disclosure of personal data": "Human-error disclosure",
}


@st.cache_data
def load(path: str) -> pd.DataFrame:
    df = pd.read_csv(path)
    df["q"] = df["Quarter"].str[-1].astype(int)
    df["period"] = df["Year"].astype(str) + "-Q" + df["q"].astype(str)
    return df


def incidents(df: pd.DataFrame) -> pd.DataFrame:
    """One row per incident (first row wins), as dashboards that count incidents do."""
    return df.drop_duplicates(KEY)


def per_quarter(df: pd.DataFrame, by: str) -> pd.DataFrame:
    comparable = df[~((df["Year"] == 2019) & (df["q"] == 1))]
    return comparable.groupby(["period", by])["BI Reference"].nunique().rename("incidents").reset_index()


def show(frame: pd.DataFrame, fig) -> None:
    st.plotly_chart(fig)
    st.dataframe(frame)


df = load(os.environ["BENCH_CSV"])
page = st.query_params.get("page", "overview")
sectors = sorted(df["Sector"].unique())

if page == "overview":
    category = st.selectbox("Incident category", ["All", *sorted(df["Incident Category"].unique())])
    view = df if category == "All" else df[df["Incident Category"] == category]
    years = view.drop_duplicates(KEY).groupby("Year").size().rename("incidents").reset_index()
    st.metric("Incidents in latest year", int(years["incidents"].iloc[-1]))
    show(years, px.bar(years, x="Year", y="incidents"))
    quarterly = per_quarter(view, "Incident Category")
    show(quarterly, px.line(quarterly, x="period", y="incidents", color="Incident Category"))
    latest = view[view["Year"] == view["Year"].max()]
    top = latest.groupby("Sector")["BI Reference"].nunique().nlargest(10).rename("incidents").reset_index()
    show(top, px.bar(top, x="incidents", y="Sector", orientation="h"))
elif page == "trends":
    sector = st.selectbox("Sector", ["All sectors", *sectors])
    by = st.selectbox(
        "Break down by",
        ["Incident Category", "Incident Type", "Time Taken to Report", "No. Data Subjects Affected", "Decision Taken"],
    )
    view = df if sector == "All sectors" else df[df["Sector"] == sector]
    quarterly = per_quarter(view, by)
    show(quarterly, px.line(quarterly, x="period", y="incidents", color=by))
elif page == "sectors":
    years = sorted(df["Year"].unique())
    year = st.selectbox("Year", years[::-1])
    sector = st.selectbox("Sector", sectors)
    in_year = df[df["Year"] == year]
    by_sector = in_year.groupby("Sector")["BI Reference"].nunique().rename("incidents").reset_index()
    show(by_sector, px.bar(by_sector, x="incidents", y="Sector", orientation="h"))
    one = per_quarter(df[df["Sector"] == sector], "Incident Category")
    show(one, px.line(one, x="period", y="incidents", color="Incident Category"))
elif page == "scenarios":
    sector = st.selectbox(
        "Sector", sectors, index=sectors.index("Local government") if "Local government" in sectors else 0
    )
    training = st.slider("Training coverage (%)", 0, 100, 40, 5)
    view = incidents(df[df["Sector"] == sector])
    last4 = sorted(view["period"].unique())[-4:]
    base = view[view["period"].isin(last4)]
    other = pd.Series(
        np.where(base["Incident Category"] == "Cyber", "Other cyber", "Other non-cyber"), index=base.index
    )
    classes = base["Incident Type"].map(CLASSES).fillna(other)
    counts = classes.rename("class").value_counts().rename("baseline").reset_index()
    within72 = base["Time Taken to Report"].isin(["Less than 24 hours", "24 hours to 72 hours"]).mean()
    rng = np.random.default_rng(2019)
    effect = rng.triangular(0.1, 0.3, 0.5, size=(5000, 1))
    draws = rng.poisson(counts["baseline"].to_numpy()[None, :], size=(5000, len(counts)))
    expected = (draws * (1 - effect * training / 100) / (1 - effect * 0.4)).sum(axis=1)
    counts["scenario"] = counts["baseline"] * (1 - 0.3 * training / 100) / (1 - 0.3 * 0.4)
    st.metric(
        "Expected incidents a year",
        f"{np.median(expected):,.0f}",
        help=f"90% interval {np.percentile(expected, 5):,.0f}-{np.percentile(expected, 95):,.0f}",
    )
    st.metric("Reported within 72 hours", f"{within72:.0%}")
    show(counts, px.bar(counts, x="class", y=["baseline", "scenario"], barmode="group"))
else:
    st.error(f"unknown page {page!r}")
