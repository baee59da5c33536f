"""The committed reference CSVs: they load cleanly, every row is cited, and the figures match their sources
(the transcriptions in ../shared/data and the seed documents in ../shared/seeds, read in place, never copied)."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from etl.sources.reference import CITATION_PREFIX, load_reference
from govdata import settings

# Corrections to the transcriptions in ../shared/data, each with its reason (data/reference/README.md lists them).
RESOLVED_URLS = {  # an opaque shortlink replaced by the page it redirects to
    "http://shorturl.at/ouH27": "https://digital.nhs.uk/data-and-information/keeping-data-safe-and-benefitting-the-"
    "public/public-attitudes-to-data-in-the-nhs-and-social-care",
}


@pytest.fixture(scope="module")
def frames():
    return load_reference(settings.REFERENCE_DIR)


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u201c", '"')
    return re.sub(r"\s+", " ", text.replace("\u201d", '"')).strip().lower()


WORDS_ONLY = {_norm("A quarter of councils said they did not have a data protection officer")}


def test_committed_csvs_load_cleanly(frames):
    assert set(frames) == {
        "reference_sources",
        "survey_results",
        "poll_results",
        "context_figures",
        "maturity_checklist",
    }
    assert len(frames["survey_results"]) >= 50
    assert len(frames["poll_results"]) >= 56
    assert len(frames["context_figures"]) >= 10
    assert len(frames["maturity_checklist"]) == 12


def test_every_row_is_cited(frames):
    for name, frame in frames.items():
        if name == "reference_sources":
            continue
        assert frame["source_url"].str.startswith(("http://", "https://", CITATION_PREFIX)).all(), name
        assert frame["licence"].str.len().gt(0).all(), name


def test_known_bases(frames):
    survey = frames["survey_results"]
    assert set(survey.loc[survey.survey_id == "ico_lg_ig_survey_2016", "base_n"]) == {173}
    polls = frames["poll_results"]
    assert set(polls.loc[polls.poll_id == "odi_yougov_2019", "base_n"]) == {2007}
    assert set(polls.loc[polls.poll_id == "odi_yougov_2017", "base_n"]) == {2023}


def test_missing_figures_are_explained(frames):
    for name in ("survey_results", "poll_results"):
        frame = frames[name]
        no_value = frame[frame["value_pct"].isna()]
        if name == "survey_results":
            no_value = no_value[no_value["value_count"].isna()]
        assert no_value["notes"].str.len().gt(0).all(), name
        assert frame.loc[frame["base_n"].isna(), "notes"].str.len().gt(0).all(), name


def test_topics_and_organisation_types_are_a_small_controlled_list(frames):
    assert {"DPO", "Training", "PIA/DPIA", "Data sharing", "Policies", "Incident management", "Security"} <= set(
        frames["survey_results"]["topic"]
    )
    types = set(frames["poll_results"]["organisation_type"])
    assert {"Local government", "Central government", "NHS and health", "Companies and organisations"} <= types
    assert len(types) <= 10


@pytest.mark.shared
def test_council_transcription_rows_are_all_present(shared_data_dir, frames):
    """Every row of ../shared/data/council-ig-surveys appears in ours with the same figure and source URL."""
    survey = frames["survey_results"]
    ours = {(_norm(t), u): v for t, u, v in zip(survey.value_text, survey.source_url, survey.value_pct)}
    with open(
        shared_data_dir / "council-ig-surveys" / "council_ig_survey_headline_figures.csv", encoding="utf-8"
    ) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 20
    for row in rows:
        key = (_norm(row["value_text_as_reported"]), row["source_url"])
        assert key in ours, row["value_text_as_reported"]
        theirs = float(row["value_pct"]) if row["value_pct"] else None
        if key[0] in WORDS_ONLY:  # documented correction: the source gives words, so no value (issue 10, #8)
            theirs = None
        mine = ours[key]
        assert (theirs is None and mine != mine) or mine == pytest.approx(theirs), row["value_text_as_reported"]


@pytest.mark.shared
def test_poll_transcription_rows_are_all_present(shared_data_dir, frames):
    polls = frames["poll_results"]
    ours = {
        (_norm(t), u, o): v
        for t, u, o, v in zip(polls.value_text, polls.source_url, polls.organisation, polls.value_pct)
    }
    with open(
        shared_data_dir / "public-trust-data-polls" / "uk_public_trust_in_data_handling_poll_figures.csv",
        encoding="utf-8",
    ) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 56
    for row in rows:
        organisation = "(none)" if row["target_organisation"] == "(n/a)" else row["target_organisation"]
        url = RESOLVED_URLS.get(row["source_url"], row["source_url"])  # documented correction (issue 10, #10)
        key = (_norm(row["value_text_as_reported"]), url, organisation)
        assert key in ours, row["value_text_as_reported"]
        theirs = float(row["value_pct"]) if row["value_pct"] else None
        mine = ours[key]
        assert (theirs is None and mine != mine) or mine == pytest.approx(theirs), row["value_text_as_reported"]


@pytest.mark.shared
def test_seed_quotes_are_verbatim(shared_data_dir, frames):
    """Rows cited from a seed document (no URL) quote it word for word ('...' marks an elision)."""
    seeds = _norm(" ".join(p.read_text(encoding="utf-8") for p in (shared_data_dir.parent / "seeds").glob("*.txt")))
    checked = 0
    for name in ("survey_results", "poll_results", "context_figures"):
        frame = frames[name]
        cited = frame[
            frame["source_url"].str.startswith(CITATION_PREFIX)
            | frame["source_url"].str.contains("quarterly.blog.gov.uk")
        ]
        for text in cited["value_text"]:
            for fragment in re.split(r"\s*\.\.\.\s*", text):
                assert _norm(fragment) in seeds, fragment
            checked += 1
    assert checked >= 50
    for question in frames["maturity_checklist"]["question"]:
        assert _norm(question) in seeds


def test_seed_headline_figures(frames):
    survey = frames["survey_results"]
    idox = survey[survey.source_url.str.contains("General Data Protection Regulation")]
    assert sorted(idox.value_pct.dropna()) == [26.0, 50.0]
    lg = survey[survey.survey_id == "lgitu_ukauthority_2009"].set_index("indicator")
    assert lg.loc["Send sensitive data by post or courier", "value_pct"] == 44
    assert lg.loc["Use GCSX to send information to central government", "value_pct"] == 61.9
    assert lg.loc["Information Charter on citizen data", "value_pct"] == 40
    assert lg.loc["Staff regularly trained on handling citizen data", "value_pct"] == 66
    assert lg.loc["Local government response rate", "value_pct"] == 34.4
    ctx = frames["context_figures"].set_index("figure_id")
    assert ctx.loc["bbw_2015_total", "value"] == 4236
    assert ctx.loc[
        ["bbw_2015_loss_theft", "bbw_2015_third_party", "bbw_2015_unauthorised", "bbw_2015_children"], "value"
    ].tolist() == [401, 159, 99, 658]
    assert ctx.loc["ico_2013_14_local_authorities", "value"] == 234


# ---------------------------------------------------------------------------------------------- issue 10, 7-11


def test_defect_7_revisions_note_is_not_backed_by_a_single_release_file():
    from govdata import methods

    note = next(n for n in methods.ICO_LIMITATIONS if n.topic == "Revisions")
    assert "ico_published_quarterly" not in note.citation and ".csv" not in note.citation
    assert "keeps every ICO release" in note.text
    assert not (settings.REFERENCE_DIR / "ico_published_quarterly_incidents.csv").exists()
    with open(settings.REFERENCE_DIR / "ico_quarterly_incidents_derived.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert "publisher" not in rows[0] and all("olga-in-clouds" in r["derived_by"] for r in rows)


def test_defect_8_words_only_figures_get_no_value(frames):
    survey = frames["survey_results"]
    quarter = survey[survey["value_text"] == "A quarter of councils said they did not have a data protection officer"]
    assert len(quarter) == 1 and quarter["value_pct"].isna().all()
    assert "words only" in quarter["notes"].iloc[0]
    # no words-only row anywhere carries a number ('a quarter', 'a third', 'just over', 'less than half' ...)
    words = survey["value_text"].str.contains(r"\b(?:a quarter|a third|just over a|less than half)\b", case=False)
    assert survey.loc[words & ~survey["value_text"].str.contains(r"\d"), "value_pct"].isna().all()


def test_defect_10_dates_sources_licences_and_wordings(frames):
    polls, survey, pages = frames["poll_results"], frames["survey_results"], frames["reference_sources"]
    pwc = polls[polls["poll_id"] == "pwc_local_state_2017_consumers"].iloc[0]
    article = pages.set_index("source_url").loc[pwc["source_url"], "published"]
    assert pd.isna(pwc["fieldwork_start"]) and str(pwc["published"].date()) == article == "2017-06-29"
    nhs = polls[polls["poll_id"] == "nhse_public_attitudes_data"]
    assert nhs["source_url"].str.startswith("https://digital.nhs.uk/").all() and "shorturl" not in " ".join(
        polls["source_url"]
    )
    # no row credits a licence its cited page does not state
    for frame in (survey, polls):
        assert not frame["licence"].str.startswith("Open Government Licence").any()
    # a base n the cited page does not give says where it comes from
    ico = survey[(survey["survey_id"] == "ico_lg_ig_survey_2016") & survey["base_n"].notna()]
    reports_base = ico["source_url"].str.contains("ukauthority|governmentcomputing")
    assert ico.loc[~reports_base, "notes"].str.contains("Base n 173 is not given by this source").all()
    # reconstructed question wordings are marked as paraphrase
    assert survey["question"].str.startswith("Paraphrase: ").all()
    assert polls["question"].str.startswith("Paraphrase: ").all()


def test_defect_11_more_ico_2016_findings_each_with_its_own_source(frames):
    survey = frames["survey_results"]
    ico = survey[survey["survey_id"] == "ico_lg_ig_survey_2016"]
    added = {
        "No records manager": 51,
        "No appointed information security manager": 45,
        "No information governance manager": 35,
    }
    for indicator, pct in added.items():
        row = ico[ico["indicator"] == indicator]
        assert len(row) == 1 and row["value_pct"].iloc[0] == pct
        assert row["source_url"].iloc[0].startswith("https://www.publictechnology.net/")
    assert len(ico) >= 26
    dpo_26 = ico[(ico["indicator"] == "No data protection officer") & (ico["value_pct"] == 26)]
    assert dpo_26["source_url"].nunique() == len(dpo_26) >= 3  # one row per source, never repeated
    # every cited page has its own citation row: publisher, title, accessed date
    pages = frames["reference_sources"].set_index("source_url")
    assert set(survey["source_url"]) <= set(pages.index)
    assert pages["accessed"].notna().all() and pages["title"].str.len().gt(3).all()
