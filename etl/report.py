"""The build's load report as plain text for the terminal (one block per source)."""

from __future__ import annotations

from etl.build import BuildReport
from govdata import quarters


def _count(n: int) -> str:
    return f"{n:,}"


def format_report(report: BuildReport) -> str:
    lines = []
    for source in report.sources:
        lines.append(f"{source.source}: {source.file}")
        lines.append(
            f"  rows read {_count(source.rows_read)}, kept {_count(source.rows_kept)}, "
            f"rejected {_count(source.rows_rejected)}"
        )
        if source.source == "ico_rows" and report.ico is not None:
            ico = report.ico
            lines.append(
                f"  incidents kept {_count(ico.incidents)} (BI Reference + Year + Quarter), "
                f"latest quarter {quarters.text(report.meta.get('latest_quarter', ''))}"
            )
            for reason, info in ico.rejected.items():
                lines.append(f"  rejected: {_count(info['rows'])} x {reason} (first at row {info['first_row']})")
            conflicts = {k: v for k, v in ico.conflicts.items() if v}
            if conflicts:
                lines.append(
                    "  conflicts resolved ("
                    + "; ".join(f"{k}: {_count(v)} incidents" for k, v in conflicts.items())
                    + ")"
                )
                lines.append(f"    rule: {report.ico.report()['conflict_rule']}")
            else:
                lines.append("  conflicts resolved: none")
            if ico.unknown_values:
                lines.append("  values not in the published vocabulary (kept):")
                for item in ico.unknown_values:
                    lines.append(f"    {item['column']} = {item['value']!r}: {_count(item['rows'])} rows")
            else:
                lines.append("  unknown category values: none")
            if ico.ignored_columns:
                lines.append("  extra columns ignored: " + ", ".join(ico.ignored_columns))
            history = report.releases
            if history is not None:
                lines.append(
                    f"  releases kept in the warehouse: {history.releases} (this one runs to "
                    f"{quarters.text(history.current.get('runs_to'))}; carried forward: {len(history.carried)}; "
                    f"re-read from kept downloads: {len(history.reloaded)})"
                )
                if history.dropped_other_kind:
                    lines.append(
                        f"  not carried forward: {history.dropped_other_kind} release(s) of the other kind "
                        "(simulated and real releases are never mixed)"
                    )
                for warning in history.warnings:
                    lines.append(f"  WARNING: {warning}")
        if source.source == "ico_legacy" and report.legacy is not None:
            legacy = report.legacy
            lines.append(f"  {len(legacy.sheets)} quarter sheets, {_count(legacy.cells)} sector x type cells")
            for sheet in legacy.sheets:
                lines.append(
                    f"    {sheet['sheet']} (calendar {quarters.label(sheet['year'], sheet['quarter'])}): grand total "
                    f"{sheet['grand_total']}, cells sum to {_count(sheet['sum_of_cells'])}"
                )
            if legacy.mismatches:
                lines.append(f"  TOTAL MISMATCHES ({len(legacy.mismatches)}):")
                for m in legacy.mismatches:
                    where = f"row {m['row']} ({m['incident_type']})" if m["row"] else "grand total"
                    lines.append(f"    {m['sheet']} {where}: stated {m['total']}, cells sum to {m['sum_of_cells']}")
            if legacy.unknown_sectors:
                lines.append("  sectors not in the vocabulary (kept): " + ", ".join(legacy.unknown_sectors))
    if report.is_sample:
        name = report.releases.current.get("file") if report.releases is not None else None
        what = f"{name} is marked as simulated" if name else "no real release found"
        lines.append(f"NOTE: the ICO figures are a SIMULATED SAMPLE ({what}); the app labels it.")
    lines.append(
        f"Warehouse written: {report.warehouse} (latest quarter {quarters.text(report.meta.get('latest_quarter'))}, "
        f"latest comparable year {report.meta.get('latest_comparable_year') or 'none'})"
    )
    lines.append(f"Build time: {report.seconds:.1f} s")
    if report.first_run_note:
        lines.append(report.first_run_note)
    return "\n".join(lines)
