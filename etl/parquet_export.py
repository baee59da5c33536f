"""Export every warehouse table and view as Parquet (DuckDB COPY), with a manifest researchers can check against."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import duckdb

from etl import raw_store
from etl.errors import SourceError

MANIFEST = "manifest.json"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")  # names from the catalog are quoted only if they look like ours


def export_parquet(warehouse: Path, out_dir: Path) -> dict:
    """Write <out_dir>/<name>.parquet for each table and view, plus manifest.json; return the manifest."""
    warehouse, out_dir = Path(warehouse), Path(out_dir)
    if not warehouse.is_file():
        raise SourceError(warehouse, "No warehouse to export", hint="Build it first:  python -m etl build")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise SourceError(warehouse, f"The warehouse cannot be opened ({str(exc).splitlines()[0]})") from None
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        meta = dict(con.execute("SELECT key, value FROM warehouse_meta ORDER BY key").fetchall())
        objects = con.execute("""
            SELECT table_name, table_type FROM information_schema.tables
            WHERE table_schema = 'main' ORDER BY table_type, table_name""").fetchall()
        entries = []
        for name, kind in objects:
            if not _IDENTIFIER.match(name):
                raise SourceError(warehouse, "Unexpected table name in the warehouse", value=name)
            target = out_dir / f"{name}.parquet"
            con.execute(f'COPY (SELECT * FROM "{name}") TO $1 (FORMAT parquet)', [str(target)])
            rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
            columns = [
                {"name": c, "type": t}
                for c, t in con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
                    "AND table_name = $1 ORDER BY ordinal_position",
                    [name],
                ).fetchall()
            ]
            entries.append(
                {
                    "name": name,
                    "kind": "view" if kind == "VIEW" else "table",
                    "file": target.name,
                    "rows": rows,
                    "sha256": raw_store.sha256_of(target),
                    "columns": columns,
                }
            )
    finally:
        con.close()
    manifest = {
        "warehouse": str(warehouse),
        "warehouse_sha256": raw_store.sha256_of(warehouse),
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "warehouse_meta": meta,
        "tables": entries,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
