"""Page frame: title, sample-data banner, a friendly "build the warehouse" message, and no tracebacks for users."""

from __future__ import annotations

import contextlib
import logging

import streamlit as st

from govdata import quarters
from govdata.figures import SIMULATED_ON, simulated_on
from govdata.queries import coverage
from govdata.warehouse import WarehouseUnavailable
from ui import data, streamlit_private

log = logging.getLogger("dashboard")

SAMPLE_HEAD = (
    "**SAMPLE DATA.** This site has not loaded the ICO's real incident file yet, so the ICO incident "
    "counts are simulated: generated in the shape of the ICO release, not real incidents."
)
# What is simulated on each page (govdata.figures.SIMULATED_ON). Operator instructions (how to load the real file)
# live in the README and on the Sources page, not in the banner members see.
SIMULATED = SIMULATED_ON
SAMPLE_BANNER = SAMPLE_HEAD + " " + SIMULATED["overview"]


def data_status(meta: dict | None) -> str:
    """The one line saying how current the data is (sidebar and page foot)."""
    if meta is None:
        return "No warehouse built yet."
    return (
        f"Data to {quarters.text(meta.get('latest_quarter', '?'))} · warehouse built {meta.get('built_at', '?')[:16]}"
    )


def site_footer(pages: list, status: str) -> None:
    """Links to every page (the accessibility statement among them) and the data status, at the foot of each
    page, so they never hide behind the closed sidebar of a phone."""
    with st.container(key="site-footer"):
        st.divider()
        st.markdown("**Pages on this site**")
        for column, page in zip(st.columns(len(pages)), pages):
            column.page_link(page)
        st.caption(status)


def sample_banner_text(page: str | None = None) -> str:
    """The banner for `page` (a SIMULATED key): what is simulated there, and nothing else."""
    return SAMPLE_HEAD + " " + simulated_on(page)


def show_unavailable(exc: WarehouseUnavailable) -> None:
    """The friendly message shown instead of a page when there is no readable warehouse."""
    st.error("The data warehouse is not available yet, so there is nothing to show.", icon="🛠️")
    st.markdown(
        "If you run this dashboard yourself, build it from the project folder, then reload this page "
        "(on a hosted site, the site's operator does this):"
    )
    st.code(".venv/bin/python -m etl build", language="bash")
    # The path and the database error stay in the server log: visitors of a hosted dashboard need not see them.
    log.warning("warehouse unavailable: %s", exc)


def sample_banner(page: str | None = None) -> None:
    """The sample-data banner (shown by page_setup whenever the warehouse says is_sample)."""
    st.warning(sample_banner_text(page), icon="⚠️")


def page_setup(title: str, intro: str | None = None, *, page: str | None = None) -> dict[str, str]:
    """Start a page: title, optional intro, sample banner when the warehouse is a sample (saying what on `page`,
    a key of SIMULATED, is simulated).

    Returns warehouse_meta as a dict. When the warehouse is missing or unreadable, shows how to build it and stops
    the page (st.stop), so page code after this call can assume a working warehouse.
    """
    st.title(title)
    try:
        meta = data.meta()
    except WarehouseUnavailable as exc:
        show_unavailable(exc)
        st.stop()
    if coverage.is_sample(meta):
        sample_banner(page)
    if intro:
        st.markdown(intro)
    return meta


_CONTROL_FLOW = streamlit_private.control_flow_exception()


@contextlib.contextmanager
def guarded(what: str = "this page"):
    """Run a page body; any error becomes a short message for the user and a full log entry on the server.

    Streamlit's own control flow (st.stop, st.rerun, page switches) passes through untouched.
    """
    try:
        yield
    except _CONTROL_FLOW:
        raise
    except WarehouseUnavailable as exc:
        show_unavailable(exc)
    except Exception:  # noqa: BLE001 - last line of defence: users never see a traceback
        log.exception("error while showing %s", what)
        st.error(
            f"Sorry, something went wrong while showing {what}. The error has been logged; "
            "try changing the filters or reloading the page.",
            icon="⚠️",
        )
