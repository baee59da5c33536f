"""One place for every path and environment setting, anchored on this file, never on the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
RAW_DIR = DATA_DIR / "raw"
DEFAULT_WAREHOUSE = DATA_DIR / "warehouse.duckdb"
SCHEMA_SQL = PROJECT_ROOT / "etl" / "schema.sql"

# ../shared beside the checkout holds published data used by some tests (never copied into the project).
SHARED_DIR = Path(os.environ.get("SHARED_DIR", PROJECT_ROOT.parent / "shared"))

WAREHOUSE_ENV = "DASHBOARD_WAREHOUSE"
RAW_DIR_ENV = "DASHBOARD_RAW_DIR"  # where downloaded ICO releases are kept (default data/raw)
LANDING_URL_ENV = "ICO_LANDING_URL"  # the ICO page linking the release (tests point it at a local server)
LEGACY_URL_ENV = "ICO_LEGACY_URL"  # the older quarterly workbook's address
# Bumped whenever etl/schema.sql changes: the app asks for a rebuild rather than failing on a missing table.
SCHEMA_VERSION = "4"


def warehouse_path() -> Path:
    """The warehouse the app reads: $DASHBOARD_WAREHOUSE when set, else data/warehouse.duckdb."""
    value = os.environ.get(WAREHOUSE_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else DEFAULT_WAREHOUSE


def raw_dir() -> Path:
    """Where downloaded releases are kept: $DASHBOARD_RAW_DIR when set, else data/raw."""
    value = os.environ.get(RAW_DIR_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else RAW_DIR
