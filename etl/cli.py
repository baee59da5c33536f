"""Command line for the write side. Bad input ends with a one-paragraph message on stderr and exit code 1,
never a traceback."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from etl.errors import SourceError
from govdata import settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Build and export the data warehouse.")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="validate every source, then replace the warehouse atomically")
    build.add_argument("--ico", type=Path, help="ICO row-level release (.xlsx or .csv); default: newest file in "
                       "data/raw/, else the generated sample")
    build.add_argument("--legacy-ico", type=Path, help="the older quarterly incident-type x sector workbook")
    build.add_argument("--warehouse", type=Path, help="output file (default: $DASHBOARD_WAREHOUSE or "
                       "data/warehouse.duckdb)")
    build.add_argument("--sample-rows", type=int, default=None, help="rows in a newly generated sample")

    commands.add_parser("fetch", help="download the newest ICO release into data/raw/")

    sample = commands.add_parser("sample", help="write a simulated sample in the ICO's format")
    sample.add_argument("--rows", type=int, required=True)
    sample.add_argument("--out", type=Path, required=True, help=".csv, or .xlsx for a workbook with sheet 'in'")
    sample.add_argument("--seed", type=int, default=2019)

    export = commands.add_parser("export-parquet", help="every table and view as Parquet, with a manifest")
    export.add_argument("--warehouse", type=Path)
    export.add_argument("--out", type=Path, required=True)
    return parser


def _build(args) -> None:
    from etl.build import DEFAULT_SAMPLE_ROWS, build
    from etl.report import format_report

    report = build(args.warehouse or settings.warehouse_path(), ico=args.ico, legacy_ico=args.legacy_ico,
                   sample_rows=args.sample_rows or DEFAULT_SAMPLE_ROWS)
    print(format_report(report))


def _fetch(args) -> None:
    from etl import fetch

    try:
        fetch.fetch()   # prints what it saved
    except fetch.FetchError as exc:
        raise SourceError(fetch.LANDING_URLS[0], str(exc).rstrip(".")) from None


def _sample(args) -> None:
    from etl.sample import write_sample

    started = time.perf_counter()
    try:
        info = write_sample(args.out, args.rows, args.seed)
    except ValueError as exc:   # e.g. too few rows, or more rows than one Excel sheet holds
        raise SourceError(args.out, str(exc)) from None
    print(f"Wrote a SIMULATED sample: {info.path} ({info.rows:,} rows, {info.incidents:,} incidents, "
          f"seed {info.seed}) in {time.perf_counter() - started:.1f} s")


def _export(args) -> None:
    from etl.parquet_export import export_parquet

    started = time.perf_counter()
    manifest = export_parquet(args.warehouse or settings.warehouse_path(), args.out)
    for entry in manifest["tables"]:
        print(f"  {entry['kind']:5} {entry['name']}: {entry['rows']:,} rows -> {entry['file']}")
    print(f"Exported {len(manifest['tables'])} tables/views to {args.out} (manifest.json) in "
          f"{time.perf_counter() - started:.1f} s")


COMMANDS = {"build": _build, "fetch": _fetch, "sample": _sample, "export-parquet": _export}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except SourceError as exc:
        print(f"Error: {exc.message()}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"Error: {exc.strerror or exc}{where}.", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"Error: the warehouse could not be written ({type(exc).__name__}: {str(exc).splitlines()[0]}); "
              "the previous warehouse is unchanged.", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"Error: the '{args.command}' command is not available ({exc}).", file=sys.stderr)
        return 1
    return 0
