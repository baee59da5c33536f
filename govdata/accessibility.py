"""The accessibility statement (GOV.UK model format): what was tested, with what, where it falls short, how to
report a problem. Facts about the test come from the test set-up itself (axe-core's pinned version in
package-lock.json, the widths of tests/e2e/test_accessibility.py), so the statement cannot drift from them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from govdata import settings
from govdata.views.base import SITE_TITLE

CONTACT_ENV = "DASHBOARD_ACCESSIBILITY_CONTACT"  # e-mail or web address the operator answers problems at
PREPARED = "5 December 2026"  # when this statement was written
LAST_TESTED = "5 December 2026"  # when the checks below last passed in full
WIDTHS_PX = (1440, 390)  # the audit's window widths (desktop, phone)
STANDARD = "Web Content Accessibility Guidelines (WCAG) version 2.2 AA"


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


def axe_version() -> str:
    """axe-core's version as pinned in package-lock.json (what `npm ci` installs for the tests)."""
    lock = settings.PROJECT_ROOT / "package-lock.json"
    try:
        return json.loads(lock.read_text())["packages"]["node_modules/axe-core"]["version"]
    except (OSError, KeyError, ValueError):
        return "4.x"


def contact() -> str | None:
    """Where to report a problem, as the site's operator set it ($DASHBOARD_ACCESSIBILITY_CONTACT), else None."""
    value = os.environ.get(CONTACT_ENV, "").strip()
    return value[:200] or None


def report_paragraphs() -> tuple[str, ...]:
    where = contact()
    first = (
        f"If you find a problem not listed here, or need information in another format, contact {where}. "
        if where
        else "If you find a problem not listed here, or need information in another format, contact the "
        "organisation that runs this site (its operator sets the contact address for this page). "
    )
    return (first + "Say which page and what you were trying to do; we aim to reply within 10 working days.",)


def statement() -> list[Section]:
    widths = " and ".join(f"{w} px" for w in WIDTHS_PX)
    return [
        Section(
            "Using this website",
            (
                f"{SITE_TITLE} is an interactive dashboard of UK public-sector data-governance figures. "
                "We want as many people as possible to be able to use it. "
                "You should be able to: zoom in up to 400% without text "
                "going off the screen (the pages reflow to one column at a phone's width); move through every page "
                "and control with a keyboard alone, with a clearly visible focus outline; read every chart as text "
                "(each has a one-sentence summary, a text alternative and a data table) and download its data as "
                "CSV or XLSX; use a screen reader for the page text, headings, controls and tables.",
                "AbilityNet has advice on making your device easier to use if you have a disability "
                "(https://mcmw.abilitynet.org.uk/).",
            ),
        ),
        Section(
            "How accessible this website is",
            (
                "We know some parts of this website are not fully accessible: the chart plots themselves are "
                "graphics (zooming a plot by dragging needs a mouse or touch), the data grids are drawn on a canvas "
                "with partial screen-reader support, and the pages have not been tested with a screen reader by its "
                "users. Each is explained below with its alternative.",
            ),
        ),
        Section("Feedback and reporting accessibility problems", report_paragraphs()),
        Section(
            "Enforcement procedure",
            (
                "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies "
                "(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the 'accessibility "
                "regulations'). If you're not happy with how we respond to your complaint, contact the Equality "
                "Advisory and Support Service (EASS) (https://www.equalityadvisoryservice.com/).",
            ),
        ),
        Section(
            "Technical information about this website's accessibility",
            (
                "We are committed to making this website accessible, in accordance with the accessibility regulations.",
                f"Compliance status: this website is partially compliant with the {STANDARD} standard, due to the "
                "non-compliances listed below.",
            ),
        ),
        Section(
            "Non-accessible content",
            (
                "Charts: the plots are drawn as graphics. Panning or zooming a plot needs dragging (WCAG 2.2 success "
                "criterion 2.5.7, dragging movements); hover labels need a pointer (1.4.13, content on hover). Every "
                "figure in a plot is also in the chart's data table, its summary sentence and its CSV/XLSX download, "
                "and the chart toolbar is switched off so it adds no keyboard stops.",
                "Data grids: the sortable tables under each chart are drawn on a canvas; keyboard navigation works, "
                "but screen readers announce cells only partly (4.1.2, name, role, value). The CSV/XLSX downloads "
                "hold the same data for any spreadsheet program.",
                "Colours in charts: lines and bars are told apart by colour and by their labels or legend; where "
                "more groups exist than colours, the smallest are summed as 'All others'. Contrast of thin chart "
                "lines against the background has not been measured for every colour (1.4.11, non-text contrast).",
                "Downloaded files: exported images carry their text alternative (SVG <title>/<desc>, the Word note's "
                "alt text), but the Word note and XLSX files have not been checked with an accessibility checker.",
                "Parts of the pages come from the Streamlit framework; its controls have not been tested with "
                "screen readers or speech recognition software by us.",
            ),
        ),
        Section(
            "What we're doing to improve accessibility",
            (
                "Every change to this website is checked automatically with the tests listed below; a change that "
                "adds a serious or critical accessibility fault fails those tests and is not released. We plan a "
                "test with screen-reader users and will update this statement with what it finds.",
            ),
        ),
        Section(
            "Preparation of this accessibility statement",
            (
                f"This statement was prepared on {PREPARED}. The website was last tested on {LAST_TESTED}, by the "
                "project's developers.",
                f"How it was tested: axe-core {axe_version()} (an automated checker of WCAG 2.0-2.2 A and AA rules and "
                f"best practices) run in Chromium on every page at window widths of {widths}, and on every further "
                f"view of the pages that show one view at a time (Sectors, Surveys, Scenarios) at {WIDTHS_PX[-1]} px, "
                "with no serious or critical faults allowed; an automated keyboard test that moves through each page "
                "with the Tab key and checks every control shows a visible focus indicator and that charts add no "
                "toolbar stops; a check that headings are in order (one h1, no skipped levels); and a check that "
                "chart text is neither clipped nor overlapping at 390, 768 and 1440 px (tests/e2e/ in the project's "
                "source).",
            ),
        ),
    ]
