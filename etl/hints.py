"""The exact commands the ETL's messages tell people to type: they work as printed, from any directory."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from govdata import settings

# Settings that change where a command reads or writes: repeated in front of it when they are set.
BUILD_ENVIRONMENT = (settings.WAREHOUSE_ENV, settings.RAW_DIR_ENV)
FETCH_ENVIRONMENT = BUILD_ENVIRONMENT + (settings.LANDING_URL_ENV, settings.LEGACY_URL_ENV)


def etl_command(*args: str, environment: tuple[str, ...] = FETCH_ENVIRONMENT) -> str:
    """'cd /srv/app && .venv/bin/python -m etl refresh' (with the DASHBOARD_*/ICO_* settings in force)."""
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(settings.PROJECT_ROOT))
    except ValueError:
        shown = str(python)
    env = [f"{name}={shlex.quote(os.environ[name])}" for name in environment if os.environ.get(name, "").strip()]
    words = [*env, shlex.quote(shown), "-m", "etl", *(shlex.quote(str(a)) for a in args)]
    return f"cd {shlex.quote(str(settings.PROJECT_ROOT))} && " + " ".join(words)


def warehouse_args(warehouse: Path | None) -> tuple[str, ...]:
    """('--warehouse', PATH) unless `warehouse` is the one used by default."""
    if warehouse is None or Path(warehouse).resolve() == settings.warehouse_path().resolve():
        return ()
    return ("--warehouse", str(Path(warehouse).resolve()))


def by_hand(page: str, folder: Path, what: str = "workbook", warehouse: Path | None = None) -> str:
    """How to load a file without this machine fetching it (one sentence)."""
    command = etl_command("build", *warehouse_args(warehouse), environment=BUILD_ENVIRONMENT)
    return f"To load it by hand, download the {what} from {page} into {folder}/ and run: {command}"
