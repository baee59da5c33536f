"""Text from a URL is shown as text in the real browser: no link, no image, no request to anywhere else.

A beacon server on 127.0.0.1 records every request; saved-scenario names in the URL try to make every visitor's
browser fetch an image from it, offer a link to it, and smuggle HTML into the comparison chart (plotly renders
<a>, <b>, <br>). A bare URL and bidi/zero-width characters go into an ignored parameter. The page must show the
names as plain text, fetch nothing from the beacon and contain no link to it.
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse

import pytest
from conftest import free_port
from e2e_helpers import app_text, assert_no_error, open_page

from govdata import scenarios as sc


@pytest.fixture
def beacon():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()


def test_hostile_scenario_names_and_values_render_as_text(server, browser, beacon, screenshots_dir):
    beacon_url, hits = beacon
    token = sc.ScenarioInputs("Local government", 0.5, 0.5, 1.0, 1.0).token()
    names = {
        "s1": f"![x]({beacon_url}/md-image.gif)",
        "s2": f'<a href="{beacon_url}/html-link">Sign in here</a><img src="{beacon_url}/html-img.gif">',
        "s3": f"[Sign in here]({beacon_url}/md-link)",
    }
    params = {k: f"{v}~{token}" for k, v in names.items()}
    params["window"] = f"{beacon_url}/bare-url \u202eevil\u200b"  # ignored, echoed in a note
    params["view"] = "compare"  # the part that lists the saved scenarios and charts them
    page = browser.new_page()
    open_page(page, server.page_url("scenarios", urllib.parse.urlencode(params)))
    assert_no_error(page)
    # every image in the document has loaded or failed: any request an injected image would make has been made
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    assert not hits, f"the browser fetched from the beacon: {hits}"
    requested = page.evaluate("() => performance.getEntriesByType('resource').map(entry => entry.name)")
    assert not [r for r in requested if r.startswith(beacon_url)], requested
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in links if "127.0.0.1" in h and beacon_url.rsplit(":", 1)[1] in h], links
    images = page.eval_on_selector_all("img[src]", "els => els.map(e => e.getAttribute('src'))")
    assert not [s for s in images if beacon_url in s], images
    text = app_text(page)
    assert "\u202e" not in text and "\u200b" not in text
    text = text.replace("\u2060", "")  # the invisible word joiners that stop auto-linking
    assert f"{beacon_url}/bare-url" in text  # shown, as text
    # The names as stored: the characters the page allows, shown as plain text in the list and the chart.
    for raw in names.values():
        assert sc.scenario_name(raw, "?") in text
    chart_links = page.locator('[data-testid="stPlotlyChart"] a')
    assert chart_links.count() == 0, "a link inside a chart"
    page.screenshot(path=str(screenshots_dir / "scenarios-hostile-names.png"), full_page=True)
