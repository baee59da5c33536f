"""Headline sentences: each number in a sentence is the number shown in its metric, from one query result."""
from __future__ import annotations

import pytest

from govdata import warehouse
from govdata.headlines import SAMPLE_PREFIX, headlines
from govdata.queries import incidents as q


def test_sentences_for_all_sectors(con):
    items = {h.key: h for h in headlines(q.headline_figures(con))}
    assert items["year-incidents"].sentence == "In 2020 the ICO received 18 personal data breach reports."
    assert items["year-incidents"].value == "18" and items["year-incidents"].delta is None  # 2019 is partial
    assert items["quarter-incidents"].sentence == (
        "In Q4 2020 the ICO received 6 personal data breach reports, about the same as in Q4 2019 (6).")
    assert items["quarter-incidents"].delta == "+0.0% on Q4 2019"
    assert items["year-cyber-share"].value == "38.9%"
    assert items["year-cyber-share"].sentence == ("Cyber incidents made up 39% of the personal data breach reports "
                                                  "the ICO received in 2020 (7 of 18).")
    assert items["year-within-72h"].sentence.startswith(
        "In 2020, 72% of personal data breach reports to the ICO (13 of 18) were reported within 72 hours")
    assert items["quarter-within-72h"].value == "66.7%"


def test_sentences_for_a_sector_state_the_change(con):
    items = {h.key: h for h in headlines(q.headline_figures(con, ["Health"]), sectors=["Health"])}
    assert items["quarter-incidents"].sentence == (
        "In Q4 2020 the ICO received 2 personal data breach reports from organisations in the Health sector, "
        "up 100% on Q4 2019 (1).")
    assert items["quarter-incidents"].delta == "+100.0% on Q4 2019"


def test_no_incidents_gives_one_sentence_per_period(con):
    items = headlines(q.headline_figures(con, ["No such sector"]), sectors=["No such sector"])
    assert [h.key for h in items] == ["quarter-incidents", "year-incidents"]
    assert items[0].value == "0"


def test_sample_sentences_are_labelled(sample_warehouse):
    cursor = warehouse.connect(sample_warehouse)
    items = headlines(q.headline_figures(cursor), is_sample=True)
    assert items and all(h.sentence.startswith(SAMPLE_PREFIX) for h in items)
    year = next(h for h in items if h.key == "year-incidents")
    frame = q.headline_figures(cursor).data.set_index("kind")
    assert f"{int(frame.loc['year', 'incidents']):,}" in year.sentence
