"""App start to first page served: the real server on 127.0.0.1, timed to /_stcore/health OK and to the first full
render in Debian's chromium (Playwright), i.e. the script finished and every chart drawn."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deploy import server
from deploy.server import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - bench.browser imports them from here
from govdata import settings
from scripts.browser_pages import APP_IDLE, DRAWN

# The script has finished with something drawn (scripts.browser_pages' selectors) and all the page's Plotly charts
# have drawn their SVG (the chart component is loaded lazily, seconds after the script ends, so the expected count
# comes from an AppTest run).
RENDERED_JS = """([idle, drawn, expected]) => {
  if (!document.querySelector(idle) || !document.querySelector(drawn)) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.length >= expected && charts.every(c => c.querySelector('.main-svg'));
}"""
COUNT_CHARTS = (
    "import sys; from streamlit.testing.v1 import AppTest; "
    "at = AppTest.from_file(sys.argv[1], default_timeout=600).run(); "
    "print(len(at.get('plotly_chart')))"
)


def measure(warehouse: Path, *, script: Path | None = None, timeout: float = 300) -> dict:
    """Seconds from launching `streamlit run` to health OK and to the first full render of the default page."""
    from playwright.sync_api import sync_playwright

    script = script or settings.PROJECT_ROOT / "dashboard.py"
    expected = int(
        subprocess.run(
            [sys.executable, "-c", COUNT_CHARTS, str(script)],
            cwd=settings.PROJECT_ROOT,
            env=dict(os.environ, DASHBOARD_WAREHOUSE=str(warehouse)),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = server.free_port()
    url = f"http://127.0.0.1:{port}"
    # The browser is launched first so its own start-up is not counted as the app's.
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        proc = server.start(script, port, warehouse, Path(tmp) / "server.log", args=("--global.developmentMode=false",))
        try:
            server.wait_healthy(url, proc, log=Path(tmp) / "server.log", timeout_s=timeout, poll_s=0.02)
            health = time.perf_counter() - start
            page.goto(f"{url}/", wait_until="commit")
            page.wait_for_function(RENDERED_JS, arg=[APP_IDLE, DRAWN, expected], timeout=timeout * 1000, polling=50)
            rendered = time.perf_counter() - start
            exceptions = page.locator('[data-testid="stException"]').count()
            charts = page.locator('[data-testid="stPlotlyChart"]').count()
        finally:
            browser.close()
            server.stop(proc, timeout_s=10)
    return {
        "health_s": health,
        "first_render_s": rendered,
        "charts": charts,
        "expected_charts": expected,
        "exceptions": exceptions,
    }
