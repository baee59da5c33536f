"""The rule that stops ad-hoc number formatting coming back (issue 10): outside govdata/numbers.py, the modules that
state numbers to people (charts, headlines, scenarios, views, packs, exports, queries and pages) contain no
f-string float format, no round() and no plotly d3 float format; they call govdata.numbers instead."""

from __future__ import annotations

import re

from govdata import settings

CHECKED = [
    "govdata/charts",
    "govdata/headlines.py",
    "govdata/scenarios",
    "govdata/views",
    "govdata/packs.py",
    "govdata/export.py",
    "govdata/queries",
    "govdata/briefing",
    "app_pages",
]
PATTERNS = {
    "f-string float format": re.compile(r"\{[^{}]*:[+ ,]?[,_]?\.\d+[f%]\}"),
    "round()": re.compile(r"(?<![\w.])round\(|\.round\("),
    "plotly float format": re.compile(r"%\{[^}]*:[^}]*\.\d+f\}"),
    "SQL round": re.compile(r"\bround\(\s*100", re.IGNORECASE),
}
# Not numbers stated to people: a timing printed by a CLI and a number typed into a docx table cell by its own rule.
ALLOWED = {
    ("govdata/briefing/__main__.py", "f-string float format"),
    ("govdata/briefing/note.py", "f-string float format"),
}


def test_no_ad_hoc_rounding_or_formatting_outside_govdata_numbers():
    root = settings.PROJECT_ROOT
    found = []
    for entry in CHECKED:
        path = root / entry
        for file in sorted([path] if path.is_file() else path.rglob("*.py")):
            rel = str(file.relative_to(root))
            text = file.read_text(encoding="utf-8")
            for name, pattern in PATTERNS.items():
                if (rel, name) in ALLOWED:
                    continue
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{rel}:{line}: {name}: {match.group(0)}")
    assert not found, "format through govdata.numbers instead:\n" + "\n".join(found)
