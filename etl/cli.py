"""Command line for the write side. Bad input ends with a one-paragraph message on stderr and exit code 1,
never a traceback."""

from __future__ import annotations

import argparse
import os
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
    build.add_argument(
        "--ico",
        type=Path,
        help="ICO row-level release (.xlsx or .csv); default: newest file in data/raw/, else the generated sample",
    )
    build.add_argument("--legacy-ico", type=Path, help="the older quarterly incident-type x sector workbook")
    build.add_argument(
        "--warehouse", type=Path, help="output file (default: $DASHBOARD_WAREHOUSE or data/warehouse.duckdb)"
    )
    build.add_argument("--sample-rows", type=int, default=None, help="rows in a newly generated sample")
    build.add_argument(
        "--fetch-first",
        action="store_true",
        help="with no release in data/raw/, first try to fetch the newest (at most 30 s); if that "
        "fails, build the labelled sample and say why (what `run.py dashboard` does)",
    )

    fetch = commands.add_parser(
        "fetch", help="download the newest ICO release into data/raw/ (every download is kept, with its sha256)"
    )
    fetch.add_argument(
        "--landing-url", help="the page linking the release (default: $ICO_LANDING_URL, else the ICO's page)"
    )
    fetch.add_argument(
        "--legacy", action="store_true", help="also fetch the older quarterly tables into data/raw/legacy/"
    )
    fetch.add_argument("--timeout", type=float, default=30, help="seconds to wait for each answer (default 30)")

    refresh = commands.add_parser(
        "refresh",
        help="fetch the newest release and rebuild only when it is new "
        "(for cron / systemd timers; safe while the app runs)",
    )
    refresh.add_argument(
        "--landing-url", help="the page linking the release (default: $ICO_LANDING_URL, else the ICO's page)"
    )
    refresh.add_argument(
        "--legacy-url",
        help="the older quarterly tables (default: $ICO_LEGACY_URL, else a "
        "pinned copy); fetched only while none is kept",
    )
    refresh.add_argument(
        "--warehouse",
        type=Path,
        help="the warehouse to refresh (default: $DASHBOARD_WAREHOUSE or data/warehouse.duckdb)",
    )
    refresh.add_argument("--timeout", type=float, default=30, help="seconds to wait for each answer (default 30)")

    sample = commands.add_parser("sample", help="write a simulated sample in the ICO's format")
    sample.add_argument("--rows", type=int, required=True)
    sample.add_argument("--out", type=Path, required=True, help=".csv, or .xlsx for a workbook with sheet 'in'")
    sample.add_argument("--seed", type=int, default=2019)
    sample.add_argument(
        "--to",
        metavar="YYYYQn",
        help="end at this quarter, like an earlier release (the quarters "
        "before it are exactly those of the full sample)",
    )
    sample.add_argument(
        "--revise",
        metavar="YYYYQn=+N",
        action="append",
        default=[],
        help="add (+N) or drop (-N) incidents in a quarter, like a later release's revision; repeatable",
    )

    export = commands.add_parser("export-parquet", help="every table and view as Parquet, with a manifest")
    export.add_argument("--warehouse", type=Path)
    export.add_argument("--out", type=Path, required=True)
    return parser


def _build(args) -> None:
    from etl.build import DEFAULT_SAMPLE_ROWS, build
    from etl.report import format_report

    warehouse = args.warehouse or settings.warehouse_path()
    rows = args.sample_rows or DEFAULT_SAMPLE_ROWS
    if args.fetch_first and args.ico is None:
        from etl.refresh import first_build

        report = first_build(warehouse, sample_rows=rows)
    else:
        report = build(warehouse, ico=args.ico, legacy_ico=args.legacy_ico, sample_rows=rows)
    print(format_report(report))


def _use_landing_url(url: str | None) -> None:
    # The environment variable, not an argument: every message's "run this" command then repeats it.
    if url:
        os.environ[settings.LANDING_URL_ENV] = url


def _fetch(args) -> None:
    from etl import fetch

    _use_landing_url(args.landing_url)
    fetch.fetch(timeout=args.timeout)  # prints what it saved
    if args.legacy:
        fetch.fetch_legacy(timeout=args.timeout)


def _refresh(args) -> None:
    from etl.refresh import refresh

    _use_landing_url(args.landing_url)
    if args.legacy_url:
        os.environ[settings.LEGACY_URL_ENV] = args.legacy_url
    refresh(args.warehouse, timeout=args.timeout)


def _sample(args) -> None:
    from etl.sample import parse_quarter, parse_revision, write_sample

    started = time.perf_counter()
    try:
        until = parse_quarter(args.to) if args.to else None
        revisions: dict = {}
        for text in args.revise:
            where, delta = parse_revision(text)
            revisions[where] = revisions.get(where, 0) + delta
        info = write_sample(args.out, args.rows, args.seed, until=until, revisions=revisions)
    except ValueError as exc:  # e.g. too few rows, more rows than one Excel sheet holds, a bad quarter
        raise SourceError(args.out, str(exc)) from None
    print(
        f"Wrote a SIMULATED sample: {info.path} ({info.rows:,} rows, {info.incidents:,} incidents, "
        f"seed {info.seed}) in {time.perf_counter() - started:.1f} s"
    )


def _export(args) -> None:
    from etl.parquet_export import export_parquet

    started = time.perf_counter()
    manifest = export_parquet(args.warehouse or settings.warehouse_path(), args.out)
    for entry in manifest["tables"]:
        print(f"  {entry['kind']:5} {entry['name']}: {entry['rows']:,} rows -> {entry['file']}")
    print(
        f"Exported {len(manifest['tables'])} tables/views to {args.out} (manifest.json) in "
        f"{time.perf_counter() - started:.1f} s"
    )


COMMANDS = {"build": _build, "fetch": _fetch, "refresh": _refresh, "sample": _sample, "export-parquet": _export}


def main(argv: list[str] | None = None) -> int:
    from etl.fetch import FetchError
    from etl.refresh import EXIT_BUSY, RefreshBusy

    args = _parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except FetchError as exc:
        print(f"Error: {exc.paragraph(settings.raw_dir(), getattr(args, 'warehouse', None))}", file=sys.stderr)
        return 1
    except RefreshBusy as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except SourceError as exc:
        print(f"Error: {exc.message()}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"Error: {exc.strerror or exc}{where}.", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(
            f"Error: the warehouse could not be written ({type(exc).__name__}: {str(exc).splitlines()[0]}); "
            "the previous warehouse is unchanged.",
            file=sys.stderr,
        )
        return 1
    except ImportError as exc:
        print(f"Error: the '{args.command}' command is not available ({exc}).", file=sys.stderr)
        return 1
    return 0
