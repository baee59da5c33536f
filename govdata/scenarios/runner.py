"""Module-level entry points for cached page calls (ui.data.cached_query accepts govdata.scenarios.* modules)."""
from __future__ import annotations


def evaluate_inputs(con, token: str):
    """The ScenarioResult for a ScenarioInputs token (see govdata.scenarios.ScenarioInputs)."""
    from govdata import scenarios

    return scenarios.evaluate_inputs(con, token)
