"""`python -m etl build|fetch|sample|export-parquet` (see etl/cli.py)."""

import sys

from etl.cli import main

sys.exit(main())
