"""URL <-> filter state: every filter lives in st.query_params so a copied address reopens the same view.

Each widget reads its first value from the URL, checks it against the known vocabulary (options passed in by the
page, normally the warehouse's own distinct values), ignores anything invalid with a visible note, and writes the
current value back to the URL on every run. Widgets are standard, keyboard-usable Streamlit widgets.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from govdata import plain_text

MAX_SHOWN = 60  # long URL values are truncated in notes
MAX_URL_VALUES = 100  # repeated values of one parameter looked at (no page offers more choices)
MAX_NOTES = 3   # ignored values noted one by one per parameter; the rest are counted in one more note


def escape(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` as inert Markdown text: control/bidi/zero-width characters dropped, truncated to `limit` characters,
    punctuation backslash-escaped (no link, image, e-mail or URL auto-link, heading or HTML): govdata.plain_text."""
    return plain_text.for_markdown(value, limit)


def note_ignored(name: str, value: object, reason: str) -> None:
    """Show a visible note that URL parameter `name` = `value` was ignored, and why (all text escaped)."""
    st.info(f"Ignored URL parameter **{escape(name)}** = “{escape(value)}”: {escape(reason, 200)}.", icon="ℹ️")


def _key(name: str) -> str:
    return f"url_{name}"


def _first_run(name: str) -> bool:
    return _key(name) not in st.session_state


def choice(name: str, options: Sequence[str], default: str | None = None, *, label: str,
           format_func: Callable[[Any], str] = str, horizontal: bool | None = None, help: str | None = None,
           where: Any = None) -> str:
    """A single choice (selectbox; radio when `horizontal` is set) kept in URL parameter `name`.

    `options` is the allowed vocabulary; `default` (else the first option) is used when the URL has no or an
    invalid value. `where` is the container to draw in (default: the main area). Returns the chosen option.
    """
    options = list(options)
    if not options:
        raise ValueError(f"choice '{name}' has no options")
    if default not in options:
        default = options[0]
    key = _key(name)
    if _first_run(name):
        value = default
        if name in st.query_params:
            raw = st.query_params.get(name)
            if raw in options:
                value = raw
            else:
                note_ignored(name, raw, "not one of the available options")
        st.session_state[key] = value
    elif st.session_state[key] not in options:  # the vocabulary changed (e.g. a rebuilt warehouse)
        st.session_state[key] = default
    box = where if where is not None else st
    if horizontal is not None:
        value = box.radio(label, options, key=key, format_func=format_func, horizontal=horizontal, help=help)
    else:
        value = box.selectbox(label, options, key=key, format_func=format_func, help=help)
    st.query_params[name] = value
    return value


def multichoice(name: str, options: Sequence[str], default: Sequence[str] = (), *, label: str,
                format_func: Callable[[Any], str] = str, help: str | None = None, where: Any = None) -> list[str]:
    """Several choices (multiselect) kept as repeated URL parameters `name=a&name=b`.

    Unknown values in the URL are dropped with a note; the valid ones are kept. An empty selection is written as
    a single empty value so that "none chosen" also survives a copied address. Returns the chosen options.
    """
    options = list(options)
    default = [d for d in default if d in options]
    key = _key(name)
    if _first_run(name):
        value = list(default)
        if name in st.query_params:
            values = st.query_params.get_all(name)
            raw = [v for v in values[:MAX_URL_VALUES] if v != ""]
            value = [v for v in dict.fromkeys(raw) if v in options]
            bad = list(dict.fromkeys(v for v in raw if v not in options))
            for item in bad[:MAX_NOTES]:
                note_ignored(name, item, "not one of the available options")
            extra = max(len(bad) - MAX_NOTES, 0) + max(len(values) - MAX_URL_VALUES, 0)
            if extra:
                note_ignored(name, f"{extra:,} more values", "ignored too")
        st.session_state[key] = value
    else:
        current = [v for v in st.session_state[key] if v in options]
        if current != st.session_state[key]:
            st.session_state[key] = current
    box = where if where is not None else st
    value = box.multiselect(label, options, key=key, format_func=format_func, help=help)
    st.query_params[name] = list(value) if value else [""]
    return list(value)


def number(name: str, default: int | float, *, label: str, min_value: int | float, max_value: int | float,
           step: int | float = 1, help: str | None = None, where: Any = None) -> int | float:
    """A number input kept in URL parameter `name`; non-numbers or values outside [min, max] are ignored.

    Integers when `default`, `min_value`, `max_value` and `step` are all ints. Returns the value.
    """
    integral = all(isinstance(v, int) and not isinstance(v, bool) for v in (default, min_value, max_value, step))
    key = _key(name)
    if _first_run(name):
        value = default
        if name in st.query_params:
            raw = st.query_params.get(name)
            try:
                parsed = int(raw) if integral else float(raw)
            except (TypeError, ValueError):
                note_ignored(name, raw, "not a number" if not integral else "not a whole number")
            else:
                if parsed != parsed or not (min_value <= parsed <= max_value):  # NaN or out of range
                    note_ignored(name, raw, f"outside the range {min_value} to {max_value}")
                else:
                    value = parsed
        st.session_state[key] = value
    box = where if where is not None else st
    value = box.number_input(label, min_value=min_value, max_value=max_value, step=step, key=key, help=help)
    st.query_params[name] = str(value)
    return value


def flag(name: str, default: bool, *, label: str, help: str | None = None, where: Any = None) -> bool:
    """A checkbox kept in URL parameter `name` as '1' / '0' (also accepts true/false, yes/no). Returns it."""
    key = _key(name)
    if _first_run(name):
        value = default
        if name in st.query_params:
            raw = st.query_params.get(name)
            lowered = str(raw).strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                value = True
            elif lowered in ("0", "false", "no", "off"):
                value = False
            else:
                note_ignored(name, raw, "expected 1 or 0")
        st.session_state[key] = value
    box = where if where is not None else st
    value = box.checkbox(label, key=key, help=help)
    st.query_params[name] = "1" if value else "0"
    return bool(value)
