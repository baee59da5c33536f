"""Page frame: title, sample-data banner, a friendly "build the warehouse" message, and no tracebacks for users."""
from __future__ import annotations

import contextlib
import logging

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from govdata.figures import SAMPLE_LABEL
from govdata.warehouse import WarehouseUnavailable
from ui import data

log = logging.getLogger("dashboard")

SAMPLE_BANNER = (f"**{SAMPLE_LABEL}** Figures on this page are for trying the dashboard only. "
                 "Build the warehouse from the ICO's published file to see real figures (README: python -m etl fetch).")


def show_unavailable(exc: WarehouseUnavailable) -> None:
    """The friendly message shown instead of a page when there is no readable warehouse."""
    st.error("The data warehouse is not available yet, so there is nothing to show.", icon="🛠️")
    st.markdown("Build it from the project folder, then reload this page:")
    st.code("python -m etl build", language="bash")
    # The path and the database error stay in the server log: visitors of a hosted dashboard need not see them.
    log.warning("warehouse unavailable: %s", exc)


def sample_banner() -> None:
    """The sample-data banner (shown by page_setup whenever the warehouse says is_sample)."""
    st.warning(SAMPLE_BANNER, icon="⚠️")


def page_setup(title: str, intro: str | None = None) -> dict[str, str]:
    """Start a page: title, optional intro, sample banner when the warehouse is a sample.

    Returns warehouse_meta as a dict. When the warehouse is missing or unreadable, shows how to build it and stops
    the page (st.stop), so page code after this call can assume a working warehouse.
    """
    st.title(title)
    try:
        meta = data.meta()
    except WarehouseUnavailable as exc:
        show_unavailable(exc)
        st.stop()
    if meta.get("is_sample", "false").lower() == "true":
        sample_banner()
    if intro:
        st.markdown(intro)
    return meta


@contextlib.contextmanager
def guarded(what: str = "this page"):
    """Run a page body; any error becomes a short message for the user and a full log entry on the server.

    Streamlit's own control flow (st.stop, st.rerun, page switches) passes through untouched.
    """
    try:
        yield
    except ScriptControlException:
        raise
    except WarehouseUnavailable as exc:
        show_unavailable(exc)
    except Exception:  # noqa: BLE001 - last line of defence: users never see a traceback
        log.exception("error while showing %s", what)
        st.error(f"Sorry, something went wrong while showing {what}. The error has been logged; "
                 "try changing the filters or reloading the page.", icon="⚠️")
