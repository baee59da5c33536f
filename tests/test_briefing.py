"""Briefings: dashboard links resolved strictly, the Word note (opened by LibreOffice, converted to PDF and read
back with poppler), and `python -m govdata.briefing` writing the same note or pack the page would, or failing
clearly on a bad link."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from support import fail_or_skip

from govdata import settings, warehouse
from govdata.briefing import LinkError, page_view, resolve
from govdata.briefing.note import INLINE_TABLE_ROWS, build_note
from govdata.figures import SAMPLE_LABEL
from govdata.packs import alt_text
from govdata.views.base import Direct

ACCESSED = date(2026, 1, 31)
TOOLS = ("soffice", "pdftotext", "pdfimages", "pdfinfo")
# LibreOffice prints this on machines without Java (Debian's libreoffice-writer without default-jre); it concerns
# the installation, not the document, and is the only line it may print besides the conversion itself.
NO_JAVA = "failed to launch javaldx"


def _need_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        message = (
            f"{', '.join(missing)} not installed (Debian: libreoffice-writer, poppler-utils; run.py installs "
            "them): the Word note cannot be checked"
        )
        fail_or_skip(message)


@pytest.fixture(scope="module")
def sample_con(sample_warehouse):
    cursor = warehouse.connect(sample_warehouse)
    yield cursor
    cursor.close()


# ---------------------------------------------------------------------------------------------- links


def test_links_resolve_to_the_page_and_its_values(con):
    runner = Direct(con)
    link = resolve("http://example.org:8501/sectors?view=cyber&period=2020&sectors=Health", runner)
    assert link.page == "sectors" and link.values["view"] == "cyber" and link.values["sectors"] == ["Health"]
    assert link.canonical().startswith("http://example.org:8501/sectors?q1_2019=0&period=2020&sectors=Health")
    assert resolve("http://example.org/", runner).page == "overview"
    assert resolve("/trends?sector=Health&period=year", runner).values["period"] == "year"
    assert resolve("https://host/prefix/trends", runner).base_url == "https://host/prefix"


@pytest.mark.parametrize(
    "link, words",
    [
        ("http://h/nowhere", "does not have"),
        ("http://h/sectors?period=1066", "period='1066': not one of the available options"),
        ("http://h/sectors?sectors=Health&sectors=Atlantis", "sectors='Atlantis'"),
        ("http://h/trends?colour=red", "parameter 'colour' is not one the Trends page reads"),
        ("http://h/scenarios?t1=150", "outside the range 0 to 100"),
        ("ftp://h/trends", "http:// or https://"),
        ("", "empty"),
        ("http://h/trends?sector=" + "x" * 9000, "at most"),
    ],
)
def test_bad_links_are_errors_that_say_why(con, link, words):
    with pytest.raises(LinkError, match=re.escape(words)):
        resolve(link, Direct(con))


# ---------------------------------------------------------------------------------------------- the note


def test_note_holds_every_chart_with_alt_text_caption_table_and_link(sample_con):
    link = "http://localhost:8501/trends?breakdown=incident_category&period=year"
    resolved, view = page_view(sample_con, link)
    data = build_note(view, link=resolved.canonical(), accessed=ACCESSED)
    document = docx.Document(io.BytesIO(data))
    assert SAMPLE_LABEL in document.sections[0].header.paragraphs[0].text
    body = "\n".join(p.text for p in document.paragraphs)
    for sentence in view.headlines:
        assert sentence in body
    shapes = document.inline_shapes
    assert len(shapes) == len(view.specs)
    for shape, spec in zip(shapes, view.specs):
        assert shape._inline.docPr.get("descr") == alt_text(spec)
        assert shape.width.cm == pytest.approx(16.0)
    for i, spec in enumerate(view.specs, 1):
        assert f"Figure {i}." in body and spec.source_text() in body
        if len(spec.data) > INLINE_TABLE_ROWS:
            assert "Appendix A" in body
    assert "[1] " in body and "Data to: " in body
    ogl = any(src.licence == "Open Government Licence v3.0" for spec in view.specs for src in spec.sources)
    assert ("Open Government Licence" in body) == ogl  # simulated data is never credited to the ICO
    links = [rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")]
    assert links == [resolved.canonical()]
    # every data table: a bold header row of labels, then one row per data row
    tables = document.tables[1:]  # the first is "what this view shows"
    assert sum(len(t.rows) - 1 for t in tables) == sum(len(s.data) for s in view.specs)
    from govdata.tables import display_table  # cells as the dashboard's own tables write them

    first = display_table(view.specs[0].data).text()
    assert [c.text for c in tables[0].rows[0].cells] == list(first.columns)
    assert [c.text for c in tables[0].rows[1].cells] == list(first.iloc[0])


def test_note_opens_in_libreoffice_with_every_chart_and_sentence(sample_con, tmp_path):
    """Converted to PDF by LibreOffice (headless, as Debian installs it): no warning, a plausible page count,
    the sample label on every page, every chart as a picture and every headline sentence in the text."""
    _need_tools()
    resolved, view = page_view(sample_con, "http://localhost:8501/?sector=Health&sector=Local+government")
    note = tmp_path / "note.docx"
    note.write_bytes(build_note(view, link=resolved.canonical(), accessed=ACCESSED))
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(note),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    output = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert [line for line in output if NO_JAVA not in line and not line.startswith("convert ")] == [], output
    pdf = tmp_path / "note.pdf"
    pages = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        ).group(1)
    )
    long_tables = sum(len(s.data) > INLINE_TABLE_ROWS for s in view.specs)
    assert 2 + long_tables <= pages <= 2 + 2 * len(view.specs) + long_tables * 3, pages
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        assert SAMPLE_LABEL in " ".join(text.split()), f"page {page} has no sample label"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    for sentence in view.headlines:
        assert " ".join(sentence.split()) in text
    images = [
        line.split()
        for line in subprocess.run(
            ["pdfimages", "-list", str(pdf)], capture_output=True, text=True
        ).stdout.splitlines()[2:]
    ]
    pictures = [row for row in images if row[2] == "image"]
    assert len(pictures) == len(view.specs)
    assert all(int(row[3]) >= 1800 for row in pictures)  # >= 1,800 px across 16 cm: print resolution


# ---------------------------------------------------------------------------------------------- the command line


def _cli(*args: str, warehouse_path: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govdata.briefing", *args, "--warehouse", str(warehouse_path)],
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, **(env or {})),
    )


@pytest.mark.parametrize(
    "link, words",
    [
        ("http://h/sectors?view=pie", "view='pie'"),
        ("http://h/elsewhere", "does not have"),
        ("http://h/sources", "no charts"),
    ],
)
def test_cli_refuses_bad_links_with_a_clear_error(tiny_warehouse, tmp_path, link, words):
    out = tmp_path / "note.docx"
    result = _cli(link, "--out", str(out), warehouse_path=tiny_warehouse)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_refuses_other_output_types(tiny_warehouse, tmp_path):
    result = _cli("http://h/trends", "--out", str(tmp_path / "note.pdf"), warehouse_path=tiny_warehouse)
    assert result.returncode == 2 and ".docx or .zip" in result.stderr


def test_cli_pack_is_the_pages_pack_with_every_view(sample_warehouse, sample_con, tmp_path):
    """The ZIP the command line writes for a Sectors link holds every view's chart, like the page's button."""
    link = "http://localhost:8501/sectors?view=cyber&period=2023&sectors=Health&sectors=Local+government"
    out = tmp_path / "pack.zip"
    result = _cli(
        link, "--out", str(out), warehouse_path=sample_warehouse, env={"CHROMIUM_PATH": str(tmp_path / "no-chromium")}
    )  # images are checked elsewhere
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        readme = zf.read("README.txt").decode()
    _, view = page_view(sample_con, link)
    assert len(view.specs) == 8
    assert sorted(n for n in names if n.endswith(".csv")) == sorted(
        f"{i:02d}-SAMPLE-{s.key}.csv" for i, s in enumerate(view.specs, 1)
    )
    assert SAMPLE_LABEL in readme and "Sector comparison" in readme


def test_cli_note_for_a_link(sample_warehouse, tmp_path):
    out = tmp_path / "overview.docx"
    result = _cli("http://localhost:8501/?sector=Health", "--out", str(out), warehouse_path=sample_warehouse)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out}")
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 2
    assert "Overview: Health" in "\n".join(p.text for p in document.paragraphs)


def test_the_command_line_writes_the_note_the_page_gives(sample_warehouse, monkeypatch, tmp_path):
    """The page's "Download briefing note" and the command line, given the link the note states, write the same
    document (text and tables; images left out here via a missing CHROMIUM_PATH so the check is quick)."""
    from apptest_helpers import MediaCapture, open_page_capturing, page

    no_chromium = str(tmp_path / "no-chromium")
    monkeypatch.setenv("CHROMIUM_PATH", no_chromium)
    capture = MediaCapture()
    at = open_page_capturing(
        capture,
        page("sectors.py"),
        sample_warehouse,
        monkeypatch,
        {"view": "decisions", "period": "2023", "sectors": ["Health", "Local government"]},
    )
    (button,) = [b for b in at.get("download_button") if b.proto.label == "Download briefing note (Word)"]
    from_page = docx.Document(io.BytesIO(capture.download_bytes(button)))
    (link,) = [r.target_ref for r in from_page.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert link.startswith("http://localhost:8501/sectors?") and "view=decisions" in link
    out = tmp_path / "cli.docx"
    result = _cli(link, "--out", str(out), warehouse_path=sample_warehouse, env={"CHROMIUM_PATH": no_chromium})
    assert result.returncode == 0, result.stderr
    from_cli = docx.Document(str(out))

    def content(document) -> list:
        return (
            [p.text for p in document.paragraphs],
            [[c.text for c in row.cells] for t in document.tables for row in t.rows],
        )

    assert content(from_cli) == content(from_page)
    assert sum("Figure" in p.text and ":" in p.text for p in from_page.paragraphs) >= 8  # every view, not one
