"""python -m govdata.briefing "<dashboard link>" --out FILE.docx|FILE.zip [--warehouse PATH]

Writes the briefing note (Word) or the briefing pack (ZIP) the page at that link would give, without a browser,
so a monthly briefing can be scheduled. Exit 0 on success; 2 for a bad link or output name; 1 when the warehouse
is unavailable or the files cannot be written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from govdata import warehouse
from govdata.briefing import FORMATS, LinkError, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govdata.briefing",
        description="Write a page's briefing note (.docx) or pack (.zip) from its link.",
    )
    parser.add_argument("link", help='a dashboard address, e.g. "http://localhost:8501/sectors?view=cyber&period=2024"')
    parser.add_argument("--out", required=True, type=Path, help="output file: NAME.docx (Word note) or NAME.zip (pack)")
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="warehouse file (default: $DASHBOARD_WAREHOUSE or data/warehouse.duckdb)",
    )
    args = parser.parse_args(argv)
    if args.out.suffix.lower() not in FORMATS:
        print(f"briefing: --out must end in .docx or .zip, not {args.out.name!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        con = warehouse.connect(args.warehouse)
    except warehouse.WarehouseUnavailable as exc:
        print(f"briefing: {exc}", file=sys.stderr)  # says which file and how to build it
        return 1
    try:
        size = write(con, args.link, args.out)
    except LinkError as exc:
        print(f"briefing: bad link: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # e.g. a page with no charts, or inputs the scenario model refuses
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"briefing: cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    print(f"wrote {args.out} ({size:,} bytes) in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
