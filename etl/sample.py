"""A simulated sample in the exact shape of the ICO "Data security incident trends" release.

Used when the real row-level file is absent (fresh clone, CI, benchmarks). Only the quarterly incident totals are
real: they follow the quarterly incident counts of one ICO release (data/reference/ico_quarterly_incidents_derived.csv,
counted by a third party from the ICO row-level file) scaled by rows / 169,166, the row count of that release.
Everything else is simulated with plausible shares. Every sample gets a sidecar `<name>.SAMPLE.txt` (and XLSX
samples a document-property marker) so the build can label it; see is_sample_file().

Generation is vectorised in chunks of at most CHUNK_INCIDENTS incidents (numpy -> dictionary-encoded pyarrow ->
CSV), so memory stays bounded whatever the size and 17M rows take well under a minute. The same seed gives a
byte-identical file. XLSX (for small samples only: one sheet holds ~1M rows) is written row by row.

Successive releases (for testing what a new release revised): `until=(2024, 3)` stops after that quarter, leaving
every earlier quarter exactly as in the full sample (quarters are generated in time order from one random stream,
so a shorter release is a prefix of a longer one); `revisions={(2023, 2): +4, (2021, 1): -3}` then adds copies of
a quarter's first incidents under new references, or drops its last incidents, without touching the random stream,
so only the revised quarters differ.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from govdata import quarters, settings
from govdata import vocabulary as voc

PUBLISHED_QUARTERLY_CSV = settings.REFERENCE_DIR / "ico_quarterly_incidents_derived.csv"
# Rows in the release whose published quarterly totals we calibrate on (q1-2019-to-q4-2024).
CALIBRATION_ROWS = 169_166
SAMPLE_MARKER_SUFFIX = ".SAMPLE.txt"
XLSX_MARKER = "SIMULATED SAMPLE - not ICO data"
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row

CHUNK_INCIDENTS = 100_000  # incidents generated per table (~270k rows): bounds memory
MAX_ROWS_PER_INCIDENT = len(voc.DATA_SUBJECT_TYPES) * len(voc.DATA_TYPES)  # distinct combinations available
REUSED_REFERENCE_SHARE = 0.02  # references carried over from the previous quarter (the real file reuses some)
SECTOR_CONFLICT_SHARE = 0.01  # of multi-row incidents: one row names another sector (real file: ~1%)
CATEGORY_CONFLICT_SHARE = 0.0035  # of multi-row incidents: one row names the other category (real: ~0.3%)
# References of incidents added by a revision: far above any reference the generator draws (~2 per incident).
REVISION_REFERENCE_BASE = 900_000_000
MAX_REVISION = 10_000  # incidents added to or dropped from one quarter by a revision


def _weights(names: tuple[str, ...], shares: dict[str, float]) -> np.ndarray:
    """Probability vector over a vocabulary tuple; values not listed get 0."""
    unknown = set(shares) - set(names)
    assert not unknown, unknown  # a typo here would silently drop a share
    w = np.array([shares.get(n, 0.0) for n in names], dtype=float)
    return w / w.sum()


# Sector mix: roughly the unique-incident shares of the 2019-2024 release (third-party aggregates).
SECTOR_P = _weights(
    voc.SECTORS,
    {
        "Health": 18.5,
        "Education and childcare": 13.9,
        "Finance, insurance and credit": 9.6,
        "Retail and manufacture": 9.2,
        "Local government": 9.1,
        "Legal": 7.3,
        "Charitable and voluntary": 5.8,
        "General business": 5.3,
        "Land or property services": 4.5,
        "Transport and leisure": 3.2,
        "Central Government": 3.0,
        "Social care": 2.5,
        "Online Technology and Telecoms": 2.5,
        "Justice": 1.7,
        "Membership association": 1.4,
        "Utilities": 1.0,
        "Regulators": 0.38,
        "Religious": 0.37,
        "Marketing": 0.33,
        "Media": 0.29,
        "Political": 0.23,
        "Unassigned": 0.01,
        "Unknown": 0.005,
    },
)
# Cyber share of incidents by year: rising from ~20% to ~28%.
CYBER_SHARE_BY_YEAR = {2019: 0.20, 2020: 0.22, 2021: 0.25, 2022: 0.26, 2023: 0.28, 2024: 0.28}
CYBER_TYPE_P = _weights(
    voc.INCIDENT_TYPES,
    {
        "Phishing": 33,
        "Ransomware": 27,
        "Other cyber incident": 15,
        "Unauthorised access": 12,
        "Malware": 6,
        "Brute Force": 4,
        "Denial of service": 1.2,
        "Cryptographic flaw": 0.8,
    },
)
NON_CYBER_TYPE_P = _weights(
    voc.INCIDENT_TYPES,
    {
        "Other non-cyber incident": 22,
        "Data emailed to incorrect recipient": 20,
        "Unauthorised access": 12,
        "Data posted or faxed to incorrect recipient": 11,
        "Loss/theft of paperwork or data left in insecure location": 10,
        "Failure to redact": 5,
        "Loss/theft of device containing personal data": 4.5,
        "Not Provided": 4,
        "Hardware/software misconfiguration": 3,
        "Verbal disclosure of personal data": 2.7,
        "Failure to use bcc": 2,
        "Alteration of personal data": 1,
        "Incorrect disposal of paperwork": 1,
        "Incorrect disposal of hardware": 0.5,
        "Data of wrong data subject shown in client portal": 1,
    },
)
SUBJECTS_BAND_P = _weights(
    voc.SUBJECTS_BANDS,
    {
        "1 to 9": 55,
        "10 to 99": 14,
        "100 to 1k": 10,
        "1k to 10k": 7,
        "10k to 100k": 4,
        "100k and above": 2,
        "Unknown": 8,
    },
)
TIME_TO_REPORT_P = _weights(
    voc.TIME_TO_REPORT,
    {"Less than 24 hours": 36, "24 hours to 72 hours": 40, "72 hours to 1 week": 13, "More than 1 week": 11},
)
DECISION_P = _weights(
    voc.DECISIONS,
    {
        "No Further Action": 56,
        "Informal Action Taken": 38,
        "Investigation Pursued": 3,
        "Not Yet Assigned": 2.5,
        "Regulatory action taken": 0.5,
    },
)
# The newest quarters are still being worked on: more "Not Yet Assigned".
RECENT_DECISION_P = _weights(
    voc.DECISIONS,
    {
        "No Further Action": 45,
        "Informal Action Taken": 30,
        "Investigation Pursued": 3,
        "Not Yet Assigned": 21.7,
        "Regulatory action taken": 0.3,
    },
)

# Several rows per incident = distinct Data Subject Type x Data Type pairs. An incident starts at a (sector-
# dependent) subject type and data type and walks along these popularity orders, so pairs never repeat.
DST_ORDER = (
    "Customers or prospective customers",
    "Employees",
    "Patients",
    "Students",
    "Children",
    "Vulnerable adults",
    "Users",
    "Subscribers",
    "Unknown",
)
DT_ORDER = (
    "Basic personal identifiers",
    "Identification data",
    "Economic and financial data",
    "Health data",
    "Official documents",
    "Location data",
    "Criminal convictions or offences",
    "Data revealing racial or ethnic origin",
    "Genetic or biometric data",
    "Religious or philosophical beliefs",
    "Sexual orientation data",
    "Sex life data",
    "Gender Reassignment Data",
    "Political opinions",
    "Trade union membership",
    "Unknown",
)
_DST_BASE = {
    "Customers or prospective customers": 45,
    "Employees": 25,
    "Users": 8,
    "Subscribers": 4,
    "Unknown": 8,
    "Children": 4,
    "Students": 3,
    "Patients": 2,
    "Vulnerable adults": 1,
}
_DST_BY_SECTOR = {
    "Health": {"Patients": 75, "Employees": 12, "Vulnerable adults": 5, "Unknown": 8},
    "Education and childcare": {"Students": 45, "Children": 35, "Employees": 15, "Unknown": 5},
    "Social care": {"Vulnerable adults": 55, "Children": 25, "Employees": 15, "Unknown": 5},
    "Local government": {
        "Customers or prospective customers": 35,
        "Children": 20,
        "Vulnerable adults": 15,
        "Employees": 20,
        "Unknown": 10,
    },
}
_DT_BASE = {
    "Basic personal identifiers": 55,
    "Identification data": 12,
    "Economic and financial data": 12,
    "Health data": 6,
    "Official documents": 4,
    "Location data": 3,
    "Criminal convictions or offences": 1,
    "Unknown": 7,
}
_DT_BY_SECTOR = {
    "Health": {"Health data": 55, "Basic personal identifiers": 35, "Unknown": 10},
    "Social care": {"Health data": 35, "Basic personal identifiers": 55, "Unknown": 10},
    "Justice": {"Criminal convictions or offences": 45, "Basic personal identifiers": 45, "Unknown": 10},
    "Finance, insurance and credit": {
        "Economic and financial data": 50,
        "Basic personal identifiers": 45,
        "Unknown": 5,
    },
}
# How many data types an incident spans before adding another subject type (1..16).
WIDTH_P = _weights(
    tuple(str(i) for i in range(1, 17)),
    {
        "1": 10,
        "2": 20,
        "3": 22,
        "4": 16,
        "5": 10,
        "6": 7,
        "7": 5,
        "8": 4,
        "9": 2,
        "10": 1,
        "11": 1,
        "12": 0.5,
        "13": 0.5,
        "14": 0.3,
        "15": 0.2,
        "16": 0.5,
    },
)


def _start_cdf(order: tuple[str, ...], base: dict, by_sector: dict) -> np.ndarray:
    """Cumulative start-position probabilities per sector (rows: voc.SECTORS, columns: positions in order)."""
    rows = [np.cumsum(_weights(order, by_sector.get(sector, base))) for sector in voc.SECTORS]
    return np.vstack(rows)


DST_START_CDF = _start_cdf(DST_ORDER, _DST_BASE, _DST_BY_SECTOR)
DT_START_CDF = _start_cdf(DT_ORDER, _DT_BASE, _DT_BY_SECTOR)
DST_ORDER_CODES = np.array([voc.DATA_SUBJECT_TYPES.index(v) for v in DST_ORDER], dtype=np.int8)
DT_ORDER_CODES = np.array([voc.DATA_TYPES.index(v) for v in DT_ORDER], dtype=np.int8)
QUARTER_TEXT = tuple(voc.QUARTER_LABELS)  # 'Qtr 1'..'Qtr 4'
COLUMNS = tuple(voc.ICO_COLUMNS)


@dataclass(frozen=True)
class SampleInfo:
    path: Path
    rows: int
    incidents: int
    quarterly_incidents: dict[tuple[int, int], int] = field(repr=False)  # (year, quarter) -> distinct incidents
    marker: Path = Path()
    seed: int = 2019


def sample_marker_path(path: Path) -> Path:
    """The sidecar that labels a file as simulated: <name>.SAMPLE.txt beside it."""
    path = Path(path)
    return path.with_name(path.name + SAMPLE_MARKER_SUFFIX)


def is_sample_file(path: Path) -> bool:
    """True when `path` is a sample this module wrote (sidecar present, or an XLSX carrying the marker).

    Errs towards True: a stale sidecar beside a real file only over-labels; a sample shown as real data would be
    worse.
    """
    path = Path(path)
    if sample_marker_path(path).exists():
        return True
    if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            try:
                return XLSX_MARKER.encode() in zf.read("docProps/core.xml")
            except KeyError:
                return False
    return False


def published_quarterly(path: Path = PUBLISHED_QUARTERLY_CSV) -> list[tuple[int, int, int]]:
    """[(year, quarter, incidents)] from the reference CSV, in time order."""
    with open(path, newline="", encoding="utf-8") as f:
        out = [(int(r["year"]), int(r["quarter"]), int(r["incidents"])) for r in csv.DictReader(f)]
    return sorted(out)


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights summing exactly to total (largest remainder, ties to the earliest)."""
    weights = np.asarray(weights, dtype=np.float64)
    if total == 0 or weights.sum() == 0:
        return np.zeros(weights.size, dtype=np.int64)
    exact = weights * (total / weights.sum())
    base = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return base


