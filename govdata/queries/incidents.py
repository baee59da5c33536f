"""Incident counts over time: trends with a breakdown, headline figures, filter vocabularies, legacy tables.

Every function takes a DuckDB cursor first and returns a QueryResult (data + SQL + bound parameters). Values are
bound as parameters; the only identifier ever placed in SQL text is a breakdown column from
vocabulary.BREAKDOWNS (checked by _breakdown_column).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from govdata import numbers, quarters, vocabulary
from govdata.queries.base import QueryResult, insert_after, run
from govdata.queries.registry import named_query, register

PERIODS = ("quarter", "year")
ALL_INCIDENTS = "All incidents"
ROLLING_QUARTERS = 4  # the rolling mean covers the quarter and the three before it (a fixed constant, not input)
LEGACY_BREAKDOWNS = {"incident_category": "Incident category", "incident_type": "Incident type (as labelled)"}
# A breakdown into more groups than a chart has colours shows the `top` largest and sums the rest into one group
# named OTHERS_PREFIX + "(count)". The folding happens in SQL, so every share and change of that group is computed
# exactly like any other group's.
OTHERS_PREFIX = "All others "
DEFAULT_TOP = 6
MAX_TOP = 8


def folds(breakdown: str | None) -> bool:
    """True when `breakdown` has more published values than a chart shows (so 'how many' is worth asking)."""
    return len(vocabulary.KNOWN_VALUES.get(breakdown or "", ())) > MAX_TOP + 1


def others_label(folded: int) -> str:
    """The name of the group that sums `folded` groups, e.g. 'All others (16)'."""
    return f"{OTHERS_PREFIX}({folded})"


def is_others(group: str) -> bool:
    return str(group).startswith(OTHERS_PREFIX + "(")


def _fold(column: str, keep: str, label: str) -> str:
    """SQL for `column` with values outside the list parameter `keep` renamed to parameter `label` (an empty
    list keeps every value)."""
    return (
        f"CASE WHEN len({keep}::VARCHAR[]) = 0 OR list_contains({keep}::VARCHAR[], {column}) "
        f"THEN {column} ELSE {label} END"
    )


def top_groups(frame, top: int, *, complete_only: bool = True) -> list[str]:
    """The `top` groups of a per-period frame (columns period_start, group, incidents[, complete]) ranked by
    their incidents in the latest (complete) period, then over all periods, then by name."""
    if frame.empty:
        return []
    usable = frame[frame["complete"].astype(bool)] if complete_only and "complete" in frame else frame
    usable = usable if not usable.empty else frame
    latest = usable[usable["period_start"] == usable["period_start"].max()].groupby("group")["incidents"].sum()
    overall = frame.groupby("group")["incidents"].sum()
    ranking = sorted(overall.index, key=lambda g: (-int(latest.get(g, 0)), -int(overall[g]), str(g)))
    return [str(g) for g in ranking[:top]]


def _breakdown_column(breakdown: str | None, allowed: dict[str, str]) -> str | None:
    if breakdown in (None, "", "none"):
        return None
    if breakdown not in allowed:
        raise ValueError(f"unknown breakdown {breakdown!r}; allowed: {', '.join(allowed)}")
    return breakdown


def _period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    return period


def _trend_sql(column: str | None, rolling: bool) -> str:
    """The trend SQL for one breakdown column (from the allow-list) with or without the rolling mean."""
    # counts come from incidents_quarterly (pre-aggregated by the ETL): the rows of one dimension, summed
    group_expr = _fold("value", "$4", "$5") if column else f"'{ALL_INCIDENTS}'"
    dimension = column or "total"
    rolling_sql = window = ""
    # the total series always exists, so a selection with no incidents shows zeros rather than nothing
    total_group = "" if column else f" UNION SELECT '{ALL_INCIDENTS}'"
    if rolling:
        rolling_sql = f""",
               CASE WHEN count(*) OVER w = {ROLLING_QUARTERS} THEN avg(g.incidents) OVER w END
                   AS rolling_mean_4q"""
        window = (
            f"WINDOW w AS (PARTITION BY g.grp ORDER BY g.period_start "
            f"ROWS BETWEEN {ROLLING_QUARTERS - 1} PRECEDING AND CURRENT ROW)"
        )
    return f"""
        WITH base AS (
            SELECT year, CASE WHEN $1 = 'year' THEN 0 ELSE quarter END AS q, {group_expr} AS grp, incidents
            FROM incidents_quarterly
            WHERE dimension = '{dimension}' AND (NOT $2 OR comparable)
              AND (len($3::VARCHAR[]) = 0 OR list_contains($3::VARCHAR[], sector))
        ),
        all_periods AS (  -- periods come from the whole warehouse, not the filtered rows, so zeros show
            SELECT year, CASE WHEN $1 = 'year' THEN 0 ELSE quarter END AS q, min(period_start) AS period_start,
                   count(DISTINCT quarter) AS quarters_covered
            FROM incidents_quarterly WHERE dimension = 'total' AND (NOT $2 OR comparable)
            GROUP BY 1, 2
        ),
        groups AS (SELECT DISTINCT grp FROM base{total_group}),
        counts AS (SELECT year, q, grp, CAST(sum(incidents) AS BIGINT) AS incidents FROM base GROUP BY year, q, grp),
        grid AS (
            SELECT p.year, p.q, p.period_start, p.quarters_covered, g.grp, coalesce(c.incidents, 0) AS incidents
            FROM all_periods p CROSS JOIN groups g
            LEFT JOIN counts c ON c.year = p.year AND c.q = p.q AND c.grp = g.grp
        )
        -- the period's label ('Q4 2024', '2024') is added by govdata.quarters, the one place quarters are written
        SELECT g.period_start, g.year, g.q AS quarter, g.quarters_covered,
               (g.q > 0 OR g.quarters_covered = 4) AS complete,
               g.grp AS "group", g.incidents,
               CAST(sum(g.incidents) OVER (PARTITION BY g.year, g.q) AS BIGINT) AS period_total,
               -- share_pct and change_pct are added from these counts by govdata.numbers (exact, rounded once)
               prev.incidents AS incidents_year_earlier
               {rolling_sql}
        FROM grid g
        -- a partial year is compared only with a year covering the same number of quarters
        LEFT JOIN grid prev ON prev.year = g.year - 1 AND prev.q = g.q AND prev.grp = g.grp
            AND (g.q > 0 OR prev.quarters_covered = g.quarters_covered)
        {window}
        ORDER BY g.period_start, g.grp
    """


# Every variant is built once from the allow-list and registered, so "show query" lists the exact SQL.
TREND_SQL: dict[tuple[str | None, bool], str] = {}
for _column in (None, *vocabulary.BREAKDOWNS):
    for _rolling in (False, True):
        TREND_SQL[(_column, _rolling)] = _trend_sql(_column, _rolling)
        register(
            "incident_trend" + (f"_by_{_column}" if _column else "") + ("_rolling" if _rolling else ""),
            "Incidents per quarter or year"
            + (f" by {vocabulary.BREAKDOWNS[_column].lower()}" if _column else "")
            + ", with shares and change on a year earlier"
            + (", 4-quarter rolling mean" if _rolling else ""),
            TREND_SQL[(_column, _rolling)],
            __name__,
        )


def incident_trend(
    con: duckdb.DuckDBPyConnection,
    period: str = "quarter",
    breakdown: str | None = None,
    sectors: Sequence[str] = (),
    comparable_only: bool = True,
    rolling: bool = False,
    top: int | None = None,
) -> QueryResult:
    """Incidents per quarter or year, split by `breakdown` (a vocabulary.BREAKDOWNS column, or None for totals).

    Filters: `sectors` (empty = all), `comparable_only` (drop Q1 2019, default). Every period x group pair is
    present (zero when there were none) over all periods in the warehouse, so changes and shares are exact.
    Columns: period (label), period_start, year, quarter (0 in yearly rows), quarters_covered (quarters of the
    year in the data, 1 for quarterly rows), complete, group, incidents, period_total, share_pct,
    incidents_year_earlier, change_pct (vs the same period a year earlier, NULL when there is none or it was 0),
    and with `rolling` (quarterly only) rolling_mean_4q (NULL until four quarters are available). share_pct,
    change_pct and rolling_mean_4q are computed from the counts by govdata.numbers (one decimal, rounded once).
    With a breakdown and `top` (1 to MAX_TOP), a split into more than top + 1 groups keeps the `top` largest
    (top_groups) and sums the rest into one group, others_label(n), in SQL; None keeps every group.
    """
    period = _period(period)
    column = _breakdown_column(breakdown, vocabulary.BREAKDOWNS)
    sql = TREND_SQL[(column, bool(rolling) and period == "quarter")]
    params = (period, bool(comparable_only), list(sectors))
    if column is None:
        return _with_numbers(run(con, sql, params))
    result = run(con, sql, (*params, [], ""))
    return _with_numbers(_folded(con, result, top, lambda keep, label: (*params, keep, label)))


def _with_numbers(result: QueryResult) -> QueryResult:
    frame = result.data
    frame.insert(0, "period", [quarters.label(y, q) for y, q in zip(frame["year"], frame["quarter"])])
    # Shares and changes from the integer counts, rounded once (the SQL returns counts only).
    insert_after(frame, "period_total", "share_pct", numbers.percent_column(frame["incidents"], frame["period_total"]))
    earlier = frame["incidents_year_earlier"]
    insert_after(frame, "incidents_year_earlier", "change_pct", numbers.change_column(frame["incidents"], earlier))
    if "rolling_mean_4q" in frame:
        frame["rolling_mean_4q"] = numbers.rounded_column(frame["rolling_mean_4q"], numbers.ESTIMATE_PLACES)
    return result


def _top(top: int | None) -> int | None:
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise ValueError(f"top must be a whole number from 1 to {MAX_TOP}, not {top!r}")
    return top


def _folded(con, result: QueryResult, top: int | None, params, complete_only: bool = True) -> QueryResult:
    """`result` again with all but the `top` groups summed into one (when there are more than top + 1)."""
    top = _top(top)
    groups = result.data["group"].nunique() if not result.data.empty else 0
    if top is None or groups <= top + 1:
        return result
    keep = top_groups(result.data, top, complete_only=complete_only)
    return run(con, result.sql, params(keep, others_label(groups - len(keep))))


HEADLINE_SQL = """
        WITH base AS (
            SELECT year, quarter, incident_category, time_to_report, incidents
            FROM incidents_quarterly_mix
            WHERE comparable AND (len($1::VARCHAR[]) = 0 OR list_contains($1::VARCHAR[], sector))
        ),
        quarters AS (SELECT DISTINCT year, quarter FROM incidents_quarterly WHERE comparable),
        latest_q AS (SELECT year, quarter FROM quarters ORDER BY year DESC, quarter DESC LIMIT 1),
        latest_y AS (SELECT max(year) AS year FROM (SELECT year FROM quarters GROUP BY year
                                                    HAVING count(*) = 4)),
        picked AS (
            SELECT 'quarter' AS kind, year, quarter,
                   EXISTS (SELECT 1 FROM quarters q WHERE q.year = l.year - 1 AND q.quarter = l.quarter)
                       AS previous_available
            FROM latest_q l
            UNION ALL
            -- a year earlier counts only when it too has four comparable quarters (2019 starts at Q2)
            SELECT 'year', year, 0,
                   (SELECT count(*) FROM quarters q WHERE q.year = l.year - 1) = 4
            FROM latest_y l WHERE year IS NOT NULL
        ),
        figures AS (
            SELECT p.kind, p.year, p.quarter,
                   -- sums over incidents_quarterly_mix (pre-aggregated counts); coalesce keeps "none" as 0, not NULL
                   CAST(coalesce(sum(b.incidents) FILTER (WHERE b.year = p.year), 0) AS BIGINT) AS incidents,
                   CASE WHEN p.previous_available THEN
                       CAST(coalesce(sum(b.incidents) FILTER (WHERE b.year = p.year - 1), 0) AS BIGINT) END
                       AS incidents_year_earlier,
                   CAST(coalesce(sum(b.incidents) FILTER (WHERE b.year = p.year AND b.incident_category = 'Cyber'),
                                 0) AS BIGINT) AS cyber,
                   CAST(coalesce(sum(b.incidents) FILTER (WHERE b.year = p.year
                                                          AND list_contains($2::VARCHAR[], b.time_to_report)),
                                 0) AS BIGINT) AS within_72h
            FROM picked p
            LEFT JOIN base b ON b.year IN (p.year, p.year - 1) AND (p.quarter = 0 OR b.quarter = p.quarter)
            GROUP BY p.kind, p.year, p.quarter, p.previous_available
        )
        -- counts only: shares and changes are computed exactly and rounded once by govdata.numbers
        -- (and the periods' labels by govdata.quarters)
        SELECT kind, year, quarter, incidents, incidents_year_earlier, cyber, within_72h
        FROM figures
        ORDER BY kind
    """


@named_query(
    "incidents_headline_figures",
    "Latest comparable quarter and latest complete year: incidents, change "
    "on a year earlier, cyber share, share reported within 72 hours",
    HEADLINE_SQL,
)
def headline_figures(con: duckdb.DuckDBPyConnection, sectors: Sequence[str] = ()) -> QueryResult:
    """Headline figures for the latest comparable quarter and the latest complete (four-quarter) year.

    One row per kind ('quarter', 'year'): period ('Q4 2024' or '2024'), previous_period (same period a year
    earlier), year, quarter (0 for the year), incidents,
    incidents_year_earlier (NULL when that period is not comparable), cyber, within_72h. Counts only: shares and
    changes are computed from them by govdata.numbers (exact, rounded once).
    'Within 72 hours' = Time Taken to Report 'Less than 24 hours' or '24 hours to 72 hours'.
    Filtered by `sectors` (empty = all); comparable quarters only.
    """
    result = run(con, HEADLINE_SQL, (list(sectors), list(vocabulary.WITHIN_72_HOURS)))
    frame = result.data
    frame.insert(1, "period", [quarters.label(y, q) for y, q in zip(frame["year"], frame["quarter"])])
    frame.insert(2, "previous_period", [quarters.label(y - 1, q) for y, q in zip(frame["year"], frame["quarter"])])
    return result


_LEGACY_TEMPLATE = """
        SELECT fy_label, fy_quarter, fy_label || ' Q' || fy_quarter AS period, period_start, year, quarter,
               {group} AS "group", CAST(sum(incident_count) AS BIGINT) AS incidents
        FROM legacy_incident_counts
        WHERE len($1::VARCHAR[]) = 0 OR list_contains($1::VARCHAR[], sector)
        GROUP BY ALL
        ORDER BY period_start, "group"
    """
LEGACY_SQL = {column: _LEGACY_TEMPLATE.format(group=_fold(column, "$2", "$3")) for column in LEGACY_BREAKDOWNS}
for _column, _sql in LEGACY_SQL.items():
    register(f"incidents_legacy_by_{_column}", f"The ICO's older quarterly tables summed by {_column}", _sql, __name__)


def legacy_counts(
    con: duckdb.DuckDBPyConnection,
    breakdown: str = "incident_category",
    sectors: Sequence[str] = (),
    top: int | None = None,
) -> QueryResult:
    """The ICO's older quarterly tables (financial-year quarters), summed by `breakdown` ('incident_category' or
    'incident_type'), filtered by `sectors` (empty = all). Columns: fy_label, fy_quarter, period (e.g.
    '2019-20 Q1'), period_start, year, quarter (calendar), group, incidents. `top` folds small groups as in
    incident_trend."""
    column = _breakdown_column(breakdown, LEGACY_BREAKDOWNS) or "incident_category"
    params = (list(sectors),)
    result = run(con, LEGACY_SQL[column], (*params, [], ""))
    return _folded(con, result, top, lambda keep, label: (*params, keep, label), complete_only=False)


LEGACY_SECTORS_SQL = """
SELECT sector, CAST(sum(incident_count) AS BIGINT) AS incidents FROM legacy_incident_counts
GROUP BY sector ORDER BY incidents DESC, sector
"""


@named_query("incidents_legacy_sectors", "Sectors named in the older quarterly tables", LEGACY_SECTORS_SQL)
def legacy_sectors(con: duckdb.DuckDBPyConnection) -> QueryResult:
    """Sectors named in the older quarterly tables, with their total incidents."""
    return run(con, LEGACY_SECTORS_SQL)
