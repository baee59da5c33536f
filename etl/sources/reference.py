"""Committed reference CSVs: council survey results, poll results, context figures, the Socitm checklist.

Researchers add a survey or poll by adding rows to a CSV in data/reference/ (see its README.md) and rebuilding.
`load_reference(reference_dir)` reads and validates every file before anything is written: the first bad row stops
the build with a SourceError naming the file, line, column and value.

Each returned DataFrame has the warehouse table's columns in schema order (source_file and source_line added
here) and carries its provenance in `frame.attrs["provenance"]` (see `provenance_records`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.errors import SourceError
from govdata import settings

URL_PREFIXES = ("http://", "https://")
# A source shown only in print (no URL in the copy we hold) is cited as text starting with this marker.
CITATION_PREFIX = "Citation: "
POLARITIES = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | date | partial_date | pct | count | positive_int | number | source | polarity
    required: bool = True  # a value must be present


@dataclass(frozen=True)
class ReferenceFile:
    table: str
    file: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns whose values together must be unique (a duplicated row is refused)


def _c(name: str, kind: str = "text", required: bool = True) -> Column:
    return Column(name, kind, required)


SOURCES_TABLE = "reference_sources"
# A transcribed figure ends with the page it was read from, that page's licence and any note ...
CITED = (_c("source_url", "source"), _c("licence"), _c("notes", required=False))
# ... and a survey or poll figure is dated by its fieldwork and publication.
FIELDWORK = (_c("fieldwork_start", "date", False), _c("fieldwork_end", "date", False), _c("published", "date", False))

FILES: tuple[ReferenceFile, ...] = (
    # Every page a figure was read from, once: who published it, its title and date, when it was read. Charts
    # build each figure's citation from this row (Harvard style), so a citation is never a template.
    ReferenceFile(
        SOURCES_TABLE,
        "sources.csv",
        "Citation details of every page the reference figures were read from",
        (
            _c("source_url", "source"),
            _c("publisher"),
            _c("author", required=False),
            _c("title"),
            _c("published", "partial_date", False),
            _c("accessed", "date"),
            _c("licence"),
            _c("notes", required=False),
        ),
        key=("source_url",),
    ),
    ReferenceFile(
        "survey_results",
        "council_survey_results.csv",
        "Council information-governance survey results (transcribed from published reports)",
        (
            _c("survey_id"),
            _c("survey_name"),
            _c("publisher"),
            *FIELDWORK,
            _c("population"),
            _c("base_n", "positive_int", False),
            _c("topic"),
            _c("indicator"),
            _c("polarity", "polarity"),
            _c("question"),
            _c("value_pct", "pct", False),
            _c("value_count", "count", False),
            _c("value_text"),
            *CITED,
        ),
        key=("survey_id", "topic", "indicator", "source_url"),
    ),
    ReferenceFile(
        "poll_results",
        "poll_results.csv",
        "Public-opinion poll results on trust in data handling (transcribed from published reports)",
        (
            _c("poll_id"),
            _c("poll_name"),
            _c("publisher"),
            _c("pollster"),
            *FIELDWORK,
            _c("population"),
            _c("base_n", "positive_int", False),
            _c("question"),
            _c("organisation"),
            _c("organisation_type"),
            _c("response"),
            _c("value_pct", "pct", False),
            _c("value_text"),
            *CITED,
        ),
        key=("poll_id", "question", "organisation", "response", "source_url"),
    ),
    ReferenceFile(
        "context_figures",
        "context_figures.csv",
        "Context figures on public-sector data breaches and data sharing (transcribed)",
        (
            _c("figure_id"),
            _c("publisher"),
            _c("title"),
            _c("period_start", "date", False),
            _c("period_end", "date", False),
            _c("population"),
            _c("indicator"),
            _c("category", required=False),
            _c("value", "number", False),
            _c("unit"),
            _c("value_text"),
            *CITED,
        ),
        key=("figure_id",),
    ),
    ReferenceFile(
        "maturity_checklist",
        "maturity_checklist.csv",
        "Socitm data-maturity checklist questions",
        (
            _c("item_id"),
            _c("theme"),
            _c("question"),
            _c("immature_example", required=False),
            _c("mature_example", required=False),
            *CITED[:2],
        ),
        key=("item_id",),
    ),
)
TABLES: dict[str, ReferenceFile] = {f.table: f for f in FILES}
DATE_PAIRS = (("fieldwork_start", "fieldwork_end"), ("period_start", "period_end"))


def _display_path(path: Path) -> str:
    """Relative to the project inside it, else the file name alone: the warehouse never holds a server path."""
    try:
        return str(path.resolve().relative_to(settings.PROJECT_ROOT))
    except ValueError:
        return path.name


def _parse(value: str, col: Column, fail) -> object:
    """One cell (already stripped, non-empty) -> typed value, or fail(problem)."""
    kind = col.kind
    if kind == "date":
        try:
            if len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            fail("date is not an ISO date (YYYY-MM-DD)")
    if kind == "partial_date":  # a publication date as precise as the page gives it: YYYY, YYYY-MM or YYYY-MM-DD
        try:
            if len(value) == 4 and value.isdigit():
                return value
            if len(value) == 7:
                dt.date.fromisoformat(value + "-01")
                return value
            if len(value) == 10:
                return dt.date.fromisoformat(value).isoformat()
            raise ValueError
        except ValueError:
            fail("date is not YYYY, YYYY-MM or YYYY-MM-DD")
    if kind in ("pct", "number"):
        try:
            number = float(value.replace(",", "")) if kind == "number" else float(value)
        except ValueError:
            fail("not a number")
        if not math.isfinite(number):
            fail("not a finite number")
        if kind == "pct" and not 0 <= number <= 100:
            fail("percentage outside 0-100")
        return number
    if kind in ("count", "positive_int"):
        try:
            number = int(value)
        except ValueError:
            fail("not a whole number (write it without commas or decimals)")
        if kind == "positive_int" and number <= 0:
            fail("base n must be a positive whole number")
        if kind == "count" and number < 0:
            fail("count must not be negative")
        return number
    if kind == "source":
        if value.startswith(URL_PREFIXES):
            if len(value) <= len("https://") or " " in value:
                fail("source URL is not a valid http(s) address")
            return value
        if value.startswith(CITATION_PREFIX) and len(value) > len(CITATION_PREFIX) + 10:
            return value
        fail(f"source must be an http(s) URL, or a citation starting '{CITATION_PREFIX}' when the source shows no URL")
    if kind == "polarity":
        if value not in POLARITIES:
            fail(f"polarity must be one of {', '.join(POLARITIES)}")
        return value
    return value


def _read_text(path: Path) -> tuple[str, bytes]:
    if not path.is_file():
        raise SourceError(
            path,
            "reference file is missing",
            hint="Every reference CSV listed in data/reference/README.md must be present.",
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), raw
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            path, f"file is not UTF-8 (bad byte at offset {exc.start})", row=line, hint="Save the CSV as UTF-8."
        ) from None


def read_file(path: Path, spec: ReferenceFile) -> pd.DataFrame:
    """Validate one reference CSV and return its rows typed, in schema order, with source_file/source_line."""
    text, raw = _read_text(path)
    shown = _display_path(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError(shown, "file is empty (no header row)") from None
    header = [h.strip() for h in header]
    expected = [c.name for c in spec.columns]
    missing = [c for c in expected if c not in header]
    if missing:
        raise SourceError(
            shown,
            f"required column(s) missing: {', '.join(missing)}",
            row=1,
            column=missing[0],
            hint=f"The header must be: {','.join(expected)}",
        )
    extra = [h for h in header if h not in expected]
    if extra:
        raise SourceError(
            shown,
            "unexpected column (a typo, or a column the warehouse does not have)",
            row=1,
            column=extra[0],
            value=extra[0],
            hint=f"The header must be: {','.join(expected)}",
        )
    duplicated = [h for h in header if header.count(h) > 1]
    if duplicated:
        raise SourceError(shown, "column appears twice in the header", row=1, column=duplicated[0])
    position = {name: header.index(name) for name in expected}

    records: list[dict] = []
    seen_keys: dict[tuple, int] = {}
    last_line = 1
    for cells in reader:
        line = last_line + 1  # first physical line of this record (a quoted cell may span lines)
        last_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank line (e.g. a trailing newline from a spreadsheet)
        if len(cells) != len(header):
            raise SourceError(
                shown,
                f"row has {len(cells)} cells but the header has {len(header)}",
                row=line,
                hint="Check for an unquoted comma or a missing cell.",
            )
        record: dict = {}
        for col in spec.columns:
            value = cells[position[col.name]].strip()

            def fail(problem: str, _col=col, _value=value, _line=line) -> None:
                raise SourceError(shown, problem, row=_line, column=_col.name, value=_value)

            if not value:
                if col.required:
                    fail("required value is empty")
                record[col.name] = None
                continue
            record[col.name] = _parse(value, col, fail)
        for start, end in DATE_PAIRS:
            if record.get(start) and record.get(end) and record[start] > record[end]:
                raise SourceError(
                    shown, f"{start} is after {end}", row=line, column=start, value=record[start].isoformat()
                )
        if "value_pct" in record and spec.table != "context_figures":
            if record["value_pct"] is None and record.get("value_count") is None and not record.get("notes"):
                raise SourceError(
                    shown,
                    "no value_pct (or value_count): say in notes why the source gives no exact figure",
                    row=line,
                    column="value_pct",
                )
        if spec.key:
            key = tuple(record[c] for c in spec.key)
            if key in seen_keys:
                what = " + ".join(spec.key)
                raise SourceError(
                    shown,
                    f"duplicate {what} (first on line {seen_keys[key]})",
                    row=line,
                    column=spec.key[0],
                    value=" / ".join(str(v) for v in key)[:300],
                    hint="Each figure is stored once per source: remove the repeated row.",
                )
            seen_keys[key] = line
        record["source_file"] = shown
        record["source_line"] = line
        records.append(record)
    if not records:
        raise SourceError(shown, "file has a header but no rows")

    frame = pd.DataFrame.from_records(records, columns=expected + ["source_file", "source_line"])
    for col in spec.columns:
        if col.kind in ("count", "positive_int"):
            frame[col.name] = frame[col.name].astype("Int64")
        elif col.kind in ("pct", "number"):
            frame[col.name] = frame[col.name].astype("Float64").astype("float64")
        elif col.kind == "date":
            frame[col.name] = pd.to_datetime(frame[col.name]).astype("datetime64[s]")
        else:
            frame[col.name] = frame[col.name].astype(object)
    frame["source_line"] = frame["source_line"].astype("int32")
    frame.attrs["provenance"] = {
        "source": spec.table,
        "title": spec.title,
        "publisher": "Various (each row names its publisher and source)",
        "file": shown,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "rows_read": len(records),
        "rows_kept": len(records),
        "rows_rejected": 0,
        "licence": "Mixed: see the licence column on each row",
        "release_date": None,
        "source_url": None,
        "is_sample": False,
        "load_report": json.dumps({"rows": len(records), "columns": expected, "rule": "any bad row stops the build"}),
    }
    return frame


def load_reference(reference_dir: Path = settings.REFERENCE_DIR) -> dict[str, pd.DataFrame]:
    """Every reference table, validated: {table name: DataFrame}. Raises SourceError on the first bad row,
    including a figure whose source_url has no row in sources.csv (so every figure can be cited)."""
    reference_dir = Path(reference_dir)
    frames = {spec.table: read_file(reference_dir / spec.file, spec) for spec in FILES}
    cited = set(frames[SOURCES_TABLE]["source_url"])
    for spec in FILES:
        if spec.table == SOURCES_TABLE:
            continue
        frame = frames[spec.table]
        missing = frame[~frame["source_url"].isin(cited)]
        if len(missing):
            row = missing.iloc[0]
            raise SourceError(
                row["source_file"],
                "source_url has no row in sources.csv, so the figure cannot be cited",
                row=int(row["source_line"]),
                column="source_url",
                value=row["source_url"],
                hint="Add the page to data/reference/sources.csv (publisher, title, published, accessed, licence).",
            )
    return frames


def provenance_records(frames: dict[str, pd.DataFrame]) -> list[dict]:
    """One provenance dict per reference file (keys as the provenance table, minus loaded_at)."""
    return [dict(frame.attrs["provenance"]) for frame in frames.values()]