def quarter_targets(rows: int, published: list[tuple[int, int, int]] | None = None) -> np.ndarray:
    """Incidents per quarter: published totals x rows/169,166, rounded by largest remainder.

    The overall total is round(published total x scale), so at 169,166 rows each quarter equals the published count.
    """
    published = published or published_quarterly()
    counts = np.array([p[2] for p in published], dtype=np.int64)
    total = min(rows, max(1, int(round(float(counts.sum()) * rows / CALIBRATION_ROWS))))
    return _split(total, counts)


def _rows_per_incident(rng: np.random.Generator, incidents: int, rows: int) -> np.ndarray:
    """Rows for each incident (1..144), summing to exactly `rows`: overdispersed, most incidents 1-3 rows."""
    extra_total = rows - incidents
    if extra_total > (MAX_ROWS_PER_INCIDENT - 1) * incidents:
        raise ValueError(
            f"{rows} rows cannot be spread over {incidents} incidents (at most {MAX_ROWS_PER_INCIDENT} rows each)"
        )
    mean_extra = extra_total / incidents
    lam = rng.gamma(shape=0.45, scale=max(mean_extra, 1e-9) / 0.45, size=incidents)
    extra = np.minimum(rng.poisson(lam), MAX_ROWS_PER_INCIDENT - 1).astype(np.int64)
    # Nudge random incidents up or down until the total is exact.
    while (diff := extra_total - int(extra.sum())) != 0:
        room = np.flatnonzero(extra < MAX_ROWS_PER_INCIDENT - 1) if diff > 0 else np.flatnonzero(extra > 0)
        picks = rng.choice(room, size=min(abs(diff), room.size), replace=False)
        extra[np.sort(picks)] += 1 if diff > 0 else -1
    return (extra + 1).astype(np.int32)


