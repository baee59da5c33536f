"""ui.state: URL values are validated against the declared vocabulary, ignored with an escaped visible note, and
written back once per user change (never on a load)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app():
    from types import SimpleNamespace

    import streamlit as st

    from govdata.views.params import Param
    from ui import state

    view = SimpleNamespace(
        PAGE="test",
        PARAMS=(
            Param(
                "sector",
                "multi",
                "Sectors",
                options={s: s for s in ("Health", "Finance, insurance and credit", "Justice")},
            ),
            Param(
                "period",
                "choice",
                "Period",
                options={"quarter": "Quarter", "year": "Year"},
                default="quarter",
                widget="radio",
            ),
            Param("view", "choice", "View", options={"a": "A", "b": "B", "c": "C"}, default="b"),
            Param("window", "number", "Window", default=4, minimum=1, maximum=8),
            Param("comparable", "flag", "Comparable only", default=True),
        ),
    )
    form = state.Form(view, runner=None)
    values = tuple(form.widget(p.name) for p in view.PARAMS)
    form.commit()
    st.write(repr(values))


def run(params: dict | None = None) -> AppTest:
    at = AppTest.from_function(_app, default_timeout=30)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    return at.run()


def result(at: AppTest):
    import ast

    return ast.literal_eval(at.markdown[-1].value)


DEFAULT_URL = {"sector": "", "period": "quarter", "view": "b", "window": "4", "comparable": "1"}


def test_a_load_writes_nothing_and_a_change_writes_the_whole_view():
    at = run()
    assert not at.exception and not at.info
    assert result(at) == ([], "quarter", "b", 4, True)
    assert dict(at.query_params) == {}  # no history entry for loading the page
    at.selectbox[0].set_value("a").run()
    assert dict(at.query_params) == DEFAULT_URL | {"view": "a"}


def test_a_rerun_without_a_change_writes_nothing():
    at = run()
    at.run()
    at.run()
    assert dict(at.query_params) == {}
    at.number_input[0].set_value(5).run()
    written = dict(at.query_params)
    at.run()
    assert dict(at.query_params) == written == DEFAULT_URL | {"window": "5"}


def test_valid_url_values_set_the_widgets():
    at = run(
        {
            "sector": ["Justice", "Finance, insurance and credit"],
            "period": "year",
            "view": "c",
            "window": "6",
            "comparable": "0",
        }
    )
    assert not at.info
    assert result(at) == (["Justice", "Finance, insurance and credit"], "year", "c", 6, False)
    assert at.multiselect[0].value == ["Justice", "Finance, insurance and credit"]
    assert at.radio[0].value == "year" and at.selectbox[0].value == "c" and at.number_input[0].value == 6


def test_widget_changes_are_written_back():
    at = run()
    at.selectbox[0].set_value("a")
    at.multiselect[0].set_value(["Health"])
    at.number_input[0].set_value(2)
    at.checkbox[0].uncheck()
    at.run()
    assert at.query_params["view"] == "a" and at.query_params["sector"] == "Health"
    assert at.query_params["window"] == "2" and at.query_params["comparable"] == "0"
    # and the written URL reopens the same view
    again = run(dict(at.query_params))
    assert result(again) == result(at) == (["Health"], "quarter", "a", 2, False)


def test_a_new_address_in_the_same_session_resets_the_widgets():
    """Back/Forward: the browser reruns the page with an older address; the widgets follow it."""
    at = run()
    at.selectbox[0].set_value("a").run()
    at.number_input[0].set_value(7).run()
    assert result(at)[2:4] == ("a", 7)
    at.query_params.clear()
    at.query_params.update(DEFAULT_URL | {"view": "a"})  # one step back
    at.run()
    assert result(at) == ([], "quarter", "a", 4, True) and not at.info
    at.query_params.clear()  # back to the page as first loaded
    at.run()
    assert result(at) == ([], "quarter", "b", 4, True)
    assert dict(at.query_params) == {}  # a history step writes nothing


def test_invalid_values_are_ignored_with_an_escaped_note():
    hostile = "<script>alert('x')</script>"
    at = run(
        {
            "sector": ["Health", hostile, "x'; DROP TABLE incidents; --"],
            "period": "decade",
            "view": "[link](javascript:alert(1))",
            "window": "99",
            "comparable": "maybe",
        }
    )
    assert not at.exception
    assert result(at) == (["Health"], "quarter", "b", 4, True)
    notes = [i.value for i in at.info]
    assert len(notes) == 6
    assert all(n.startswith("Ignored URL parameter") for n in notes)
    joined = "\n".join(notes)
    assert "<script>" not in joined and "\\<script\\>" in joined
    assert "](javascript" not in joined
    assert "outside the range 1 to 8" in joined and "expected 1 or 0" in joined
    at.checkbox[0].uncheck().run()  # the first change writes the valid view
    assert at.query_params["sector"] == "Health" and at.query_params["period"] == "quarter"


def test_long_values_are_truncated_in_notes():
    at = run({"view": "z" * 5000})
    (note,) = [i.value for i in at.info]
    assert len(note) < 200 and "z" * 60 + "…" in note


def test_non_numbers_are_ignored():
    at = run({"window": "four"})
    assert result(at)[3] == 4 and "not a whole number" in at.info[0].value


def test_several_values_round_trip_as_repeated_parameters():
    at = run()
    at.multiselect[0].set_value(["Health", "Justice"]).run()
    assert at.query_params["sector"] == ["Health", "Justice"]
    assert result(run(dict(at.query_params)))[0] == ["Health", "Justice"]


def _failing_page():
    import streamlit as st

    from ui import layout

    with layout.guarded("the test page"):
        st.write("before")
        raise RuntimeError("secret internals /etc/passwd")


def test_guarded_shows_a_short_error_without_traceback():
    at = AppTest.from_function(_failing_page, default_timeout=30).run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.startswith("Sorry, something went wrong while showing the test page")
    assert "secret internals" not in message and "Traceback" not in message
