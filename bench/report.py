"""Percentiles, the machine description and the Markdown tables printed and written to bench/RESULTS.md."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import sys

import numpy as np


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (numpy's inverted_cdf, no interpolation: with few reps p95 is the slowest run, never
    flattered)."""
    if not values:
        return math.nan
    return float(np.percentile(values, p, method="inverted_cdf"))


def machine() -> list[str]:
    import duckdb
    import pandas
    import streamlit

    def sh(cmd: str) -> str:
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "(unavailable)"

    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    return [
        f"- `nproc`: {sh('nproc')} ({cpu})",
        "- `free -h`:",
        "```",
        sh("free -h"),
        "```",
        f"- Python {sys.version.split()[0]}, duckdb {duckdb.__version__}, pandas {pandas.__version__}, "
        f"streamlit {streamlit.__version__}, {platform.platform()}",
        f"- CHROMIUM: {sh('/usr/bin/chromium --version') if os.path.exists('/usr/bin/chromium') else 'absent'}",
    ]


def table(headers: list[str], rows: list[list]) -> list[str]:
    def cell(v) -> str:
        if isinstance(v, float):
            if math.isnan(v):
                return "–"
            return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.2f}"
        return str(v)

    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out
