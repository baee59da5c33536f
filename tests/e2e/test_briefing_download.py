"""The briefing note button in a real browser against the real server: the click builds the Word note off the
script thread (every view of the page, on a fresh read-only connection) and the browser receives a .docx, also
from a page showing a part with no chart (Scenarios' methods note)."""

from __future__ import annotations

import docx
import pytest
from e2e_helpers import RUN_TIMEOUT_MS, open_page

from govdata import briefing, printing, warehouse
from govdata.figures import SAMPLE_LABEL

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "path, query, charts",
    [("sectors", "view=cyber&period=2023", None), ("scenarios", "view=methods&t1=80", 4)],
)
def test_note_download_holds_every_view(server, browser, tmp_path, path, query, charts):
    page = browser.new_page()
    open_page(page, server.page_url(path, query))
    with page.expect_download(timeout=RUN_TIMEOUT_MS * 3) as download:
        page.get_by_role("button", name="Download briefing note (Word)").click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.name.startswith(f"SAMPLE-briefing-note-{path}-") and target.suffix == ".docx"
    document = docx.Document(str(target))
    (link,) = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    # every chart of every view, each as the printed parts govdata.printing cuts it into at the note's size
    con = warehouse.connect(server.warehouse)
    try:
        _, view = briefing.page_view(con, link)
    finally:
        con.close()
    figures = [p.text for p in document.paragraphs if p.style.name == "Heading 2" and p.text.startswith("Figure ")]
    assert len(figures) == len(view.specs) >= 2 and len(view.specs) == (charts or len(view.specs))
    assert len(document.inline_shapes) == sum(printing.part_count(spec, "report") for spec in view.specs)
    assert all(shape._inline.docPr.get("descr") for shape in document.inline_shapes)
    assert SAMPLE_LABEL in document.sections[0].header.paragraphs[0].text
    assert link.startswith(f"{server.url}/{path}?") and all(part in link for part in query.split("&"))
    page.close()
