"""govdata.quarters: the one way a calendar quarter is numbered and written ('Q4 2024')."""

from govdata import quarters


def test_labels_read_quarter_then_year():
    assert quarters.label(2024, 4) == "Q4 2024" and quarters.label(2024) == "2024"
    assert quarters.label_at(quarters.index(2019, 2)) == "Q2 2019"


def test_index_matches_the_sql_and_round_trips():
    assert quarters.index(2020, 1) == 2020 * 4 and quarters.index(2019, 4) + 1 == quarters.index(2020, 1)
    for year, quarter in ((2019, 1), (2020, 4), (2031, 3)):
        found = quarters.at(quarters.index(year, quarter))
        assert (found.year, found.quarter) == (year, quarter)


def test_stored_and_written_forms_read_the_same():
    assert quarters.stored(2024, 4) == "2024-Q4"
    assert quarters.text("2024-Q4") == quarters.text("2024 Q4") == "Q4 2024"
    # a year, a financial-year quarter, a sentence and a non-string pass unchanged
    assert quarters.text("2019-20 Q1") == "2019-20 Q1" and quarters.text("2024") == "2024"
    assert quarters.text("an unknown quarter") == "an unknown quarter" and quarters.text(None) is None
