"""govdata.views: one URL vocabulary per page, one pure parser, and page views built without Streamlit."""

from __future__ import annotations

import pytest

from govdata import views
from govdata.views import params as p
from govdata.views.base import Direct

PAGES = list(views.PAGES)


@pytest.fixture(scope="module")
def runner(con):
    return Direct(con)


def test_parse_defaults_and_round_trip(runner):
    view = views.load("trends")
    parsed = p.parse(view.PARAMS, "", runner)
    assert parsed.clean and parsed.values["period"] == "quarter" and parsed.values["sector"] == []
    values = dict(parsed.values, period="year", sector=["Health", "Local government"], rolling=True)
    again = p.parse(view.PARAMS, p.query_string(view.PARAMS, values), runner)
    assert again.clean and again.values == values


def test_parse_reports_every_ignored_value_and_unknown_name(runner):
    view = views.load("sectors")
    parsed = p.parse(
        view.PARAMS, "period=1066&sectors=Health&sectors=Atlantis&top=11&view=pie&q1_2019=maybe&colour=red", runner
    )
    reasons = {(i.name, i.value): i.reason for i in parsed.ignored}
    assert reasons == {
        ("period", "1066"): "not one of the available options",
        ("sectors", "Atlantis"): "not one of the available options",
        ("top", "11"): "outside the range 1 to 10",
        ("view", "pie"): "not one of the available options",
        ("q1_2019", "maybe"): "expected 1 or 0",
    }
    assert parsed.unknown == ["colour"] and not parsed.clean
    assert parsed.values["sectors"] == ["Health"] and parsed.values["view"] == "volume"


def test_options_depend_on_earlier_values(runner):
    view = views.load("sectors")
    without = p.parse(view.PARAMS, "q1_2019=0", runner).choices["period"]
    with_q1 = p.parse(view.PARAMS, "q1_2019=1", runner).choices["period"]
    assert "2019" in without and "2019" in with_q1 and without["2019"] != with_q1["2019"]  # 3 vs 4 quarters


def test_hostile_query_is_bounded(runner):
    view = views.load("trends")
    with pytest.raises(ValueError, match="at most"):
        p.parse(view.PARAMS, "sector=" + "x" * (p.MAX_QUERY_CHARS + 1), runner)
    parsed = p.parse(view.PARAMS, "&".join(["sector=Health"] * (p.MAX_VALUES + 1)), runner)
    assert parsed.values["sector"] == [] and "at most" in parsed.ignored[0].reason


@pytest.fixture(scope="module")
def sample_runner(sample_warehouse):
    from govdata import warehouse

    cursor = warehouse.connect(sample_warehouse)
    yield Direct(cursor)
    cursor.close()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_builds_without_streamlit(sample_runner, page):
    runner = sample_runner  # the generated sample: enough incidents for the scenario model's baseline
    view = views.load(page)
    values = p.parse(view.PARAMS, "", runner).values
    shown = view.build(runner, values)
    assert shown.page == page and shown.title == view.TITLE
    assert shown.browser_title.endswith(" · UK data-governance statistics")
    assert shown.browser_title.startswith(view.NAV_TITLE)
    if page != "sources":
        assert shown.figures and all(s.summary for s in shown.specs)
        assert shown.headlines and shown.data_to and shown.is_sample
        assert len(shown.filters) >= 1


def test_sectors_builds_only_the_view_shown(runner):
    view = views.load("sectors")
    values = p.parse(view.PARAMS, "sectors=Health&sectors=Local+government", runner).values
    for name, roles in {"volume": ["volume"], "timing": ["within_72h", "time_to_report"], "change": ["change"]}.items():
        assert list(view.build(runner, dict(values, view=name)).figures) == roles
    everything = view.build(runner, values, everything=True)
    assert len(everything.figures) == 8 and ("View", "Volume") not in everything.filters


def test_view_titles_name_the_view(runner):
    trends = views.load("trends")
    values = dict(p.parse(trends.PARAMS, "sector=Local+government&breakdown=incident_type", runner).values)
    assert trends.build(runner, values).view_title == "Trends: Local government by incident type"
    assert views.load("overview").build(runner, {"sector": []}).view_title == "Overview"
    sectors = views.load("sectors")
    values = p.parse(sectors.PARAMS, "view=cyber&period=2020", runner).values
    assert sectors.build(runner, values).view_title == "Sectors: Cyber share, 2020"
