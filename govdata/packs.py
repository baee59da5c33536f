"""Briefing packs: every chart on a page, as files a briefing writer can paste from, in one ZIP (no Streamlit).

A pack holds, per chart, a PNG and an SVG laid out for a 16 cm report column (title, subtitle, notes, source line,
licence, data date and any sample label printed with it by govdata.export; a chart too long for one page comes as
numbered parts), the data behind it as CSV (govdata.export.to_csv, so it is
byte-identical to the chart's own CSV download), plus citations.txt (Harvard style), alt-text.txt and a README.txt
manifest. Images come from govdata.export's single, long-lived renderer. Without Chromium the pack still holds
everything else and README.txt says why the images are missing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

from govdata import export
from govdata.figures import OGL, OGL_ATTRIBUTION, FigureSpec

README = "README.txt"
CITATIONS = "citations.txt"
ALT_TEXT = "alt-text.txt"


@dataclass(frozen=True)
class PackFile:
    name: str
    description: str
    data: bytes


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


def pack_file_name(page_title: str, *, is_sample: bool = False, today: date | None = None) -> str:
    """e.g. 'briefing-pack-trends-2025-01-31.zip' (prefixed 'SAMPLE-' for sample data)."""
    stamp = (today or date.today()).isoformat()
    return f"{'SAMPLE-' if is_sample else ''}briefing-pack-{_slug(page_title)}-{stamp}.zip"


def alt_text(spec: FigureSpec) -> str:
    """The chart's alt text; when a builder gave none, its title, subtitle and summary (all computed from data)."""
    text = spec.alt_text.strip() or " ".join(p.strip() for p in (spec.title, spec.subtitle, spec.summary) if p)
    label = spec.sample_label()
    return f"{label} {text}" if spec.is_sample and label not in text else text


def _data_date(spec: FigureSpec) -> str:
    """What the chart's data runs to: the builder's data_date, else what its sources run to (never a release
    date presented as one)."""
    if spec.data_date:
        return spec.data_date
    dates = sorted({s.data_to for s in spec.sources if s.data_to})
    return ", ".join(dates) if dates else "not stated"


def _citations(specs: list[FigureSpec], accessed: str) -> str:
    seen: list[str] = []
    ogl = False
    for spec in specs:
        for source in spec.sources:
            line = source.harvard(accessed)
            if line not in seen:
                seen.append(line)
            ogl = ogl or (source.licence == OGL and not source.is_sample)
    labels = list(dict.fromkeys(s.sample_label() for s in specs if s.is_sample))
    lines = labels + [""] if labels else []
    lines += sorted(seen) or ["(no sources recorded)"]
    if ogl:
        lines += ["", OGL_ATTRIBUTION]
    return "\n".join(lines) + "\n"


def _images(specs: list[FigureSpec], stems: list[str]) -> tuple[list[PackFile], str | None]:
    """PNG and SVG of every chart, or ([], reason) when they cannot be rendered on this server."""
    if not export.images_available():
        return [], (
            "No Chromium is installed on the server that built this pack (or CHROMIUM_PATH points to a "
            "missing file), so the PNG and SVG images are not included. Every chart's data, citation and "
            "alt text are. Install Chromium (Debian: apt-get install chromium) to include images."
        )
    files = []
    try:
        for spec, stem in zip(specs, stems):
            for fmt in export.IMAGE_FORMATS:
                images = export.to_images(spec, fmt)
                for i, image in enumerate(images, 1):
                    part = f"-part{i}" if len(images) > 1 else ""
                    what = f", part {i} of {len(images)}" if len(images) > 1 else ""
                    files.append(PackFile(f"{stem}{part}.{fmt}", f"{spec.title} ({fmt.upper()}{what})", image))
    except Exception as exc:  # a renderer failure must not lose the rest of the pack; README says what happened
        first_line = (str(exc).splitlines() or [""])[0]
        return [], (
            f"The image renderer failed ({type(exc).__name__}: {first_line}), so the PNG and SVG images "
            "are not included. Every chart's data, citation and alt text are."
        )
    return files, None


def pack_files(
    specs: list[FigureSpec], page_title: str, *, accessed_date: str | date, include_images: bool = True
) -> list[PackFile]:
    """Every file of the pack, README.txt first."""
    accessed = accessed_date.isoformat() if isinstance(accessed_date, date) else str(accessed_date)
    stems = [f"{i:02d}-{export.file_stem(spec)}" for i, spec in enumerate(specs, 1)]
    data_files = [
        PackFile(f"{stem}.csv", f"data behind: {spec.title}", export.to_csv(spec)) for spec, stem in zip(specs, stems)
    ]
    if include_images:
        images, no_images_reason = _images(specs, stems)
    else:
        images, no_images_reason = [], "Images were not requested for this pack."
    alt = "\n\n".join(f"{stem}\n{alt_text(spec)}" for spec, stem in zip(specs, stems)) + "\n"
    extras = [
        PackFile(CITATIONS, "Harvard-style citations of every source", _citations(specs, accessed).encode()),
        PackFile(ALT_TEXT, "alt text for every chart, headed by its file name", alt.encode()),
    ]
    body = images + data_files + extras
    readme = _readme(specs, stems, page_title, accessed, body, no_images_reason)
    return [PackFile(README, "this manifest", readme.encode())] + sorted(body, key=lambda f: f.name)


def _readme(specs, stems, page_title, accessed, files, no_images_reason) -> str:
    built = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Briefing pack: {page_title}", "=" * (16 + len(page_title)), ""]
    if any(s.is_sample for s in specs):
        lines += list(dict.fromkeys(s.sample_label() for s in specs if s.is_sample))
        lines += [
            "Do not quote the simulated figures: the CSVs carry a data_status column saying which rows they are.",
            "",
        ]
    lines += [f"Built: {built}. Sources accessed: {accessed}.", f"Charts: {len(specs)}.", ""]
    if no_images_reason:
        lines += ["IMAGES NOT INCLUDED: " + no_images_reason, ""]
    for spec, stem in zip(specs, stems):
        lines += [
            f"{stem}: {spec.title}",
            f"  {spec.subtitle}",
            f"  Summary: {spec.summary}",
            f"  Source: {spec.source_text()}",
            f"  Data runs to: {_data_date(spec)}",
        ]
        lines += [f"  Note: {note}" for note in spec.notes]
        lines.append("")
    lines.append("Files:")
    lines += [f"  {README}  {'this manifest'}"]
    lines += [f"  {f.name}  {f.description}" for f in sorted(files, key=lambda f: f.name)]
    return "\n".join(lines) + "\n"


def build_pack(
    specs: list[FigureSpec], page_title: str, *, accessed_date: str | date, include_images: bool = True
) -> bytes:
    """The briefing pack ZIP for the charts of one page, as bytes."""
    if not specs:
        raise ValueError("a briefing pack needs at least one chart")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in pack_files(specs, page_title, accessed_date=accessed_date, include_images=include_images):
            zf.writestr(f.name, f.data)
    return buffer.getvalue()
