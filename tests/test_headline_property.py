"""Property test: every headline sentence states exactly the exact ratio, rounded once, half up.

Two generated warehouses are built through the real ETL (different sizes and seeds, so both large and tiny bases
occur). For every sector, all sectors together and a few seeded multi-sector picks, and for both period kinds
(latest comparable quarter, latest complete year), every sentence is parsed: each count, percentage and change it
states is compared with figures recomputed here from the row-level `incidents` view (not from the aggregate tables
the headline query reads) as exact fractions, rounded half up by this test's own rule. Every number in a sentence
must be accounted for, and the card must show the same text as its sentence.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from govdata import vocabulary, warehouse
from govdata.headlines import headlines
from govdata.queries import incidents as q
from govdata.stats import MIN_BASE

CHECKED: list[str] = []  # every sentence checked, across the module (the count is reported at the end)


def _half_up(value: Fraction, places: int = 1) -> str:
    """Independent of govdata.numbers: round |value| half up at `places` decimals, as text with the sign."""
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))  # floor(x + 1/2): half up for non-negative x
    text = f"{whole // 10**places}.{whole % 10**places:0{places}d}"
    return ("-" if value < 0 and whole else "") + text


@pytest.fixture(params=["sample_warehouse", "medium_warehouse"])
def generated(request) -> Path:
    """The two generated warehouses of tests/conftest.py (6,000 and 60,000 rows, different seeds)."""
    return request.getfixturevalue(request.param)


def _expected(cursor, sectors: list[str]) -> dict[str, dict]:
    """Counts for the latest comparable quarter and latest complete year, from the row-level view."""
    quarters = cursor.execute(
        "SELECT DISTINCT year, quarter FROM incidents WHERE comparable ORDER BY year, quarter"
    ).fetchall()
    latest_q = quarters[-1]
    by_year: dict[int, int] = {}
    for year, _ in quarters:
        by_year[year] = by_year.get(year, 0) + 1
    full_years = [y for y, n in by_year.items() if n == 4]

    def counts(year: int, quarter: int | None) -> tuple[int, int, int]:
        return cursor.execute(
            """SELECT count(*), count(*) FILTER (WHERE incident_category = 'Cyber'),
                      count(*) FILTER (WHERE list_contains($4, time_to_report))
               FROM incidents WHERE comparable AND year = $1 AND ($2::INTEGER IS NULL OR quarter = $2)
                 AND (len($3::VARCHAR[]) = 0 OR list_contains($3::VARCHAR[], sector))""",
            [year, quarter, sectors, list(vocabulary.WITHIN_72_HOURS)],
        ).fetchone()

    out = {}
    scope_n = {str(len(sectors))} if len(sectors) > 1 else set()  # '2 sectors (A, B)'
    year, quarter = latest_q
    now, cyber, within = counts(year, quarter)
    before = counts(year - 1, quarter)[0] if (year - 1, quarter) in quarters else None
    out["quarter"] = dict(
        when=f"Q{quarter} {year}",
        earlier=f"Q{quarter} {year - 1}",
        n=now,
        cyber=cyber,
        within=within,
        previous=before,
        scope_n=scope_n,
    )
    if full_years:
        year = max(full_years)
        now, cyber, within = counts(year, None)
        before = counts(year - 1, None)[0] if (year - 1) in full_years else None
        out["year"] = dict(
            when=str(year), earlier=str(year - 1), n=now, cyber=cyber, within=within, previous=before, scope_n=scope_n
        )
    return out


def _num(text: str) -> int:
    return int(text.replace(",", ""))


def _check(item, exp: dict) -> None:
    s = item.sentence
    kind = item.key.split("-", 1)[1]
    numbers_in_sentence = re.findall(r"\d(?:[\d,]*\d)?(?:\.\d+)?", s)
    if kind == "incidents":
        m = re.fullmatch(
            r"In (.+?) the ICO received ([\d,]+) personal data breach reports(?: from organisations in "
            r".+?)?(?:, (up|down) ([\d.]+)% on (.+?) \(([\d,]+)\)|, (about the same|the same) "
            r"as in (.+?) \(([\d,]+)\))?\.",
            s,
        )
        assert m, s
        assert m.group(1) == exp["when"] and _num(m.group(2)) == exp["n"], s
        allowed = set(re.findall(r"\d+", exp["when"] + " " + exp["earlier"])) | {f"{exp['n']:,}"} | exp["scope_n"]
        if exp["previous"] in (None, 0):
            assert m.group(3) is None and m.group(7) is None, s
            assert item.delta is None
            assert set(numbers_in_sentence) <= allowed, (s, numbers_in_sentence)
            return
        change = Fraction(exp["n"] - exp["previous"], exp["previous"]) * 100
        stated = _half_up(change)
        if m.group(3):
            assert m.group(3) == ("up" if change > 0 else "down"), s
            assert m.group(4) == stated.lstrip("-"), (s, float(change))
            assert m.group(5) == exp["earlier"] and _num(m.group(6)) == exp["previous"], s
        else:
            assert stated.lstrip("-") == "0.0", (s, float(change))
            assert (m.group(7) == "the same") == (exp["n"] == exp["previous"]), s
            assert m.group(8) == exp["earlier"] and _num(m.group(9)) == exp["previous"], s
        sign = "+" if Fraction(stated) > 0 else ""
        assert item.delta == f"{sign}{stated}% on {exp['earlier']}", (item.delta, s)
        allowed |= {stated.lstrip("-"), f"{exp['previous']:,}"}
        assert set(numbers_in_sentence) <= allowed, (s, numbers_in_sentence)
        return
    part = exp["cyber"] if kind == "cyber-share" else exp["within"]
    stated = _half_up(Fraction(part, exp["n"]) * 100)
    pcts = re.findall(r"([\d.]+)%", s)
    assert pcts == [stated], (s, part, exp["n"])
    assert item.value == f"{stated}%", (item.value, s)
    pair = re.findall(r"\(([\d,]+) of ([\d,]+)", s)
    assert [(_num(a), _num(b)) for a, b in pair] == [(part, exp["n"])], s
    # nothing else numeric: the period, the percentage, the pair and (for a small base) the minimum base
    allowed = (
        set(re.findall(r"\d+", exp["when"]))
        | {stated, f"{part:,}", f"{exp['n']:,}", "72", "24", str(MIN_BASE)}
        | exp["scope_n"]
    )
    assert set(numbers_in_sentence) <= allowed, (s, numbers_in_sentence)


def _scopes(cursor) -> list[list[str]]:
    sectors = [r[0] for r in cursor.execute("SELECT DISTINCT sector FROM incidents ORDER BY sector").fetchall()]
    rng = random.Random(10)
    picks = [sorted(rng.sample(sectors, k)) for k in (2, 3, 5) for _ in range(3)]
    return [[]] + [[s] for s in sectors] + picks + [["No such sector"]]


def test_every_headline_sentence_states_the_exact_ratio_rounded_once(generated):
    cursor = warehouse.connect(generated)
    checked = 0
    try:
        for scope in _scopes(cursor):
            expected = _expected(cursor, scope)
            items = headlines(q.headline_figures(cursor, scope), sectors=scope)
            kinds = {h.key.split("-", 1)[0] for h in items}
            assert kinds == set(expected), (scope, kinds)
            for item in items:
                exp = expected[item.key.split("-", 1)[0]]
                if exp["n"] == 0:
                    assert item.key.endswith("-incidents"), item  # no share of nothing is stated
                _check(item, exp)
                checked += 1
                CHECKED.append(item.sentence)
    finally:
        cursor.close()
    # every sector x both period kinds x (count, cyber share, within-72h share), less empty periods
    assert checked >= 100, checked
    print(f"\nheadline sentences checked against exact ratios in {generated.parent.name}: {checked}")


def test_report_count_of_sentences_checked():
    """Reported in the test output (-s) and asserted: how many sentences the property test checked in all."""
    print(f"\nheadline sentences checked in total: {len(CHECKED)}")
    assert len(CHECKED) >= 200
