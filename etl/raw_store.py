"""The kept downloads: every ICO release ever fetched stays in the raw folder (data/raw/ or $DASHBOARD_RAW_DIR)
with its sha256 and the address it came from, so any release can be loaded again and no download overwrites another.

    <raw>/<release file>               e.g. data-security-incidents-trends-q1-2019-to-q4-2024.xlsx
    <raw>/<release file>.sha256        "<hex>  <name>" (sha256sum format: `sha256sum -c` checks it)
    <raw>/<release file>.source.json   {"url", "landing_url", "sha256", "bytes", "fetched_at"} (downloads only)
    <raw>/legacy/<workbook>            the older quarterly tables, with the same two sidecars
    <raw>/rejected/<file>              a download the build refused: kept to inspect, never loaded

A re-published release whose name is already kept with other content is saved as <stem>-<sha256[:12]><suffix>.
Files are only ever given their final name once complete and checked (os.replace), sidecars first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

RELEASE_SUFFIXES = (".xlsx", ".csv")
RELEASE_NAME = re.compile(r"to-q([1-4])-(\d{4})", re.IGNORECASE)  # '...-q1-2019-to-q4-2024.xlsx'
LEGACY_DIR = "legacy"
REJECTED_DIR = "rejected"
SHA_SUFFIX = ".sha256"
ORIGIN_SUFFIX = ".source.json"


@dataclass(frozen=True)
class Origin:
    """Where a kept file came from (read from its .source.json)."""

    url: str
    landing_url: str
    sha256: str
    bytes: int
    fetched_at: dt.datetime  # UTC, naive


def sha256_of(path: Path) -> str:
    """The file's sha256 (the one file hash of the ETL: kept downloads, loaded releases, exports)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + SHA_SUFFIX), path.with_name(path.name + ORIGIN_SUFFIX)]


def _data_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in RELEASE_SUFFIXES and not p.name.startswith(".")
    )


def release_files(raw_dir: Path) -> list[Path]:
    """ICO release files kept directly in raw_dir (.xlsx/.csv; hidden and partial files and sidecars ignored)."""
    return _data_files(Path(raw_dir))


def release_order(path: Path) -> tuple:
    """Sort key: the quarter in the name ('...-to-q4-2024'), then the time the file was saved, then the name."""
    found = RELEASE_NAME.search(path.name)
    release = (int(found.group(2)), int(found.group(1))) if found else (0, 0)
    return release, path.stat().st_mtime, path.name


def newest_release(raw_dir: Path) -> Path | None:
    """The newest kept release: latest quarter in its name, then the latest saved."""
    return max(release_files(raw_dir), key=release_order, default=None)


def legacy_dir(raw_dir: Path) -> Path:
    return Path(raw_dir) / LEGACY_DIR


def newest_legacy(raw_dir: Path) -> Path | None:
    """The older quarterly workbook kept in <raw>/legacy/ (the latest saved, if several)."""
    return max(_data_files(legacy_dir(raw_dir)), key=lambda p: (p.stat().st_mtime, p.name), default=None)


def read_origin(path: Path) -> Origin | None:
    """The .source.json of a kept file, or None (a file placed by hand, or one changed since it was fetched)."""
    sidecar = Path(path).with_name(Path(path).name + ORIGIN_SUFFIX)
    try:
        info = json.loads(sidecar.read_text(encoding="utf-8"))
        origin = Origin(
            url=str(info["url"]),
            landing_url=str(info.get("landing_url") or ""),
            sha256=str(info["sha256"]),
            bytes=int(info["bytes"]),
            fetched_at=dt.datetime.fromisoformat(str(info["fetched_at"]).removesuffix("Z")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if origin.bytes != Path(path).stat().st_size:  # cheap check; the build compares the sha256 it computes
        return None
    return origin


def _free_name(folder: Path, filename: str, sha256: str) -> tuple[Path, bool]:
    """(where to keep a file with this content, whether exactly that content is already kept there)."""
    target = folder / filename
    if not target.exists():
        return target, False
    if sha256_of(target) == sha256:
        return target, True
    alternative = target.with_name(f"{target.stem}-{sha256[:12]}{target.suffix}")
    if alternative.exists() and sha256_of(alternative) == sha256:
        return alternative, True
    return alternative, False


def keep(
    partial: Path,
    folder: Path,
    filename: str,
    *,
    sha256: str,
    url: str,
    landing_url: str = "",
    fetched_at: dt.datetime | None = None,
) -> tuple[Path, bool]:
    """Give a complete, checked download (`partial`, in `folder`) its kept name, with both sidecars.

    Returns (kept path, is_new). When the same content is already kept the partial file is removed and nothing
    else changes (the kept file keeps its time stamp and origin).
    """
    folder = Path(folder)
    target, already = _free_name(folder, filename, sha256)
    if already:
        partial.unlink(missing_ok=True)
        return target, False
    fetched_at = fetched_at or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    sha_path, origin_path = _sidecars(target)
    sha_path.write_text(f"{sha256}  {target.name}\n", encoding="utf-8")
    origin_path.write_text(
        json.dumps(
            {
                "url": url,
                "landing_url": landing_url,
                "sha256": sha256,
                "bytes": partial.stat().st_size,
                "fetched_at": fetched_at.isoformat() + "Z",
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    os.replace(partial, target)  # only a complete, checked file ever carries the release's name
    return target, True


def reject(path: Path) -> Path:
    """Move a file the build refused (and its sidecars) to <raw>/rejected/, so later builds do not pick it."""
    path = Path(path)
    folder = path.parent / REJECTED_DIR
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    for source in [*_sidecars(path), path]:
        if source.exists():
            os.replace(source, folder / source.name)
    return target