def _draw(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(np.cumsum(p), rng.random(n), side="right").clip(0, len(p) - 1).astype(np.int16)


def _draw_rows(rng: np.random.Generator, cdf_rows: np.ndarray, n: int) -> np.ndarray:
    """One draw per row of a matrix of CDFs."""
    return (rng.random(n)[:, None] > cdf_rows).sum(axis=1).clip(0, cdf_rows.shape[1] - 1)


def _dict_column(codes: np.ndarray, values) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(list(values), pa.string()))


def _quarter_table(
    rng: np.random.Generator, year: int, quarter: int, k: np.ndarray, refs: np.ndarray, recent: bool
) -> pa.Table:
    """All rows of a chunk of one quarter's incidents (k[i] rows for incident i, reference refs[i])."""
    n = k.size
    sector = _draw(rng, SECTOR_P, n)
    cyber = rng.random(n) < CYBER_SHARE_BY_YEAR.get(year, 0.28)
    itype = np.where(cyber, _draw(rng, CYBER_TYPE_P, n), _draw(rng, NON_CYBER_TYPE_P, n))
    category = np.where(cyber, 0, 1).astype(np.int8)  # index into voc.INCIDENT_CATEGORIES
    band = _draw(rng, SUBJECTS_BAND_P, n)
    ttr = _draw(rng, TIME_TO_REPORT_P, n)
    decision = _draw(rng, RECENT_DECISION_P if recent else DECISION_P, n)
    dst_start = _draw_rows(rng, DST_START_CDF[sector], n)
    dt_start = _draw_rows(rng, DT_START_CDF[sector], n)
    width = _draw(rng, WIDTH_P, n).astype(np.int32) + 1
    width = np.maximum(np.minimum(width, k), -(-k // len(DST_ORDER)))  # <=9 subject types needed

    # Expand incidents to rows; j = position of the row within its incident.
    inc = np.repeat(np.arange(n, dtype=np.int32), k)
    first = np.cumsum(k) - k
    j = np.arange(inc.size, dtype=np.int32) - np.repeat(first, k)
    w = width[inc]
    dst = DST_ORDER_CODES[(dst_start[inc] + j // w) % len(DST_ORDER)]
    dtype_ = DT_ORDER_CODES[(dt_start[inc] + j % w) % len(DT_ORDER)]
    row_sector = sector[inc]
    row_category = category[inc]
    row_type = itype[inc]

    # A few multi-row incidents disagree with themselves on their last row, as in the real file.
    multi = np.flatnonzero(k > 1)
    last = first + k - 1
    sc = multi[rng.random(multi.size) < SECTOR_CONFLICT_SHARE]
    row_sector[last[sc]] = (sector[sc] + rng.integers(1, len(voc.SECTORS) - 2, sc.size)) % (len(voc.SECTORS) - 2)
    cc = multi[rng.random(multi.size) < CATEGORY_CONFLICT_SHARE]
    flipped = 1 - category[cc]
    row_category[last[cc]] = flipped
    row_type[last[cc]] = np.where(
        flipped == 0, _draw(rng, CYBER_TYPE_P, cc.size), _draw(rng, NON_CYBER_TYPE_P, cc.size)
    )

    ref_text = pa.array(np.char.add("BI", refs.astype(str)).tolist(), pa.string())
    columns = [
        pa.DictionaryArray.from_arrays(pa.array(inc), ref_text),
        pa.array(np.full(inc.size, year, dtype=np.int16)),
        _dict_column(np.full(inc.size, quarter - 1, dtype=np.int8), QUARTER_TEXT),
        _dict_column(dst, voc.DATA_SUBJECT_TYPES),
        _dict_column(dtype_, voc.DATA_TYPES),
        _dict_column(decision[inc], voc.DECISIONS),
        _dict_column(row_category, voc.INCIDENT_CATEGORIES),
        _dict_column(row_type, voc.INCIDENT_TYPES),
        _dict_column(band[inc], voc.SUBJECTS_BANDS),
        _dict_column(row_sector, voc.SECTORS),
        _dict_column(ttr[inc], voc.TIME_TO_REPORT),
    ]
    return pa.Table.from_arrays(columns, names=list(COLUMNS))


def _revise(table: pa.Table, delta: int, first_ref: int) -> pa.Table:
    """`delta` > 0: rows of the table's first `delta` incidents again, under references first_ref, first_ref+1, ...
    `delta` < 0: the table without the rows of its last -delta incidents. (Column 0 encodes the incident as a
    dictionary index, 0..n-1 in row order.)"""
    import pyarrow.compute as pc

    incident = table.column(0).combine_chunks().indices
    n = len(table.column(0).combine_chunks().dictionary)
    if delta < 0:
        return table.filter(pc.less(incident, n + delta))
    added = table.filter(pc.less(incident, delta))
    refs = pa.array([f"BI{first_ref + i}" for i in range(delta)], pa.string())
    column = pa.DictionaryArray.from_arrays(added.column(0).combine_chunks().indices, refs)
    return added.set_column(0, table.schema.field(0), column)


def _tables(
    rows: int,
    seed: int,
    counts: np.ndarray,
    published: list[tuple[int, int, int]],
    until: tuple[int, int] | None = None,
    revisions: dict[tuple[int, int], int] | None = None,
):
    """Yield tables of at most CHUNK_INCIDENTS incidents, in time order (memory bounded whatever `rows`).

    Stops after quarter `until`; applies `revisions` ((year, quarter) -> incidents added or dropped) after the
    random draws, so they change nothing else.
    """
    revisions = revisions or {}
    rng = np.random.default_rng(seed)
    extra_by_quarter = _split(rows - int(counts.sum()), counts)  # rows beyond one per incident
    next_ref = 100
    revision_ref = REVISION_REFERENCE_BASE
    previous_new = np.empty(0, dtype=np.int64)
    for i, ((year, quarter, _), n, extra) in enumerate(zip(published, counts, extra_by_quarter)):
        if until is not None and (year, quarter) > until:
            return
        n = int(n)
        reused_n = min(int(round(n * REUSED_REFERENCE_SHARE)), previous_new.size)
        reused = np.sort(rng.choice(previous_new, size=reused_n, replace=False)) if reused_n else previous_new[:0]
        new = next_ref + np.cumsum(rng.integers(1, 4, n - reused_n))  # increasing, with gaps: unique
        if new.size:
            next_ref = int(new[-1])
        previous_new = new
        refs = np.concatenate([reused, new])
        sizes = np.diff(np.r_[np.arange(0, n, CHUNK_INCIDENTS), n]) if n else np.empty(0, dtype=np.int64)
        delta = revisions.get((year, quarter), 0)
        if delta and (not sizes.size or -delta >= sizes[-1] or delta > sizes[0]):
            raise ValueError(f"cannot revise {quarters.label(year, quarter)} by {delta:+d}: it has {n} incidents")
        start = 0
        for j, (size, chunk_extra) in enumerate(zip(sizes, _split(int(extra), sizes))):
            size = int(size)
            k = _rows_per_incident(rng, size, size + int(chunk_extra))
            table = _quarter_table(rng, year, quarter, k, refs[start : start + size], recent=i >= len(published) - 2)
            if delta < 0 and j == len(sizes) - 1:
                table = _revise(table, delta, 0)
            yield table
            if delta > 0 and j == 0:
                yield _revise(table, delta, revision_ref)
                revision_ref += delta
            start += size


def _marker_text(out: Path, rows: int, incidents: int, seed: int, size: int) -> str:
    return (
        "SIMULATED SAMPLE - NOT ICO DATA\n"
        f"File: {out.name}\nRows: {rows}\nIncidents: {incidents}\nSeed: {seed}\nBytes: {size}\n"
        "Written by etl/sample.py in the ICO 'Data security incident trends' format.\n"
        "Only the quarterly incident totals are real: the ICO's published figures "
        f"({PUBLISHED_QUARTERLY_CSV.name}) scaled by rows / {CALIBRATION_ROWS}.\n"
        "Sectors, categories, incident types, bands, decisions and references are simulated.\n"
        "Any warehouse built from this file must be labelled as sample data.\n"
    )


def _write_csv(tmp: Path, tables) -> None:
    # Dictionary-encoded columns (same schema every chunk); the writer decodes them in C++.
    writer = None
    try:
        for table in tables:
            if writer is None:
                writer = pacsv.CSVWriter(str(tmp), table.schema, write_options=pacsv.WriteOptions(batch_size=65536))
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def _write_xlsx(tmp: Path, tables) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    # Fixed creation date and marker: byte-identical output for a seed, and recognisable as a sample.
    wb.set_properties(
        {"title": XLSX_MARKER, "comments": XLSX_MARKER, "keywords": XLSX_MARKER, "created": dt.datetime(2019, 1, 1)}
    )
    ws = wb.add_worksheet(voc.ICO_SHEET)
    ws.write_row(0, 0, COLUMNS)
    r = 1
    for table in tables:
        for values in zip(*(table.column(c).to_pylist() for c in COLUMNS)):
            ws.write_row(r, 0, values)
            r += 1
    wb.close()


def parse_quarter(text: str) -> tuple[int, int]:
    """'2024Q3' or '2024-Q3' -> (2024, 3)."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    year, _, quarter = cleaned.partition("Q")
    if not (year.isdigit() and len(year) == 4 and quarter in ("1", "2", "3", "4")):
        raise ValueError(f"{text!r} is not a quarter like 2024Q3")
    return int(year), int(quarter)


def parse_revision(text: str) -> tuple[tuple[int, int], int]:
    """'2023Q2=+4' -> ((2023, 2), 4); '2021Q1=-3' -> ((2021, 1), -3)."""
    where, sep, amount = text.partition("=")
    try:
        delta = int(amount)
    except ValueError:
        delta = 0
    if not sep or delta == 0 or abs(delta) > MAX_REVISION:
        raise ValueError(
            f"{text!r} is not a revision like 2023Q2=+4 or 2021Q1=-3 "
            f"(a whole number of incidents, at most {MAX_REVISION:,} either way)"
        )
    return parse_quarter(where), delta


def write_sample(
    out: Path,
    rows: int,
    seed: int = 2019,
    *,
    until: tuple[int, int] | None = None,
    revisions: dict[tuple[int, int], int] | None = None,
) -> SampleInfo:
    """Write an ICO-format sample (CSV, or XLSX sheet `in` when out ends in .xlsx).

    `rows` rows for the full series; `until` (year, quarter) stops earlier (an earlier release: fewer rows, the
    same quarters before it); `revisions` {(year, quarter): +n or -n} adds or drops incidents in those quarters.
    """
    out = Path(out)
    if rows < 1:
        raise ValueError(f"a sample needs at least 1 row, not {rows}")
    xlsx = out.suffix.lower() == ".xlsx"
    if xlsx and rows > XLSX_MAX_ROWS:
        raise ValueError(f"{rows} rows do not fit one Excel sheet (max {XLSX_MAX_ROWS}); write a .csv instead")
    published = published_quarterly()
    span = [(y, q) for y, q, _ in published]
    for where in [until, *(revisions or {})]:
        if where is not None and where not in span:
            raise ValueError(
                f"{quarters.label(*where)} is outside the sample's quarters "
                f"({quarters.label(*span[0])} to {quarters.label(*span[-1])})"
            )
    if until is not None and any(where > until for where in revisions or {}):
        raise ValueError("a revised quarter lies after the last quarter of the release")
    counts = quarter_targets(rows, published)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    written = {"rows": 0}
    quarterly = {where: 0 for where in span if until is None or where <= until}

    def counted(tables):  # the true rows and incidents written, whatever `until` and `revisions` did
        import pyarrow.compute as pc

        for table in tables:
            written["rows"] += table.num_rows
            key = (int(table.column(1)[0].as_py()), QUARTER_TEXT.index(table.column(2)[0].as_py()) + 1)
            quarterly[key] += pc.count_distinct(table.column(0).combine_chunks().indices).as_py()
            yield table

    try:
        (_write_xlsx if xlsx else _write_csv)(tmp, counted(_tables(rows, seed, counts, published, until, revisions)))
        incidents = sum(quarterly.values())
        marker = sample_marker_path(out)
        # Sidecar first, then the data: a sample never exists without its label. (No checksum here: hashing a
        # multi-GB sample would double the time; the build records the sha256 of what it loads.)
        marker.write_text(_marker_text(out, written["rows"], incidents, seed, tmp.stat().st_size), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return SampleInfo(
        path=out, rows=written["rows"], incidents=incidents, quarterly_incidents=quarterly, marker=marker, seed=seed
    )
