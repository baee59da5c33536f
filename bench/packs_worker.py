"""Child process: time the briefing pack of every chart a page shows (first pack = renderer start-up, then warm).

The page runs once in AppTest; the FigureSpecs it hands to ui.pack_button.pack_download (or, for pages that do
not call it yet, to ui.panel.show_figure) are captured, then govdata.packs.build_pack is timed on them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date

from govdata import settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", required=True)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)

    from streamlit.testing.v1 import AppTest

    import ui.pack_button
    import ui.panel
    from govdata.packs import build_pack

    captured: dict[str, list] = {"pack": [], "panel": []}
    original_pack, original_show = ui.pack_button.pack_download, ui.panel.show_figure

    def capture_pack(specs, page_title, *a, **k):
        captured["pack"].append((list(specs), page_title))
        return original_pack(specs, page_title, *a, **k)

    def capture_show(spec, *a, **k):
        captured["panel"].append(spec)
        return original_show(spec, *a, **k)

    # Benchmark-only capture: AppTest runs the page in this process, so patched module attributes are seen by
    # pages that call `ui.panel.show_figure(...)`/`pack_button.pack_download(...)` through the module.
    ui.pack_button.pack_download, ui.panel.show_figure = capture_pack, capture_show
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard.py"), default_timeout=600)
    at.run()
    if args.page != "overview":
        at.switch_page(f"app_pages/{args.page}.py")
        captured["pack"].clear()
        captured["panel"].clear()
        at.run()
    if captured["pack"]:
        specs, title = captured["pack"][-1]
        via = "pack_download"
    else:
        specs, title, via = captured["panel"], args.page.title(), "show_figure"
    result = {"page": args.page, "charts": len(specs), "via": via, "seconds": [], "bytes": 0}
    for _ in range(args.reps if specs else 0):
        start = time.perf_counter()
        data = build_pack(specs, title, accessed_date=date.today())
        result["seconds"].append(time.perf_counter() - start)
        result["bytes"] = len(data)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
